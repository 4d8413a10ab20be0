import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace of the ledger's name-based (v5) event ids. Changing it would re-identify every fact. */
const LEDGER_NAMESPACE = '6f6a2b0e-3c1d-5b7a-9e42-c0a1f1e2d3b4';

/**
 * The same fact always gets the same id (RFC 9562 name-based UUID), so a redelivery, a retry or a
 * re-run is recognisable as the same event by every consumer.
 */
export function eventId(type: string, subject: string, factKey: string): string {
  return uuidv5(`${type}\n${subject}\n${factKey}`, LEDGER_NAMESPACE);
}
