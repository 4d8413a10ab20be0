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
  const out = Buffer.allocUnsafe(leafLength(record));
  writeLeaf(record, out, 0);
  return out;
}

/** The RFC 6962 leaf hash of a ledger record: `SHA-256(0x00 || ledgerLeafBytes(record))`. */
export function ledgerLeafHash(record: LedgerLeafRecord): Hash {
  // One buffer, the 0x00 prefix in its first byte.
  const out = Buffer.allocUnsafe(prefixedLedgerLeafLength(record));
  writePrefixedLedgerLeaf(record, out, 0);
  return prefixedLeafHash(out);
}

/**
 * The record a leaf encodes: the inverse of `ledgerLeafBytes` (the encoding parses back in exactly
 * one way). Refuses bytes that are not one whole leaf of this version, naming what is wrong.
 */
export function parseLedgerLeaf(leaf: Uint8Array): LedgerLeafRecord & { readonly offset: bigint } {
  const bytes = Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  const layout = leafLayout(bytes);
  const field = (range: ByteRange | null) => (range === null ? null : bytes.subarray(range[0], range[1]));
  return {
    offset: layout.offset,
    key: field(layout.key),
    headers: layout.headers.map(([name, value]) => [bytes.toString('utf8', name[0], name[1]), field(value)] as const),
    value: field(layout.value),
  };
}

/** A leaf's record with its key and headers as UTF-8 text, what an event reader wants of it. */
export interface LedgerLeafText {
  readonly offset: bigint;
  readonly key: string | null;
  /** A repeated name's first value, null values left out: as the ledger's readers take kafkajs's headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Uint8Array | null;
}

const NON_ASCII = /[\x80-\xff]/; // on Latin-1 text: a byte above 0x7f

/**
 * `parseLedgerLeaf` for a reader of events (`ledger verify` checks every record it reads as one):
 * the same checks, with key and headers decoded as text. The leaf is decoded once as Latin-1 (one
 * char per byte, so the byte ranges index it) and each field is a slice of that string, decoded as
 * UTF-8 only when it holds a byte above 0x7f; a dozen headers per record each decoded on their
 * own cost a quarter of a record's check.
 */
export function parseLedgerLeafText(leaf: Uint8Array): LedgerLeafText {
  const bytes = Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  const layout = leafLayout(bytes);
  const latin1 = bytes.toString('latin1');
  const text = (range: ByteRange | null): string | null => {
    if (range === null) return null;
    const slice = latin1.slice(range[0], range[1]);
    return NON_ASCII.test(slice) ? bytes.toString('utf8', range[0], range[1]) : slice;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of layout.headers) {
    if (value === null) continue;
    const key = text(name)!;
    if (!Object.hasOwn(headers, key)) headers[key] = text(value)!;
  }
  const value = layout.value === null ? null : bytes.subarray(layout.value[0], layout.value[1]);
  return { offset: layout.offset, key: text(layout.key), headers, value };
}

function named(what: string | (() => string)): string {
  return typeof what === 'string' ? what : what();
}

/** Start (inclusive) and end (exclusive) of a field's bytes in a leaf. */
type ByteRange = readonly [start: number, end: number];

interface LeafLayout {
  readonly offset: bigint;
  readonly key: ByteRange | null;
  readonly headers: readonly (readonly [name: ByteRange, value: ByteRange | null])[];
  readonly value: ByteRange | null;
}

/** Where each field of a leaf lies; the one reading of the encoding, and every refusal of it. */
function leafLayout(bytes: Buffer): LeafLayout {
  let at = 0;
  // `what` is a function where naming the field means decoding it: only a refusal pays for that.
  const need = (n: number, what: string | (() => string)) => {
    if (at + n > bytes.length) throw new RangeError(`a ledger leaf ends inside its ${named(what)} (byte ${at})`);
  };
  need(9, 'version and offset');
  if (bytes[0] !== LEDGER_LEAF_VERSION) throw new RangeError(`a ledger leaf of version ${bytes[0]} is not readable`);
  const offset = bytes.readBigUInt64BE(1);
  if (offset > MAX_OFFSET) throw new RangeError(`offset ${offset} is not a Kafka offset`);
  at = 9;
  const nullable = (what: string | (() => string)): ByteRange | null => {
    need(1, what);
    const flag = bytes[at++];
    if (flag === 0) return null;
    if (flag !== 1)
      throw new RangeError(`a ledger leaf's ${named(what)} starts with ${flag}, not 0 or 1 (byte ${at - 1})`);
    need(4, what);
    const length = bytes.readUInt32BE(at);
    at += 4;
    need(length, what);
    at += length;
    return [at - length, at];
  };
  const key = nullable('key');
  need(4, 'header count');
  const count = bytes.readUInt32BE(at);
  at += 4;
  const headers: [ByteRange, ByteRange | null][] = [];
  for (let i = 0; i < count; i++) {
    need(4, 'header name');
    const nameLength = bytes.readUInt32BE(at);
    at += 4;
    need(nameLength, 'header name');
    const name: ByteRange = [at, at + nameLength];
    at += nameLength;
    headers.push([name, nullable(() => `header ${bytes.toString('utf8', name[0], name[1])}`)]);
  }
  const value = nullable('value');
  if (at !== bytes.length) throw new RangeError(`a ledger leaf has ${bytes.length - at} bytes after its value`);
  return { offset, key, headers, value };
}

/** How many bytes `writePrefixedLedgerLeaf` writes for the record. */
export function prefixedLedgerLeafLength(record: LedgerLeafRecord): number {
  return 1 + leafLength(record);
}

/**
 * The leaf prefixed with the RFC 6962 leaf prefix 0x00 (what `prefixedLeafHash` takes), written
 * into `out` at `at`, which must have room for `prefixedLedgerLeafLength` bytes; returns where it
 * ends. For a reader that gathers many leaves into one buffer: no buffer per record, no copy.
 */
export function writePrefixedLedgerLeaf(record: LedgerLeafRecord, out: Buffer, at: number): number {
  out[at] = 0;
  return writeLeaf(record, out, at + 1);
}

function leafLength(record: LedgerLeafRecord): number {
  let length = 1 + 8 + nullableLength(record.key) + 4 + nullableLength(record.value);
  for (const [name, value] of record.headers) length += 4 + Buffer.byteLength(name, 'utf8') + nullableLength(value);
  return length;
}

function writeLeaf(record: LedgerLeafRecord, out: Buffer, start: number): number {
  const offset = BigInt(record.offset);
  if (offset < 0n || offset > MAX_OFFSET) throw new RangeError(`offset ${record.offset} is not a Kafka offset`);
  let at = out.writeUInt8(LEDGER_LEAF_VERSION, start);
  at = out.writeBigUInt64BE(offset, at);
  at = writeNullable(out, at, record.key);
  at = out.writeUInt32BE(checkedLength(record.headers.length), at);
  for (const [name, value] of record.headers) {
    const nameLength = Buffer.byteLength(name, 'utf8');
    at = out.writeUInt32BE(checkedLength(nameLength), at);
    at += out.write(name, at, nameLength, 'utf8');
    at = writeNullable(out, at, value);
  }
  return writeNullable(out, at, record.value);
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
