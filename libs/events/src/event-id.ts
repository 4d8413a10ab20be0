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

/**
 * RFC 9562 §5.5 by hand, on a one-shot `crypto.hash`: uuid's v5 builds a Hash object per call (and
 * reads a string name through encodeURIComponent), and `ledger verify` computes an id for every
 * record it reads, where that object was a tenth of a record's check. The bytes hashed and the bits
 * set are uuid's own, the text its lower-case form; the unit spec holds the two equal on any text.
 */
function nameBasedId(name: string): string {
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  input.set(NAMESPACE_BYTES, 0);
  input.write(name, 16, 'utf8');
  const digest = hash('sha1', input, 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = digest.toString('hex', 0, 16);
  // join, not concatenation: one flat string, not a rope of slices that a consumer keeping ids would hold.
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
