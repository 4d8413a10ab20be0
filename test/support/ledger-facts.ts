import assert from 'node:assert/strict';
import { kafkaConfig, type Env } from '#config';
import type { LedgerEvent } from '#events';
import { decodeRecord, Ledger } from '#ledger';

/** Every fact of the ledger's user-events topic, in order. */
export async function userFacts(env: Env): Promise<LedgerEvent[]> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  const events: LedgerEvent[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => void events.push(decodeRecord(record)));
  return events;
}

/** Distinct facts of one type about one user; every record of one id must carry the same bytes. */
export async function distinctFacts(env: Env, type: LedgerEvent['type'], sub: string): Promise<LedgerEvent[]> {
  const byId = new Map<string, string>();
  const distinct: LedgerEvent[] = [];
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  await ledger.scan([ledger.topics.userEvents], (record) => {
    const event = decodeRecord(record);
    if (event.type !== type || event.subject !== sub) return;
    const bytes = record.value?.toString('utf8') ?? '';
    const known = byId.get(event.id);
    if (known === undefined) {
      byId.set(event.id, bytes);
      distinct.push(event);
    } else assert.equal(bytes, known, `event ${event.id} recorded with other bytes`);
  });
  return distinct;
}

/** The Cognito sub of a user, from the ledger's latest export of that username. */
export async function exportedSubOf(env: Env, username: string): Promise<string> {
  const exported = (await userFacts(env)).findLast((e) => e.type === 'UserExported' && e.data.username === username);
  if (!exported) throw new Error(`no export of ${username} in the ledger`);
  return exported.subject;
}
