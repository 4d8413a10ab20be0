import { Body, Controller, Get, Inject, NotFoundException, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CallerAuthGuard } from './caller-auth.guard.js';
import { z } from 'zod';
import { confirmationStatusOf, statusOf, verifyBody } from './outcome-http.js';
import { PasswordBridge } from './password-bridge.js';
import { callerIpOf, parseBody } from './request-body.js';

const verifyRequest = z.object({
  login: z.string().min(1).max(512),
  password: z.string().min(1).max(1024),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: z.string().max(1024).optional(),
  /** The user's `cognito_sub` attribute at the target: when given, the user is found by it, not by the login. */
  sub: z.string().min(1).max(128).optional(),
  /** The target's user id, checked against the ledger's when both are known. */
  userId: z.string().min(1).max(128).optional(),
});

const storedRequest = z.object({
  sub: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
});

/** The bridge's own JSON API (docs/bridge.md), spoken by the project's Keycloak provider. */
@Controller('v1')
@UseGuards(CallerAuthGuard)
export class VerifyController {
  constructor(@Inject(PasswordBridge) private readonly bridge: PasswordBridge) {}

  @Post('verify')
  async verify(@Body() body: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { login, password, ip, userAgent, sub, userId } = parseBody(verifyRequest, body);
    const result = await this.bridge.verify(login, password, {
      contract: 'bridge-api',
      ip,
      userAgent,
      callerIp: callerIpOf(request),
      identity: sub || userId ? { sub, targetUserId: userId } : undefined,
    });
    if (result.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(result.retryAfterSeconds));
    // An unconfirmed user's proven password is kept (outcome not-confirmed, migrate true): 200 like any password kept.
    response.status(result.decision.migrate ? 200 : statusOf(result.outcome)).json(verifyBody(result));
  }

  /** The target has committed the password it was told to keep; PasswordMigrated is recorded on its word, read back. */
  @Post('verify/stored')
  async stored(@Body() body: unknown, @Res() response: Response): Promise<void> {
    const { sub, userId } = parseBody(storedRequest, body);
    const confirmation = await this.bridge.confirmStored(sub, userId);
    response.status(confirmationStatusOf(confirmation)).json(confirmation);
  }

  @Get('users/:login')
  async user(@Param('login') login: string): Promise<Record<string, unknown>> {
    const user = await this.bridge.lookup(login);
    if (!user) throw new NotFoundException('no such user');
    return {
      sub: user.sub,
      username: user.username,
      loginName: user.loginName,
      email: user.email,
      phoneNumber: user.phoneNumber,
      enabled: user.enabled,
      sourceStatus: user.sourceStatus,
      mfaRequired: user.mfaRequired,
      targetUserId: user.targetUserId,
      passwordMigrated: user.passwordMigratedVia !== null,
    };
  }
}
