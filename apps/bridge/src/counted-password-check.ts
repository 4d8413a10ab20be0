import type { LoginOutcome } from '#domain';
import type { BridgeTrafficRecorder } from './bridge-traffic-recorder.js';
import type { LoginContext, PasswordCheck } from './password-check.js';

/** Every check that reaches Cognito, counted by how it ended; the password is not looked at. */
export class CountedPasswordCheck implements PasswordCheck {
  constructor(
    private readonly cognito: PasswordCheck,
    private readonly traffic: Pick<BridgeTrafficRecorder, 'record'>,
  ) {}

  async check(cognitoUsername: string, password: string, context: LoginContext): Promise<LoginOutcome> {
    const outcome = await this.cognito.check(cognitoUsername, password, context);
    this.traffic.record(outcome);
    return outcome;
  }
}
