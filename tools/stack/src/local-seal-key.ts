import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { NoteSignerKey } from '#audit';
import { stackConfig, type Env } from '#config';

/** The key name of the local stack's seal key: its checkpoints are the local stack's, nobody else's. */
const LOCAL_KEY_NAME = 'ledger.local';

export function localSealKeyFile(env: Env): string {
  return join(resolve(stackConfig(env).dir), 'seal', 'signer.key');
}

/**
 * `env` with LEDGER_SEAL_KEY_FILE set to the local stack's seal key, generated at random once per
 * stack folder into `<STACK_DIR>/seal/signer.key` (mode 0600, never printed), unless
 * LEDGER_SEAL_KEY or LEDGER_SEAL_KEY_FILE is set. A production sealer has no such default.
 */
export async function withLocalSealKey(env: Env): Promise<Env> {
  if (env.LEDGER_SEAL_KEY || env.LEDGER_SEAL_KEY_FILE) return env;
  const file = localSealKeyFile(env);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${NoteSignerKey.generate(LOCAL_KEY_NAME).exportSecret()}\n`, { mode: 0o600, flag: 'wx' }).then(
    () => chmod(file, 0o600),
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // the key made earlier stays the key
    },
  );
  return { ...env, LEDGER_SEAL_KEY_FILE: file };
}
