import { sign, verify } from 'node:crypto';
import { MalformedNoteError } from './malformed-note-error.js';
import { assertKeyName, formatKeyId, type NoteSignerKey, type NoteVerifierKey } from './note-keys.js';
import { NoteSignatureError } from './note-signature-error.js';

/** One signature line of a note: `— <name> <base64(key id || signature)>`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Buffer;
}

export interface OpenedNote {
  readonly text: string;
  /** Every signature line, verified or not (a note may carry witnesses' cosignatures). */
  readonly signatures: readonly NoteSignature[];
}

const EM_DASH = '\u2014';
const MAX_SIGNATURES = 100; // Go's note.Open limit, against a note made of signatures

/**
 * The C2SP signed note (https://c2sp.org/signed-note) of `text` signed by `key`: the text, a
 * blank line, then `— <name> <base64(key id || Ed25519 signature over the text)>`.
 */
export function signNote(text: string, key: NoteSignerKey): string {
  assertNoteText(text);
  const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey());
  return `${text}\n${signatureLine(key.verifier, signature)}`;
}

/** Splits a signed note into its text and signature lines, without verifying any. */
export function parseNote(note: string): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw new MalformedNoteError('the signature block does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new MalformedNoteError(`note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match) throw new MalformedNoteError(`signature line ${i + 1} is not "— <name> <signature>"`);
    const [, name, encoded] = match as unknown as [string, string, string];
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.toString('base64') !== encoded || bytes.length < 5)
      throw new MalformedNoteError(`signature line ${i + 1}: not base64 of a key id and a signature`);
    return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/**
 * Opens a note signed by `key`: its text, if a signature by that key (same name and key id) is
 * present and every such signature verifies. Others' signatures are kept, not judged.
 */
export function openNote(note: string, key: NoteVerifierKey): OpenedNote {
  const opened = parseNote(note);
  const own = opened.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (own.length === 0) {
    const by = opened.signatures.map((s) => `${s.name}+${formatKeyId(s.keyId)}`).join(', ');
    throw new NoteSignatureError(`note is not signed by ${key.name}+${key.keyIdHex} (signed by ${by})`, 'unsigned');
  }
  const data = Buffer.from(opened.text, 'utf8');
  for (const signature of own) {
    if (signature.signature.length !== 64 || !verify(null, data, key.publicKey, signature.signature)) {
      throw new NoteSignatureError(`the signature of ${key.name}+${key.keyIdHex} does not verify`, 'bad-signature');
    }
  }
  return opened;
}

function signatureLine(key: NoteVerifierKey, signature: Buffer): string {
  assertKeyName(key.name);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(key.keyId);
  return `${EM_DASH} ${key.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/** Note text: well-formed UTF-8 ending in a newline, no control character but newline. */
function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new MalformedNoteError('note text does not end in a newline');
  if (!text.isWellFormed()) throw new MalformedNoteError('note text is not well-formed UTF-8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/u.test(text))
    throw new MalformedNoteError('note text contains a control character');
}
