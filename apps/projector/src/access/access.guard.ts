import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AccessUnverifiable, dashboardRoles, InvalidAccessToken } from '#keycloak';
import { decideAccess, isLoopbackAddress, type AccessLevel, type Caller } from './access-policy.js';
import { callerOf, type DashboardSignIn } from './dashboard-sign-in.js';

const ACCESS_LEVEL = 'migration-access-level';

/** What a route (or every route of a controller) requires; a route without it requires `viewer`. */
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_LEVEL, level);

/** The caller the guard found (null: nobody signed in, on an open route). */
export const CallerOf = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller | null =>
    (context.switchToHttp().getRequest<Request & { caller?: Caller | null }>().caller ?? null) as Caller | null,
);

/** How the API is protected: by the realm's tokens and the page's sessions, or (local profile only) not at all. */
export const ACCESS_CONTROL = Symbol('ACCESS_CONTROL');
export type AccessControl =
  | { readonly mode: 'keycloak'; readonly signIn: DashboardSignIn }
  | { readonly mode: 'open' }
  | { readonly mode: 'closed' };

export const SESSION_COOKIE = 'dashboard_session';

/** Everyone is an operator when access is open (DASHBOARD_ACCESS=open, the local profile only). */
const openCaller: Caller = {
  subject: 'open-access',
  username: null,
  roles: [dashboardRoles.viewer, dashboardRoles.operator],
};

/**
 * Every route of the projector passes here: a bearer token (checked against the realm's keys) or
 * the page's session cookie makes the caller, whose roles `decideAccess` weighs against what the
 * route requires. Refusals are JSON: 401 (nobody, or a token not accepted, with the reason) and
 * 403 (signed in without the role), 503 when the realm's keys cannot be fetched.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ACCESS_CONTROL) private readonly control: AccessControl,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level =
      this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'viewer';
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller | null }>();
    const fromLoopback = isLoopbackAddress(request.socket.remoteAddress);
    let caller: Caller | null;
    try {
      caller = await this.callerOf(request);
    } catch (error) {
      if (level === 'open' || (level === 'loopback' && fromLoopback)) caller = null;
      else if (error instanceof InvalidAccessToken) throw this.unauthorized(context, error.message);
      else if (error instanceof AccessUnverifiable)
        throw new ServiceUnavailableException({
          statusCode: 503,
          error: 'Service Unavailable',
          message: error.message,
        });
      else throw error;
    }
    request.caller = caller;
    const decision = decideAccess(level, caller, fromLoopback);
    if (decision.kind === 'unauthenticated') throw this.unauthorized(context, decision.message);
    if (decision.kind === 'forbidden')
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: decision.message });
    return true;
  }

  private async callerOf(request: Request): Promise<Caller | null> {
    if (this.control.mode === 'open') return openCaller;
    if (this.control.mode === 'closed') return null;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
      if (!match) throw new InvalidAccessToken('the Authorization header is not "Bearer <token>"');
      return callerOf(await this.control.signIn.verifier.verify(match[1]!));
    }
    return this.control.signIn.caller(cookieOf(request, SESSION_COOKIE));
  }

  private unauthorized(context: ExecutionContext, message: string): UnauthorizedException {
    // RFC 6750: a protected resource names the scheme it expects.
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
  }
}

export function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
