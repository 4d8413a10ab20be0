import { z } from 'zod';
import { section } from '../section.js';
import { integer, nonEmpty } from '../setting-rules.js';

/**
 * The sealer (apps/sealer) and `ledger verify`: the Ed25519 key that signs the ledger's
 * checkpoints, the checkpoints' origin, and how often a partition is sealed (docs/audit.md).
 */
export interface SealConfig {
  /** The signer key itself (`PRIVATE+KEY+…`): a secret, from the environment only. */
  readonly key: string | undefined;
  /** A file holding the signer key (mode 0600), used when `key` is not set. */
  readonly keyFile: string | undefined;
  /** The verifier key `ledger verify` checks signatures against; default: the signer key's public half. */
  readonly verifierKey: string | undefined;
  /** Checkpoint origins are `<origin>/<topic role>/<partition>`; default: `<key name>/<topic prefix>`. */
  readonly origin: string | undefined;
  /** A partition is sealed when this many records arrived since its last checkpoint… */
  readonly everyRecords: number;
  /** …or, when following, at every pass this often (then whatever arrived is sealed). */
  readonly intervalMs: number;
}

export const sealSection = section(
  {
    LEDGER_SEAL_KEY: nonEmpty.optional(),
    LEDGER_SEAL_KEY_FILE: nonEmpty.optional(),
    LEDGER_SEAL_VERIFIER_KEY: nonEmpty.optional(),
    LEDGER_SEAL_ORIGIN: z
      .string()
      .regex(/^[^\s/][^\s]*[^\s/]$|^[^\s/]$/, {
        error: 'must be one word without spaces, not starting or ending in "/"',
      })
      .optional(),
    LEDGER_SEAL_EVERY_RECORDS: integer(1, 10_000_000).default(10_000),
    LEDGER_SEAL_INTERVAL_MS: integer(100).default(60_000),
  },
  (v): SealConfig => ({
    key: v.LEDGER_SEAL_KEY,
    keyFile: v.LEDGER_SEAL_KEY_FILE,
    verifierKey: v.LEDGER_SEAL_VERIFIER_KEY,
    origin: v.LEDGER_SEAL_ORIGIN,
    everyRecords: v.LEDGER_SEAL_EVERY_RECORDS,
    intervalMs: v.LEDGER_SEAL_INTERVAL_MS,
  }),
);
