import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { z } from 'zod';
import { federationReboundV1ToV2, type FederationReboundV1Data } from '../catalog/federation-rebound-v1.js';
import { contentHash } from '../content-hash.js';
import { createEvent, dataschemaOf } from '../create-event.js';
import { eventCatalog, type EventType } from '../event-catalog.js';
import { defineEvent } from '../event-definition.js';
import { eventId } from '../event-id.js';
import { InvalidEventError } from '../invalid-event-error.js';
import { parseEvent } from '../parse-event.js';
import { olderVersion } from './older-version.js';
import { readableVersionsOf, upcastToCurrent } from './upcast-to-current.js';

const target = { kind: 'keycloak' as const, realm: 'r' };
const context = { source: '/test/upcasting', correlationId: 'run-1', time: new Date('2026-12-01T00:00:00.000Z') };

/** An event as a writer of `version` put it: the envelope names that version, hash and id follow from the data as written. */
function writtenAt(type: EventType, version: number, data: Record<string, unknown>, factKey: string) {
  const subject = String(data['sub']);
  return {
    specversion: '1.0',
    id: eventId(type, subject, factKey),
    source: context.source,
    type,
    subject,
    time: context.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(type, version),
    schemaversion: version,
    correlationid: context.correlationId,
    contenthash: contentHash(data),
    data,
  };
}

const reboundV1 = { sub: 'sub-1', target, provider: 'google', providerUserId: 'g-1', via: 'pre-linked' } as const;
const reboundKey = 'keycloak/r/google/g-1';

describe('event versions: the catalog', () => {
  it('numbers every type’s older versions 1, 2, ... up to the one before the version written now', () => {
    for (const [type, definition] of Object.entries(eventCatalog)) {
      const versions = readableVersionsOf(definition);
      assert.deepEqual(
        versions,
        versions.map((_, i) => i + 1),
        `${type}: versions ${versions.join(', ')}`,
      );
    }
  });

  it('writes FederationRebound at v2, every other type at v1', () => {
    for (const [type, definition] of Object.entries(eventCatalog)) {
      assert.equal(definition.version, type === 'FederationRebound' ? 2 : 1, type);
    }
    const event = createEvent('FederationRebound', { ...reboundV1, cognitoProvider: 'Google' }, context);
    assert.equal(event.schemaversion, 2);
    assert.equal(event.dataschema, 'urn:cognito-migration-ledger:event:FederationRebound:v2');
  });
});

describe('FederationRebound v1 -> v2', () => {
  const cases: { given: FederationReboundV1Data; then: string; why: string }[] = [
    { given: reboundV1, then: 'google', why: 'no cognitoProvider: the Cognito provider named like the alias' },
    { given: { ...reboundV1, cognitoProvider: 'Google' }, then: 'Google', why: 'written with it (a003b40 on): kept' },
  ];
  for (const { given, then, why } of cases) {
    it(`given ${JSON.stringify(given.cognitoProvider ?? null)}, then cognitoProvider "${then}" (${why})`, () => {
      assert.deepEqual(federationReboundV1ToV2(given), { ...reboundV1, cognitoProvider: then });
    });
  }

  it('reads a v1 record as v2 data under the envelope it was written with', () => {
    const written = writtenAt('FederationRebound', 1, { ...reboundV1 }, reboundKey);
    const event = parseEvent(JSON.parse(JSON.stringify(written)));
    assert.deepEqual(event.data, { ...reboundV1, cognitoProvider: 'google' });
    assert.equal(event.schemaversion, 1);
    assert.equal(event.dataschema, 'urn:cognito-migration-ledger:event:FederationRebound:v1');
    // The hash stays the one over the bytes as written; the id is the same fact's at v2.
    assert.equal(event.contenthash, contentHash(reboundV1));
    assert.equal(event.id, createEvent('FederationRebound', event.data as never, context).id);
  });

  it('refuses a record whose dataschema names another version than schemaversion', () => {
    const written = { ...writtenAt('FederationRebound', 1, { ...reboundV1 }, reboundKey), schemaversion: 2 };
    assert.throws(
      () => parseEvent(written),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'dataschema',
    );
  });

  it('refuses a version no writer wrote, naming the readable ones', () => {
    const written = writtenAt('FederationRebound', 3, { ...reboundV1, cognitoProvider: 'g' }, reboundKey);
    assert.throws(
      () => parseEvent(written),
      /FederationRebound: schemaversion: version 3 is not readable \(known: 1, 2\)/,
    );
  });

  it('names the field of a v1 record that does not fit v1, as written', () => {
    const written = writtenAt('FederationRebound', 1, { ...reboundV1, via: 'fax' }, reboundKey);
    assert.throws(
      () => parseEvent(written),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'data.via',
    );
  });

  it('refuses v2 data without cognitoProvider: from v2 on it is required', () => {
    const written = writtenAt('FederationRebound', 2, { ...reboundV1 }, reboundKey);
    assert.throws(
      () => parseEvent(written),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'data.cognitoProvider',
    );
  });
});

describe('upcasters chain, one step per version', () => {
  // A type that renamed a field in v2 and split it in v3: each step knows two shapes only.
  const v1 = z.object({ sub: z.string(), name: z.string() });
  const v2 = z.object({ sub: z.string(), fullName: z.string() });
  const v3 = z.object({ sub: z.string(), given: z.string(), family: z.string() });
  const steps: string[] = [];
  const definition = defineEvent({
    type: 'Renamed',
    version: 3,
    stream: 'user',
    schema: v3,
    olderVersions: [
      olderVersion({
        version: 1,
        schema: v1,
        upcast: (d: z.infer<typeof v1>): z.infer<typeof v2> => (steps.push('1->2'), { sub: d.sub, fullName: d.name }),
      }),
      olderVersion({
        version: 2,
        schema: v2,
        upcast: (d: z.infer<typeof v2>): z.infer<typeof v3> => {
          steps.push('2->3');
          const [given = '', family = ''] = d.fullName.split(' ');
          return { sub: d.sub, given, family };
        },
      }),
    ],
    subjectOf: (d) => d.sub,
    factKeyOf: (d) => d.sub,
  });

  it('takes v1 through 1->2 then 2->3, v2 through 2->3, and v3 as it is', () => {
    const cases = [
      { version: 1, data: { sub: 's', name: 'Ada Lovelace' }, steps: ['1->2', '2->3'] },
      { version: 2, data: { sub: 's', fullName: 'Ada Lovelace' }, steps: ['2->3'] },
      { version: 3, data: { sub: 's', given: 'Ada', family: 'Lovelace' }, steps: [] },
    ];
    for (const c of cases) {
      steps.length = 0;
      assert.deepEqual(upcastToCurrent(definition, c.version, c.data), { sub: 's', given: 'Ada', family: 'Lovelace' });
      assert.deepEqual(steps, c.steps, `v${c.version}`);
    }
  });

  it('checks each step’s result against the next version, naming the step', () => {
    const broken = defineEvent({
      type: 'Renamed',
      version: 2,
      stream: 'user',
      schema: v2,
      olderVersions: [olderVersion({ version: 1, schema: v1, upcast: (d: z.infer<typeof v1>) => ({ sub: d.sub }) })],
      subjectOf: (d) => d.sub,
      factKeyOf: (d) => d.sub,
    });
    assert.throws(
      () => upcastToCurrent(broken, 1, { sub: 's', name: 'Ada' }),
      (error: unknown) =>
        error instanceof InvalidEventError &&
        error.path === 'data.fullName' &&
        error.problem.endsWith('after upcasting v1 to v2'),
    );
  });
});
