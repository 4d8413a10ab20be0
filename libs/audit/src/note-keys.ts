import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { MalformedNoteError } from './malformed-note-error.js';

/** C2SP signed-note signature type of Ed25519 (https://c2sp.org/signed-note#signature-types). */
export const ED25519_TYPE = 0x01;

const PRIVATE_KEY_PREFIX = 'PRIVATE+KEY+';
// PKCS #8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410 §7): Node imports keys in this form.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The public half of a note key: what an auditor is given (`<name>+<key id>+<base64(0x01||key)>`). */
export class NoteVerifierKey {
  private constructor(
    readonly name: string,
    /** First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), as written in hex. */
    readonly keyId: number,
    readonly publicKey: KeyObject,
    /** The raw 32-byte Ed25519 public key. */
    readonly publicKeyBytes: Buffer,
  ) {}

  static fromRaw(name: string, publicKeyBytes: Uint8Array): NoteVerifierKey {
    assertKeyName(name);
    if (publicKeyBytes.length !== 32)
      throw new MalformedNoteError(`an Ed25519 public key has 32 bytes, not ${publicKeyBytes.length}`);
    const raw = Buffer.from(publicKeyBytes);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    return new NoteVerifierKey(name, keyIdOf(name, raw), publicKey, raw);
  }

  /** Parses `<name>+<hex key id>+<base64(0x01 || public key)>`, checking the key id. */
  static parse(text: string): NoteVerifierKey {
    const parts = splitKey(text);
    if (!parts) throw new MalformedNoteError(`verifier key ${JSON.stringify(text)} is not <name>+<key id>+<key>`);
    const [name, id, encoded] = parts;
    const material = decodeKeyMaterial(encoded, 'verifier key');
    const key = NoteVerifierKey.fromRaw(name, material);
    if (formatKeyId(key.keyId) !== id)
      throw new MalformedNoteError(
        `verifier key ${name}: key id ${id} does not match its key (${formatKeyId(key.keyId)})`,
      );
    return key;
  }

  get keyIdHex(): string {
    return formatKeyId(this.keyId);
  }

  toString(): string {
    return `${this.name}+${this.keyIdHex}+${Buffer.concat([Uint8Array.of(ED25519_TYPE), this.publicKeyBytes]).toString('base64')}`;
  }
}

/**
 * The private half, in the form of Go's golang.org/x/mod/sumdb/note
 * (`PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>`). The seed is kept in a private field and
 * every way of printing the object prints only the public key, so that it cannot reach a log.
 */
export class NoteSignerKey {
  readonly #privateKey: KeyObject;
  readonly #seed: Buffer;

  private constructor(
    readonly verifier: NoteVerifierKey,
    privateKey: KeyObject,
    seed: Buffer,
  ) {
    this.#privateKey = privateKey;
    this.#seed = seed;
  }

  static generate(name: string): NoteSignerKey {
    assertKeyName(name);
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
    return NoteSignerKey.fromSeed(name, seed);
  }

  static fromSeed(name: string, seed: Uint8Array): NoteSignerKey {
    if (seed.length !== 32) throw new MalformedNoteError('an Ed25519 seed has 32 bytes');
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKeyBytes = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
    return new NoteSignerKey(NoteVerifierKey.fromRaw(name, publicKeyBytes), privateKey, Buffer.from(seed));
  }

  /** Parses a signer key string; the error never quotes it. */
  static parse(text: string): NoteSignerKey {
    const trimmed = text.trim();
    if (!trimmed.startsWith(PRIVATE_KEY_PREFIX))
      throw new MalformedNoteError('signer key does not start with PRIVATE+KEY+');
    const parts = splitKey(trimmed.slice(PRIVATE_KEY_PREFIX.length));
    if (!parts) throw new MalformedNoteError('signer key is not PRIVATE+KEY+<name>+<key id>+<key>');
    const [name, id, encoded] = parts;
    const key = NoteSignerKey.fromSeed(name, decodeKeyMaterial(encoded, 'signer key'));
    if (key.verifier.keyIdHex !== id)
      throw new MalformedNoteError(`signer key ${name}: its key id does not match its key`);
    return key;
  }

  get name(): string {
    return this.verifier.name;
  }

  /** The Ed25519 private key, for signing only. */
  privateKey(): KeyObject {
    return this.#privateKey;
  }

  /** The key string to store in a key file (mode 0600); never log it. */
  exportSecret(): string {
    const material = Buffer.concat([Uint8Array.of(ED25519_TYPE), this.#seed]).toString('base64');
    return `${PRIVATE_KEY_PREFIX}${this.name}+${this.verifier.keyIdHex}+${material}`;
  }

  toString(): string {
    return `NoteSignerKey(${this.verifier.toString()})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** First 4 bytes (big-endian) of SHA-256(name || 0x0A || type || public key). */
export function keyIdOf(name: string, publicKeyBytes: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, ED25519_TYPE))
    .update(publicKeyBytes)
    .digest();
  return digest.readUInt32BE(0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Go's isValidName: non-empty, valid UTF-8, no white space, no '+'. */
export function assertKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || !name.isWellFormed()) {
    throw new MalformedNoteError(`key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
  }
}

function decodeKeyMaterial(encoded: string, what: string): Buffer {
  const material = Buffer.from(encoded, 'base64');
  if (material.toString('base64') !== encoded || material.length !== 33)
    throw new MalformedNoteError(`${what}: the key material is not base64 of 33 bytes`);
  if (material[0] !== ED25519_TYPE)
    throw new MalformedNoteError(`${what}: signature type ${material[0]} is not Ed25519 (1)`);
  return material.subarray(1);
}

/** `<name>+<id>+<key>` split at its first two '+' (as Go's note does): base64 may contain '+'. */
function splitKey(text: string): [string, string, string] | undefined {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return undefined;
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}
