import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { importRequiredActions } from '#domain';
import { CallerAuthGuard } from './caller-auth.guard.js';
import { z } from 'zod';
import { statusOf } from './outcome-http.js';
import { PasswordBridge } from './password-bridge.js';
import { callerIpOf, parseBody } from './request-body.js';

const passwordCheck = z.object({ password: z.string().min(1).max(1024) });

/**
 * The REST contract of the Keycloak user-migration plugin (daniel-frak/keycloak-user-migration),
 * so a realm already running that plugin can point its `URI` at `<bridge>/keycloak-user-migration`:
 * GET `{URI}/{usernameOrEmail}` answers the user, POST `{URI}/{username}` `{"password"}` answers
 * 200 for a password Keycloak may keep and anything else otherwise. The plugin parses the user
 * with a plain Jackson mapper that fails on unknown fields, so the answer has exactly its fields.
 * It passes no end-user IP: Cognito then sees the Keycloak server as the client.
 */
@Controller('keycloak-user-migration')
@UseGuards(CallerAuthGuard)
export class KeycloakUserMigrationController {
  constructor(@Inject(PasswordBridge) private readonly bridge: PasswordBridge) {}

  @Get(':login')
  async user(@Param('login') login: string): Promise<Record<string, unknown>> {
    const user = await this.bridge.lookup(login);
    if (!user) throw new NotFoundException('no such user');
    return {
      // Cognito's sub as the Keycloak id keeps tokens' `sub` and downstream foreign keys stable.
      id: user.targetUserId ?? user.sub,
      username: user.loginName ?? user.username,
      ...(user.email ? { email: user.email } : {}),
      enabled: user.enabled,
      attributes: { cognito_sub: [user.sub], cognito_username: [user.username] },
      // The import's required actions for this user, as the bridge's own answers carry them.
      requiredActions: [...importRequiredActions(user)],
    };
  }

  @Post(':login')
  @HttpCode(200)
  async check(
    @Param('login') login: string,
    @Body() body: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { password } = parseBody(passwordCheck, body);
    const result = await this.bridge.verify(login, password, {
      contract: 'keycloak-user-migration',
      callerIp: callerIpOf(request),
    });
    // The plugin stores the password on 200 and on nothing else.
    const status = result.decision.migrate ? 200 : statusOf(result.outcome);
    if (result.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(result.retryAfterSeconds));
    response.status(status).end();
  }
}
