import { isAscii } from 'node:buffer';
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
  const count = readLayout(bytes);
  const field = (at: number) => (layout[at]! < 0 ? null : bytes.subarray(layout[at], layout[at + 1]));
  const headers: (readonly [string, Uint8Array | null])[] = [];
  for (let h = HEADERS; h < HEADERS + 4 * count; h += 4) {
    headers.push([bytes.toString('utf8', layout[h], layout[h + 1]), field(h + 2)]);
  }
  return { offset: bytes.readBigUInt64BE(1), key: field(KEY), headers, value: field(VALUE) };
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
 * the same checks, with key and headers decoded as text. The leaf up to its value is decoded once
 * as Latin-1 (one char per byte, so the byte ranges index it) and each field is a slice of that
 * string; a dozen headers per record each decoded on their own cost a quarter of a record's check.
 * Where that part of the leaf holds a byte above 0x7f, each field holding one is decoded as UTF-8
 * instead. The ledger's key and headers are ASCII, and so are their lengths (under 128 bytes), so
 * one test of the whole span usually settles every field.
 */
export function parseLedgerLeafText(leaf: Uint8Array): LedgerLeafText {
  const bytes = Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  const count = readLayout(bytes);
  const textEnd = layout[TEXT_END]!;
  const latin1 = bytes.toString('latin1', 0, textEnd);
  const ascii = isAscii(new Uint8Array(bytes.buffer, bytes.byteOffset + KEY_FLAG_BYTE, textEnd - KEY_FLAG_BYTE));
  const text = (start: number, end: number): string => {
    const slice = latin1.slice(start, end);
    return ascii || !NON_ASCII.test(slice) ? slice : bytes.toString('utf8', start, end);
  };
  const headers: Record<string, string> = {};
  for (let h = HEADERS; h < HEADERS + 4 * count; h += 4) {
    if (layout[h + 2]! < 0) continue;
    const name = headerName(h, latin1, ascii, text);
    if (!Object.hasOwn(headers, name)) headers[name] = text(layout[h + 2]!, layout[h + 3]!);
  }
  return {
    offset: bytes.readBigUInt64BE(1),
    key: layout[KEY]! < 0 ? null : text(layout[KEY]!, layout[KEY + 1]!),
    headers,
    value: layout[VALUE]! < 0 ? null : bytes.subarray(layout[VALUE], layout[VALUE + 1]),
  };
}

/** The header names of the last leaf read, by position: the ledger's records mostly name the same ones. */
const lastNames: string[] = [];
const REMEMBERED_NAMES = 32;

/**
 * The header at `h` in `layout`'s name: the string last read at its position when the bytes are
 * the same, already a property key; a fresh string as a key is looked up in V8's string table on
 * every store and test. Compared in place in the Latin-1 text, with no string made for it.
 */
function headerName(h: number, latin1: string, ascii: boolean, text: (start: number, end: number) => string): string {
  const position = (h - HEADERS) >> 2;
  const start = layout[h]!;
  const end = layout[h + 1]!;
  const last = lastNames[position];
  if (ascii && last !== undefined && last.length === end - start && latin1.startsWith(last, start)) return last;
  const name = text(start, end);
  if (position < REMEMBERED_NAMES) lastNames[position] = name;
  return name;
}

function named(what: string | (() => string)): string {
  return typeof what === 'string' ? what : what();
}

/** Where the key's null flag lies: after the version byte and the offset. */
const KEY_FLAG_BYTE = 9;

/**
 * Where each field of the last leaf `readLayout` read lies, as start (inclusive) and end
 * (exclusive) byte pairs, a start of -1 for null: the key at `KEY`, the value at `VALUE`, then from
 * `HEADERS` each header's name and value; at `TEXT_END`, where the value's null flag lies (all
 * that comes before it is offset, key and headers). One array for every leaf, grown when a leaf
 * has more headers than it holds: a reader checks every leaf it reads, and arrays of ranges per
 * leaf were a fifth of parsing one. Positions are doubles, as a leaf may exceed 4 GiB.
 */
let layout = new Float64Array(64);
const KEY = 0;
const VALUE = 2;
const TEXT_END = 4;
const HEADERS = 5;

/**
 * Reads where each field of a leaf lies into `layout` and returns its header count; the one
 * reading of the encoding, and every refusal of it. `layout` holds the result until the next call.
 */
function readLayout(bytes: Buffer): number {
  let at = 0;
  // `what` is a function where naming the field means decoding it: only a refusal pays for that.
  const need = (n: number, what: string | (() => string)) => {
    if (at + n > bytes.length) throw new RangeError(`a ledger leaf ends inside its ${named(what)} (byte ${at})`);
  };
  need(9, 'version and offset');
  if (bytes[0] !== LEDGER_LEAF_VERSION) throw new RangeError(`a ledger leaf of version ${bytes[0]} is not readable`);
  // Above MAX_OFFSET exactly when the top bit is set; the bigint is made only to name it.
  if (bytes[1]! & 0x80) throw new RangeError(`offset ${bytes.readBigUInt64BE(1)} is not a Kafka offset`);
  at = KEY_FLAG_BYTE;
  const nullable = (slot: number, what: string | (() => string)) => {
    need(1, what);
    const flag = bytes[at++];
    if (flag === 0) {
      layout[slot] = -1;
      return;
    }
    if (flag !== 1)
      throw new RangeError(`a ledger leaf's ${named(what)} starts with ${flag}, not 0 or 1 (byte ${at - 1})`);
    need(4, what);
    const length = bytes.readUInt32BE(at);
    at += 4;
    need(length, what);
    layout[slot] = at;
    at += length;
    layout[slot + 1] = at;
  };
  nullable(KEY, 'key');
  need(4, 'header count');
  const count = bytes.readUInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    need(4, 'header name');
    const nameLength = bytes.readUInt32BE(at);
    at += 4;
    need(nameLength, 'header name');
    const slot = HEADERS + 4 * i;
    // Grown before it is written; `count` itself is not trusted to size it, the leaf's bytes are.
    if (slot + 4 > layout.length) {
      const grown = new Float64Array(layout.length * 2);
      grown.set(layout);
      layout = grown;
    }
    const name = at;
    at += nameLength;
    layout[slot] = name;
    layout[slot + 1] = at;
    nullable(slot + 2, () => `header ${bytes.toString('utf8', name, name + nameLength)}`);
  }
  layout[TEXT_END] = at;
  nullable(VALUE, 'value');
  if (at !== bytes.length) throw new RangeError(`a ledger leaf has ${bytes.length - at} bytes after its value`);
  return count;
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
