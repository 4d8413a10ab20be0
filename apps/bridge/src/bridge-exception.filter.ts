import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';

/**
 * Every error answer is built here from fixed texts. Node's JSON.parse quotes the start of the
 * text it could not parse, and that text would be a request body holding a password: the body
 * parser's message is therefore replaced, and unexpected errors are logged by name only.
 */
@Catch()
export class BridgeExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message =
        status === 400 && isBodyParserError(exception) ? 'request body is not valid JSON' : exception.message;
      response.status(status).json({ error: message });
      return;
    }
    if (isBodyParserFailure(exception)) {
      response.status(400).json({ error: 'request body is not valid JSON' });
      return;
    }
    this.logger.error({ err: exception instanceof Error ? exception.name : typeof exception }, 'request failed');
    response.status(500).json({ error: 'internal error' });
  }
}

function isBodyParserError(exception: HttpException): boolean {
  return isBodyParserFailure(exception.cause) || /JSON/.test(exception.message);
}

/** body-parser's errors carry `type: 'entity.parse.failed'` (and friends). */
function isBodyParserFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}
