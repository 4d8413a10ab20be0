import { z } from 'zod';

/**
 * `local`: a developer's machine with the local stack (`ledger stack`, `ledger demo`, the tests,
 * the benchmarks): the stack's loopback addresses are the defaults. `production`, the default:
 * every address and credential must be given, so that a missing one is reported instead of
 * silently pointing a real migration at 127.0.0.1.
 */
export const profiles = ['production', 'local'] as const;
export type Profile = (typeof profiles)[number];

export const profileRule = z.enum(profiles, { error: `must be one of ${profiles.join(', ')}` }).default('production');

/** Whether `env` selects the local profile (the composition root then adds the local stack's generated credentials). */
export function isLocalProfile(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.LEDGER_PROFILE === 'local';
}
