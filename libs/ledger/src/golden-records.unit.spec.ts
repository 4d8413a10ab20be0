import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  canonicalJson,
  createEvent,
  eventCatalog,
  isEventType,
  readableVersionsOf,
  type EventData,
  type LedgerEvent,
} from '#events';
import {
  goldenChecksums,
  goldenRecords,
  sha256OfGoldenFile,
  type GoldenRecord,
} from '../../../test/support/golden-records.js';
import { decodeRecord, encodeEvent, type LedgerRecord } from './cloudevents-kafka-binding.js';

/**
 * Every version of every event type the ledger ever wrote, frozen as its writer put it on Kafka
 * (libs/events/test/golden/README.md), read through the real decode path: decodeRecord, then
 * parseEvent's upcasters. The ledger is never rewritten, so this must never break; a change that
 * breaks it is a change that needs a new version and an upcaster, not a new fixture.
 */
const golden = goldenRecords();

function recordOf(fixture: GoldenRecord): LedgerRecord {
  return {
    topic: 'golden',
    partition: 0,
    offset: '0',
    key: fixture.key,
    value: fixture.value,
    headers: fixture.headers,
  };
}

function contextOf(fixture: GoldenRecord) {
  const h = fixture.headers;
  return {
    source: h['ce_source']!,
    correlationId: h['ce_correlationid']!,
    ...(h['ce_causationid'] ? { causationId: h['ce_causationid'] } : {}),
    time: new Date(h['ce_time']!),
  };
}

describe('golden records: every version ever written stays readable', () => {
  it('are the frozen files: none edited, none removed, none unlisted in SHA256SUMS', () => {
    const listed = goldenChecksums();
    const present = new Set(golden.map((g) => g.name));
    for (const [name, digest] of listed) {
      assert.ok(present.has(name), `golden/${name} is listed in SHA256SUMS but gone: fixtures are never removed`);
      assert.equal(sha256OfGoldenFile(name), digest, `golden/${name} was edited: fixtures are never edited`);
    }
    for (const name of present) assert.ok(listed.has(name), `golden/${name} is not in SHA256SUMS`);
  });

  it('hold every type of the catalog at every version it can be read at, and nothing else', () => {
    const held = new Map<string, Set<number>>();
    for (const g of golden) held.set(g.type, (held.get(g.type) ?? new Set()).add(g.version));
    for (const [type, definition] of Object.entries(eventCatalog)) {
      assert.deepEqual(
        [...(held.get(type) ?? [])].sort((a, b) => a - b),
        readableVersionsOf(definition),
        `${type}: one fixture at least per version (libs/events/test/golden/README.md says how to freeze one)`,
      );
    }
    for (const type of held.keys()) assert.ok(isEventType(type), `golden/${type}: not a type of the catalog`);
  });

  for (const fixture of golden) {
    it(`${fixture.name} (written by ${fixture.writtenBy}) reads as the current shape of its type`, () => {
      const event = decodeRecord(recordOf(fixture));
      const h = fixture.headers;
      assert.equal(event.type, fixture.type);
      assert.equal(event.schemaversion, fixture.version);
      assert.equal(event.id, h['ce_id']);
      assert.equal(event.contenthash, h['ce_contenthash']);
      assert.equal(event.subject, fixture.key.toString('utf8'));

      const definition = eventCatalog[event.type];
      // Nothing missing, nothing left over: parsing the current schema (which drops unknown keys) changes nothing.
      assert.deepEqual(definition.schema.parse(event.data), event.data);

      // The same fact written today: the same id, the current version, the same key and headers but
      // those that name the version, and the value in canonical form.
      const again = createEvent(event.type, event.data as EventData<typeof event.type>, contextOf(fixture));
      const today = encodeEvent(again as LedgerEvent);
      assert.equal(today.headers['ce_id'], h['ce_id'], 'an upcaster changed what the fact is');
      assert.equal(today.key, fixture.key.toString('utf8'));
      const versionHeaders = ['ce_dataschema', 'ce_schemaversion', 'ce_contenthash'];
      const without = (headers: Readonly<Record<string, string>>) =>
        Object.entries(headers).filter(([name]) => !versionHeaders.includes(name));
      assert.deepEqual(without(today.headers), without(h));
      assert.equal(today.headers['ce_schemaversion'], String(definition.version));
      if (fixture.version === definition.version) {
        // Written at the current version: today's writer writes exactly these bytes (values are
        // canonical since 4a301a6; an older fixture's value is the canonical form of the same data).
        assert.deepEqual(today.headers, h);
        assert.equal(today.value, canonicalJson(JSON.parse(fixture.value.toString('utf8'))));
      }
    });
  }

  it('FederationRebound v1 without cognitoProvider re-binds the Cognito provider named like the alias', () => {
    const fixture = golden.find((g) => g.name === 'FederationRebound/v1.without-cognito-provider.json')!;
    assert.equal(JSON.parse(fixture.value.toString('utf8')).cognitoProvider, undefined);
    const event = decodeRecord(recordOf(fixture));
    assert.ok(event.type === 'FederationRebound');
    assert.equal(event.data.cognitoProvider, event.data.provider);
    assert.equal(event.data.cognitoProvider, 'Google');
  });

  it('FederationRebound v1 that already carried cognitoProvider keeps it', () => {
    for (const name of ['FederationRebound/v1.pre-canonical.json', 'FederationRebound/v1.json']) {
      const fixture = golden.find((g) => g.name === name)!;
      const event = decodeRecord(recordOf(fixture));
      assert.ok(event.type === 'FederationRebound');
      assert.equal(event.data.cognitoProvider, JSON.parse(fixture.value.toString('utf8')).cognitoProvider);
    }
  });

  it('refuses to encode an event read at an older version: a stored record is never re-encoded', () => {
    const fixture = golden.find((g) => g.name === 'FederationRebound/v1.without-cognito-provider.json')!;
    assert.throws(() => encodeEvent(decodeRecord(recordOf(fixture))), /read at version 1: only a new event is encoded/);
  });
});
