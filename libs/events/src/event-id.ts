import { hash } from 'node:crypto';
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** Fixed namespace of the ledger's name-based (v5) event ids. Changing it would re-identify every fact. */
const LEDGER_NAMESPACE = '6f6a2b0e-3c1d-5b7a-9e42-c0a1f1e2d3b4';
const NAMESPACE_BYTES = parseUuid(LEDGER_NAMESPACE);

/**
 * The same fact always gets the same id (RFC 9562 name-based UUID), so a redelivery, a retry or a
 * re-run is recognisable as the same event by every consumer.
 */
export function eventId(type: string, subject: string, factKey: string): string {
  const name = `${type}\n${subject}\n${factKey}`;
  // A string that is not well-formed UTF-16 keeps uuid's own path, which refuses it.
  return name.isWellFormed() ? nameBasedId(name) : uuidv5(name, LEDGER_NAMESPACE);
}

/** Room for the namespace and a name of up to this many UTF-8 bytes, reused by every id whose name fits. */
const NAME_ROOM = 1024;
const scratch = Buffer.allocUnsafeSlow(16 + NAME_ROOM);
scratch.set(NAMESPACE_BYTES, 0);

/** The hex digit of the variant's nibble: its top two bits set to the RFC 9562 variant, 10. */
const VARIANT_DIGIT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789abcdef'].map((digit) => [digit, ((parseInt(digit, 16) & 0x3) | 0x8).toString(16)]),
);

/**
 * RFC 9562 §5.5 by hand, on a one-shot `crypto.hash`: uuid's v5 builds a Hash object per call (and
 * reads a string name through encodeURIComponent), and `ledger verify` computes an id for every
 * record it reads, where that object was a tenth of a record's check. The bytes hashed and the bits
 * set are uuid's own, the text its lower-case form; the unit spec holds the two equal on any text.
 * The name is written after the namespace in one reused buffer when it surely fits (UTF-8 takes at
 * most 3 bytes per UTF-16 unit), and the version and variant are set in the digest's hex text:
 * no buffer per id.
 */
function nameBasedId(name: string): string {
  const room = 3 * name.length;
  const input = room <= NAME_ROOM ? scratch : Buffer.allocUnsafe(16 + room);
  if (input !== scratch) input.set(NAMESPACE_BYTES, 0);
  const end = 16 + input.write(name, 16, 'utf8');
  const hex = hash('sha1', input.subarray(0, end), 'hex');
  // join, not concatenation: one flat string, not a rope of slices that a consumer keeping ids would hold.
  return [
    hex.slice(0, 8),
    '-',
    hex.slice(8, 12),
    '-5', // version 5, in place of the digest's first digit of byte 6
    hex.slice(13, 16),
    '-',
    VARIANT_DIGIT[hex[16]!],
    hex.slice(17, 20),
    '-',
    hex.slice(20, 32),
  ].join('');
}
