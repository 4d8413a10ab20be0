import { prefixedLeafHash, type Hash } from './merkle-hash.js';

/** What of a Kafka record the ledger's Merkle leaf covers. */
export interface LedgerLeafRecord {
  readonly offset: bigint | string | number;
  readonly key: Uint8Array | null;
  /** In record order; a name may repeat. */
  readonly headers: readonly (readonly [name: string, value: Uint8Array | null])[];
  readonly value: Uint8Array | null;
}

export const LEDGER_LEAF_VERSION = 1;

const MAX_OFFSET = 2n ** 63n - 1n;

/**
 * The leaf bytes of one ledger record (docs/audit.md, "Leaf encoding", is the specification an
 * external verifier implements): a version byte 0x01, the offset as an unsigned 64-bit big-endian
 * integer, the key, the header count (uint32 BE) then each header's name (uint32 BE length +
 * UTF-8) and value, then the value. Key, header values and value are each written as one byte
 * 0x00 (null) or 0x01 followed by a uint32 BE length and the bytes, so that null and empty differ
 * and no field can run into the next: every encoding parses back in exactly one way.
 */
export function ledgerLeafBytes(record: LedgerLeafRecord): Uint8Array {
  return encode(record, 0);
}

/** The RFC 6962 leaf hash of a ledger record: `SHA-256(0x00 || ledgerLeafBytes(record))`. */
export function ledgerLeafHash(record: LedgerLeafRecord): Hash {
  return prefixedLeafHash(encode(record, 1)); // one buffer, the 0x00 prefix in its first byte
}

/**
 * The bytes of a leaf prefixed with the RFC 6962 leaf prefix 0x00, ready for `prefixedLeafHash`:
 * one buffer, so that a record can be handed to another thread as its leaf alone.
 */
export function prefixedLedgerLeafBytes(record: LedgerLeafRecord): Buffer {
  return encode(record, 1);
}

/**
 * The record a leaf encodes: the inverse of `ledgerLeafBytes` (the encoding parses back in exactly
 * one way). Refuses bytes that are not one whole leaf of this version, naming what is wrong.
 */
export function parseLedgerLeaf(leaf: Uint8Array): LedgerLeafRecord & { readonly offset: bigint } {
  const bytes = Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw new RangeError(`a ledger leaf ends inside its ${what} (byte ${at})`);
  };
  need(9, 'version and offset');
  if (bytes[0] !== LEDGER_LEAF_VERSION) throw new RangeError(`a ledger leaf of version ${bytes[0]} is not readable`);
  const offset = bytes.readBigUInt64BE(1);
  if (offset > MAX_OFFSET) throw new RangeError(`offset ${offset} is not a Kafka offset`);
  at = 9;
  const nullable = (what: string): Buffer | null => {
    need(1, what);
    const flag = bytes[at++];
    if (flag === 0) return null;
    if (flag !== 1) throw new RangeError(`a ledger leaf's ${what} starts with ${flag}, not 0 or 1 (byte ${at - 1})`);
    need(4, what);
    const length = bytes.readUInt32BE(at);
    at += 4;
    need(length, what);
    at += length;
    return bytes.subarray(at - length, at);
  };
  const key = nullable('key');
  need(4, 'header count');
  const count = bytes.readUInt32BE(at);
  at += 4;
  const headers: [string, Buffer | null][] = [];
  for (let i = 0; i < count; i++) {
    need(4, 'header name');
    const nameLength = bytes.readUInt32BE(at);
    at += 4;
    need(nameLength, 'header name');
    const name = bytes.toString('utf8', at, at + nameLength);
    at += nameLength;
    headers.push([name, nullable(`header ${name}`)]);
  }
  const value = nullable('value');
  if (at !== bytes.length) throw new RangeError(`a ledger leaf has ${bytes.length - at} bytes after its value`);
  return { offset, key, headers, value };
}

/** The leaf bytes after `reserved` zero bytes. */
function encode(record: LedgerLeafRecord, reserved: number): Buffer {
  const offset = BigInt(record.offset);
  if (offset < 0n || offset > MAX_OFFSET) throw new RangeError(`offset ${record.offset} is not a Kafka offset`);
  let length = reserved + 1 + 8 + nullableLength(record.key) + 4 + nullableLength(record.value);
  for (const [name, value] of record.headers) length += 4 + Buffer.byteLength(name, 'utf8') + nullableLength(value);
  const out = Buffer.allocUnsafe(length);
  out.fill(0, 0, reserved);
  let at = out.writeUInt8(LEDGER_LEAF_VERSION, reserved);
  at = out.writeBigUInt64BE(offset, at);
  at = writeNullable(out, at, record.key);
  at = out.writeUInt32BE(checkedLength(record.headers.length), at);
  for (const [name, value] of record.headers) {
    const nameLength = Buffer.byteLength(name, 'utf8');
    at = out.writeUInt32BE(checkedLength(nameLength), at);
    at += out.write(name, at, nameLength, 'utf8');
    at = writeNullable(out, at, value);
  }
  writeNullable(out, at, record.value);
  return out;
}

function nullableLength(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : 5 + bytes.length;
}

function writeNullable(out: Buffer, at: number, bytes: Uint8Array | null): number {
  if (bytes === null) return out.writeUInt8(0, at);
  at = out.writeUInt8(1, at);
  at = out.writeUInt32BE(checkedLength(bytes.length), at);
  out.set(bytes, at);
  return at + bytes.length;
}

function checkedLength(length: number): number {
  if (length > 0xffff_ffff) throw new RangeError(`a field of ${length} bytes does not fit a ledger leaf`);
  return length;
}
