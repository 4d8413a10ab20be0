import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ledgerLeafBytes,
  ledgerLeafHash,
  parseLedgerLeaf,
  parseLedgerLeafText,
  prefixedLedgerLeafLength,
  writePrefixedLedgerLeaf,
  type LedgerLeafRecord,
} from './ledger-leaf.js';
import { prefixedLeafHash, toHex } from './merkle-hash.js';

const record: LedgerLeafRecord = {
  offset: 258n,
  key: Buffer.from('k'),
  headers: [
    ['ce_id', Buffer.from('ab')],
    ['x', null],
  ],
  value: Buffer.from('{}'),
};

describe('ledger record leaf', () => {
  it('writes the documented bytes (docs/audit.md, "Leaf encoding")', () => {
    const expected = Buffer.concat([
      Buffer.from('01', 'hex'), // version
      Buffer.from('0000000000000102', 'hex'), // offset 258
      Buffer.from('01' + '00000001', 'hex'),
      Buffer.from('k'), // key
      Buffer.from('00000002', 'hex'), // two headers
      Buffer.from('00000005', 'hex'),
      Buffer.from('ce_id'),
      Buffer.from('01' + '00000002', 'hex'),
      Buffer.from('ab'),
      Buffer.from('00000001', 'hex'),
      Buffer.from('x'),
      Buffer.from('00', 'hex'), // a null header value
      Buffer.from('01' + '00000002', 'hex'),
      Buffer.from('{}'), // value
    ]);
    assert.deepEqual(Buffer.from(ledgerLeafBytes(record)), expected);
    assert.equal(toHex(ledgerLeafHash(record)), toHex(ledgerLeafHash({ ...record, offset: '258' })));
  });

  it('tells null from empty, and a header moved between fields', () => {
    const hashes = [
      record,
      { ...record, key: null },
      { ...record, key: Buffer.alloc(0) },
      { ...record, value: null },
      { ...record, value: Buffer.alloc(0) },
      { ...record, headers: [...record.headers].reverse() },
      { ...record, headers: [['ce_i', Buffer.from('dab')]] as const },
      { ...record, offset: 259 },
    ].map((r) => toHex(ledgerLeafHash(r)));
    assert.equal(new Set(hashes).size, hashes.length);
  });

  it('gives distinct records distinct leaves (the encoding is injective)', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null });
    const records = fc.record({
      offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      key: bytes,
      headers: fc.array(fc.tuple(fc.string({ maxLength: 4 }), bytes), { maxLength: 3 }),
      value: bytes,
    });
    fc.assert(
      fc.property(records, records, (a, b) => {
        const same =
          JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? [...v] : v)) ===
          JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? [...v] : v));
        assert.equal(Buffer.from(ledgerLeafBytes(a)).equals(Buffer.from(ledgerLeafBytes(b))), same);
      }),
    );
  });

  it('refuses an offset outside Kafka’s range', () => {
    assert.throws(() => ledgerLeafBytes({ ...record, offset: -1n }), RangeError);
    assert.throws(() => ledgerLeafBytes({ ...record, offset: 2n ** 63n }), RangeError);
  });

  it('parses a leaf back into the record it encodes, and hashes its prefixed bytes as the leaf hash', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null });
    const records = fc.record({
      offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      key: bytes,
      headers: fc.array(fc.tuple(fc.string({ maxLength: 4 }), bytes), { maxLength: 3 }),
      value: bytes,
    });
    // Buffer has its own toJSON, so the bytes are spread before stringifying.
    const bytesOf = (b: Uint8Array | null) => (b === null ? null : [...b]);
    const plain = (r: LedgerLeafRecord) =>
      JSON.stringify([String(r.offset), bytesOf(r.key), r.headers.map(([n, v]) => [n, bytesOf(v)]), bytesOf(r.value)]);
    fc.assert(
      fc.property(records, (r) => {
        assert.equal(plain(parseLedgerLeaf(ledgerLeafBytes(r))), plain(r));
        // Written among other bytes, as a batch of leaves holds it: exactly its length, its hash.
        const length = prefixedLedgerLeafLength(r);
        const out = Buffer.alloc(length + 6, 0xee);
        assert.equal(writePrefixedLedgerLeaf(r, out, 3), 3 + length);
        assert.deepEqual([...out.subarray(0, 3), ...out.subarray(3 + length)], [0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
        assert.equal(toHex(prefixedLeafHash(out.subarray(3, 3 + length))), toHex(ledgerLeafHash(r)));
      }),
    );
  });

  it('refuses bytes that are not one whole leaf, naming the field', () => {
    const leaf = Buffer.from(ledgerLeafBytes(record));
    assert.throws(() => parseLedgerLeaf(leaf.subarray(0, leaf.length - 1)), /ends inside its value/);
    assert.throws(() => parseLedgerLeaf(Buffer.concat([leaf, Buffer.of(0)])), /1 bytes after its value/);
    assert.throws(() => parseLedgerLeaf(Buffer.concat([Buffer.of(2), leaf.subarray(1)])), /version 2/);
    const badFlag = Buffer.from(leaf);
    badFlag[9] = 7;
    assert.throws(() => parseLedgerLeaf(badFlag), /key starts with 7/);
  });

  it('reads a leaf as text exactly as decoding each field of the parsed leaf as UTF-8 would, whatever the bytes', () => {
    // Text of any script, and raw bytes that are not UTF-8 at all (each read with U+FFFD, as Buffer does).
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }).map((t) => Buffer.from(t, 'utf8')),
      fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    );
    const nullable = fc.option(text, { nil: null });
    const records = fc.record({
      offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      key: nullable,
      headers: fc.array(
        fc.tuple(fc.oneof(fc.constantFrom('ce_id', 'ce_type'), fc.string({ maxLength: 4 })), nullable),
        {
          maxLength: 5,
        },
      ),
      value: nullable,
    });
    fc.assert(
      fc.property(records, (r) => {
        const parsed = parseLedgerLeaf(ledgerLeafBytes(r));
        const utf8 = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
        // A repeated name's first value, null values left out.
        const headers: Record<string, string> = {};
        for (const [name, value] of parsed.headers) {
          if (value !== null && !Object.hasOwn(headers, name)) headers[name] = utf8(value)!;
        }
        const read = parseLedgerLeafText(ledgerLeafBytes(r));
        assert.equal(read.offset, parsed.offset);
        assert.equal(read.key, utf8(parsed.key));
        assert.deepEqual({ ...read.headers }, headers);
        assert.deepEqual(
          read.value === null ? null : [...read.value],
          parsed.value === null ? null : [...parsed.value],
        );
      }),
    );
  });

  it('refuses, as text too, bytes that are not one whole leaf, naming the field', () => {
    const leaf = Buffer.from(ledgerLeafBytes(record));
    assert.throws(() => parseLedgerLeafText(leaf.subarray(0, leaf.length - 1)), /ends inside its value/);
    const cut = ledgerLeafBytes({ ...record, headers: [['ce_ü', Buffer.from('abc')]], value: null });
    assert.throws(() => parseLedgerLeafText(cut.subarray(0, cut.length - 3)), /ends inside its header ce_ü/);
  });
});
