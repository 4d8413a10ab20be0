import { Body, Controller, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CallerAuthGuard } from './caller-auth.guard.js';
import { z } from 'zod';
import { PasswordBridge } from './password-bridge.js';
import { callerIpOf, parseBody } from './request-body.js';

/** The Login API request FusionAuth's Generic Connector posts (fields it may add are ignored). */
const connectorRequest = z.object({
  loginId: z.string().min(1).max(512),
  password: z.string().min(1).max(1024),
  applicationId: z.string().optional(),
  eventInfo: z
    .object({ ipAddress: z.union([z.ipv4(), z.ipv6()]).optional(), userAgent: z.string().max(1024).optional() })
    .partial()
    .optional(),
});

/**
 * FusionAuth's Generic Connector: 200 `{user}` for a user found and authenticated, 404 for
 * anything else (the only other status FusionAuth accepts; it reports every non-200 as 404).
 * The user's id is the Cognito sub, a UUID as FusionAuth requires, so it stays stable.
 */
@Controller('fusionauth')
@UseGuards(CallerAuthGuard)
export class FusionAuthConnectorController {
  constructor(@Inject(PasswordBridge) private readonly bridge: PasswordBridge) {}

  @Post('connector')
  async login(@Body() body: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { loginId, password, applicationId, eventInfo } = parseBody(connectorRequest, body);
    const result = await this.bridge.verify(loginId, password, {
      contract: 'fusionauth-connector',
      ip: eventInfo?.ipAddress,
      userAgent: eventInfo?.userAgent,
      callerIp: callerIpOf(request),
    });
    const { user, decision } = result;
    if (!decision.migrate || !user) {
      response.status(404).end();
      return;
    }
    response.status(200).json({
      user: {
        id: user.sub,
        username: user.loginName ?? user.username,
        ...(user.email ? { email: user.email } : {}),
        ...(user.phoneNumber ? { phoneNumber: user.phoneNumber } : {}),
        active: user.enabled,
        passwordChangeRequired: decision.requiredActions.includes('UPDATE_PASSWORD'),
        ...(applicationId ? { registrations: [{ applicationId }] } : {}),
        data: {
          migratedFrom: 'cognito',
          cognitoSub: user.sub,
          cognitoUsername: user.username,
          mfaReenrolmentRequired: decision.requiredActions.includes('CONFIGURE_TOTP'),
        },
      },
    });
  }
}
