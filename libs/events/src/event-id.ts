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
  // uuid reads a string name through encodeURIComponent and a string namespace by parsing it, on
  // every call: `ledger verify` computes an id per record, so it is handed the UTF-8 bytes and the
  // parsed namespace (the same bytes uuid would hash). A string that is not well-formed UTF-16 keeps
  // uuid's own path, which refuses it.
  return name.isWellFormed() ? uuidv5(Buffer.from(name, 'utf8'), NAMESPACE_BYTES) : uuidv5(name, LEDGER_NAMESPACE);
}
