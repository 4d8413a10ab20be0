import type { BatchChanges } from './batch-changes.js';

// The errors PostgreSQL gives for the text it cannot store, as the projector records them
// (`message (SQLSTATE code)`): a NUL character or half a surrogate pair inside a jsonb parameter,
// a NUL character in a text[] parameter (the tallies' keys).
const jsonbNul = 'unsupported Unicode escape sequence (SQLSTATE 22P05)';
const jsonbSurrogate = 'invalid input syntax for type json (SQLSTATE 22P02)';
const textNul = 'invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)';

/**
 * Why PostgreSQL would refuse to store a batch's changes, as the projector's first refused
 * statement would say it (its writes run in this order), or undefined. The projector learns it
 * from PostgreSQL and dead-letters the fact; a reader without PostgreSQL (MemoryProjection) must
 * tell it beforehand to fold the same ledger into the same rows.
 */
export function storeRefusalOf(changes: BatchChanges): string | undefined {
  const writes: [rows: unknown, text: boolean][] = [
    [changes.users, false],
    [changes.translations, false],
    [changes.history, false],
    [[...changes.counters.keys(), ...changes.daily.keys(), ...changes.criteriaDays.keys()], true],
    [changes.exportRuns, false],
    [changes.bridgeTraffic, false],
    [changes.cutoverChanges, false],
    [changes.resetSkips, false],
    [changes.deadLetters, false],
  ];
  for (const [rows, text] of writes) {
    const problem = unstorable(rows);
    if (problem === 'nul') return text ? textNul : jsonbNul;
    if (problem === 'surrogate' && !text) return jsonbSurrogate;
  }
  return undefined;
}

function unstorable(value: unknown): 'nul' | 'surrogate' | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000') ? 'nul' : value.isWellFormed() ? undefined : 'surrogate';
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Array.isArray(value) ? value : Object.entries(value).flat();
  for (const item of entries) {
    const problem = unstorable(item);
    if (problem) return problem;
  }
  return undefined;
}
