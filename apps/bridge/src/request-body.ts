import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';

/**
 * Validates a request body; the error names the fields and the rule, never a value, because a
 * value may be a password (or a password typed into the username field).
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code}`);
  throw new BadRequestException(`invalid request body (${problems.join(', ')})`);
}

export function callerIpOf(request: Request): string {
  return request.socket.remoteAddress ?? 'unknown';
}
