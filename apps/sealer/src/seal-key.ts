import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MalformedNoteError, NoteSignerKey, NoteVerifierKey } from '#audit';
import type { SealConfig } from '#config';
import { SealKeyError } from './seal-key-error.js';

/**
 * The signer key from LEDGER_SEAL_KEY, else from the file LEDGER_SEAL_KEY_FILE. A production
 * sealer has no default: without either it refuses to start. No error quotes the key.
 */
export async function readSignerKey(seal: SealConfig): Promise<NoteSignerKey> {
  if (seal.key !== undefined) return parseSigner(seal.key, 'LEDGER_SEAL_KEY');
  if (seal.keyFile === undefined) {
    throw new SealKeyError(
      'LEDGER_SEAL_KEY or LEDGER_SEAL_KEY_FILE is required to sign checkpoints (create a key file with `ledger seal keygen`)',
    );
  }
  const text = await readFile(seal.keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new SealKeyError(`LEDGER_SEAL_KEY_FILE: cannot read ${seal.keyFile} (${error.code ?? error.message})`);
  });
  return parseSigner(text, `LEDGER_SEAL_KEY_FILE (${seal.keyFile})`);
}

/** The key `ledger verify` checks against: LEDGER_SEAL_VERIFIER_KEY, else the signer key's public half. */
export async function readVerifierKey(seal: SealConfig): Promise<NoteVerifierKey> {
  if (seal.verifierKey !== undefined) {
    try {
      return NoteVerifierKey.parse(seal.verifierKey.trim());
    } catch (error) {
      throw new SealKeyError(`LEDGER_SEAL_VERIFIER_KEY: ${(error as Error).message}`);
    }
  }
  if (seal.key === undefined && seal.keyFile === undefined) {
    throw new SealKeyError(
      'LEDGER_SEAL_VERIFIER_KEY is required: the public key the checkpoints were signed with (`ledger seal key` prints it)',
    );
  }
  return (await readSignerKey(seal)).verifier;
}

/** `ledger seal keygen`: a new key, written to `file` (mode 0600, never overwritten). */
export async function generateSignerKeyFile(file: string, name: string): Promise<NoteSignerKey> {
  let key: NoteSignerKey;
  try {
    key = NoteSignerKey.generate(name);
  } catch (error) {
    throw new SealKeyError(`key name: ${(error as Error).message}`);
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key.exportSecret()}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new SealKeyError(
        error.code === 'EEXIST'
          ? `${file} exists: a key is never overwritten`
          : `cannot write ${file}: ${error.message}`,
      );
    },
  );
  await chmod(file, 0o600);
  return key;
}

function parseSigner(text: string, from: string): NoteSignerKey {
  try {
    return NoteSignerKey.parse(text);
  } catch (error) {
    if (error instanceof MalformedNoteError) throw new SealKeyError(`${from}: ${error.message}`);
    throw error;
  }
}
