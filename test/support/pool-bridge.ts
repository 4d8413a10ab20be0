import type { Logger } from 'pino';
import type { Env } from '#config';
import { bridgeSections, startBridge, type RunningBridge } from '#bridge';
import { localConfig } from '#stack';

/** The bridge in front of one cognito-local pool, one Cognito attempt per call (tests assert on outages). */
export async function startPoolBridge(
  env: Env,
  pool: { readonly poolId: string; readonly clientId: string },
  logger: Logger,
): Promise<RunningBridge> {
  const overrides = {
    COGNITO_USER_POOL_ID: pool.poolId,
    COGNITO_CLIENT_ID: pool.clientId,
    BRIDGE_COGNITO_MAX_ATTEMPTS: '1',
  };
  return startBridge(await localConfig({ ...env, ...overrides }, bridgeSections), { logger });
}
