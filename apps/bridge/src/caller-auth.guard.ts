import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Callers prove they hold the shared secret: `Authorization: Bearer <secret>` (the Keycloak
 * provider, the Keycloak user-migration plugin's API token, a FusionAuth connector header) or
 * `Basic <any user>:<secret>` (that plugin's basic-auth option). Compared in constant time.
 */
export const CALLER_SECRET = Symbol('bridge caller secret');

@Injectable()
export class CallerAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CALLER_SECRET) sharedSecret: string) {
    this.expected = digest(sharedSecret);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const presented = secretOf(header);
    if (presented !== undefined && timingSafeEqual(digest(presented), this.expected)) return true;
    throw new UnauthorizedException('missing or wrong caller credentials');
  }
}

function secretOf(header: string): string | undefined {
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/** Equal-length inputs for timingSafeEqual, whatever length was presented. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
