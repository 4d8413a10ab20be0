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

  it('reads each leaf of a sequence as text on its own, whatever the leaf before it named', () => {
    // Names and values that look alike: the same length, one a prefix of another, the same text in
    // Latin-1 and in UTF-8 ('ü' is one char either way, two bytes in UTF-8), lengths of 128 and more.
    const names = ['ce_id', 'ce_ix', 'ce_i', 'ce_idx', 'ce_ü', 'ce_Ã¼', 'content-type', ''];
    const text = fc.oneof(
      fc.constantFrom('', 'ab', 'é', 'Ã©', '1.0', 'x'.repeat(127), 'y'.repeat(128), 'ü'.repeat(100)),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    const nullable = fc.option(text, { nil: null });
    const records = fc.array(
      fc.record({
        offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        key: nullable,
        headers: fc.array(fc.tuple(fc.constantFrom(...names), nullable), { maxLength: 6 }),
        value: nullable,
      }),
      { minLength: 2, maxLength: 6 },
    );
    const bytes = (t: string | null) => (t === null ? null : Buffer.from(t, 'utf8'));
    fc.assert(
      fc.property(records, (sequence) => {
        for (const r of sequence) {
          const headers: Record<string, string> = {};
          for (const [name, value] of r.headers) {
            if (value !== null && !Object.hasOwn(headers, name)) headers[name] = value;
          }
          const read = parseLedgerLeafText(
            ledgerLeafBytes({
              offset: r.offset,
              key: bytes(r.key),
              headers: r.headers.map(([n, v]) => [n, bytes(v)] as const),
              value: bytes(r.value),
            }),
          );
          assert.equal(read.offset, r.offset);
          assert.equal(read.key, r.key);
          assert.deepEqual({ ...read.headers }, headers);
          assert.equal(read.value === null ? null : Buffer.from(read.value).toString('utf8'), r.value);
        }
      }),
    );
  });

  it('reads a leaf with more headers than most', () => {
    const headers = Array.from({ length: 100 }, (_, i) => [`h${i}`, Buffer.from(`v${i}`)] as const);
    const read = parseLedgerLeafText(ledgerLeafBytes({ ...record, headers }));
    assert.deepEqual({ ...read.headers }, Object.fromEntries(headers.map(([n, v]) => [n, v.toString()])));
    assert.deepEqual(
      parseLedgerLeaf(ledgerLeafBytes({ ...record, headers })).headers.map(([n, v]) => [n, Buffer.from(v!).toString()]),
      headers.map(([n, v]) => [n, v.toString()]),
    );
  });

  it('refuses, in both readings, each way bytes can fail to be one whole leaf', () => {
    const leaf = Buffer.from(ledgerLeafBytes(record));
    const at = (i: number, byte: number) => {
      const changed = Buffer.from(leaf);
      changed[i] = byte;
      return changed;
    };
    const cases: [Uint8Array, string][] = [
      [leaf.subarray(0, 8), 'a ledger leaf ends inside its version and offset (byte 0)'],
      [at(0, 2), 'a ledger leaf of version 2 is not readable'],
      [at(1, 0x80), 'offset 9223372036854776066 is not a Kafka offset'],
      [at(9, 7), "a ledger leaf's key starts with 7, not 0 or 1 (byte 9)"],
      [leaf.subarray(0, 12), 'a ledger leaf ends inside its key (byte 10)'],
      [leaf.subarray(0, 17), 'a ledger leaf ends inside its header count (byte 15)'],
      [leaf.subarray(0, 21), 'a ledger leaf ends inside its header name (byte 19)'],
      [leaf.subarray(0, 25), 'a ledger leaf ends inside its header name (byte 23)'],
      [at(28, 9), "a ledger leaf's header ce_id starts with 9, not 0 or 1 (byte 28)"],
      [leaf.subarray(0, 31), 'a ledger leaf ends inside its header ce_id (byte 29)'],
      [leaf.subarray(0, leaf.length - 1), `a ledger leaf ends inside its value (byte ${leaf.length - 2})`],
      [Buffer.concat([leaf, Buffer.of(0, 0)]), 'a ledger leaf has 2 bytes after its value'],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => parseLedgerLeaf(bytes), { name: 'RangeError', message });
      assert.throws(() => parseLedgerLeafText(bytes), { name: 'RangeError', message });
    }
  });

  it('refuses, as text too, bytes that are not one whole leaf, naming the field', () => {
    const leaf = Buffer.from(ledgerLeafBytes(record));
    assert.throws(() => parseLedgerLeafText(leaf.subarray(0, leaf.length - 1)), /ends inside its value/);
    const cut = ledgerLeafBytes({ ...record, headers: [['ce_ü', Buffer.from('abc')]], value: null });
    assert.throws(() => parseLedgerLeafText(cut.subarray(0, cut.length - 3)), /ends inside its header ce_ü/);
  });
});
