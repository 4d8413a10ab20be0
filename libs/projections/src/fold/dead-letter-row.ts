import type { DeadLetterRow } from '../projection/projection-store.js';
import type { FoldedFact } from './folded-fact.js';

/**
 * A dead-lettered fact's row. Its text may be what PostgreSQL refused (a NUL character): the row
 * names the user and the reason without it, or recording the dead letter would fail like the fact.
 */
export function deadLetterOf(consumed: FoldedFact, reason: string): DeadLetterRow {
  const { event, record } = consumed;
  const clean = (text: string) => text.replaceAll('\u0000', '\ufffd');
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    sub: clean(event.subject),
    eventId: event.id,
    type: event.type,
    time: event.time,
    reason: clean(reason),
  };
}
