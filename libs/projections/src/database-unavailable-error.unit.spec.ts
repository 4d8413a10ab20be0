import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { DatabaseUnavailableError } from './database-unavailable-error.js';

const url = 'postgres://ledger:s3cret-pw@db.internal:6432/ledger';
const during = 'the reconcile pass';

/** The shapes node-postgres and TypeORM give a failure: a code on the error, or on its driverError. */
function failure(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), fields);
}

describe('DatabaseUnavailableError: a lost PostgreSQL server, named', () => {
  const lost: [string, Error][] = [
    ['a refused connection', failure('connect ECONNREFUSED 10.0.0.5:6432', { code: 'ECONNREFUSED' })],
    ['a fast shutdown under a statement (57P01)', failure('terminating connection', { code: '57P01' })],
    [
      'a server shutting down, wrapped by TypeORM (57P03)',
      failure('the database system is shutting down', { driverError: failure('x', { code: '57P03' }) }),
    ],
    ['a session cut without an answer', failure('Connection terminated unexpectedly')],
    ['a connection exception (class 08)', failure('protocol violation', { code: '08P01' })],
  ];
  for (const [what, error] of lost) {
    it(`when ${what}, then the error names the server and the setting, never the credentials`, () => {
      const named = DatabaseUnavailableError.of(error, url, during);
      assert.ok(named instanceof DatabaseUnavailableError);
      assert.match(
        named.message,
        /^PostgreSQL at db\.internal:6432\/ledger \(DATABASE_URL\) is unavailable during the reconcile pass: /,
      );
      assert.equal(named.cause, error);
      assert.doesNotMatch(named.message, /s3cret-pw|ledger:/);
    });
  }

  it('when a statement fails on a server that answers (unique violation), then it is not an outage', () => {
    assert.equal(DatabaseUnavailableError.of(failure('duplicate key', { code: '23505' }), url, during), undefined);
  });

  it('when another server is lost (Kafka, its socket error as the cause), then it is not named PostgreSQL', () => {
    const kafka = Object.assign(
      new Error('Kafka is not reachable at 127.0.0.1:9092 (KAFKA_BROKERS): Connection error', {
        cause: failure('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' }),
      }),
      { brokers: ['127.0.0.1:9092'] },
    );
    assert.equal(DatabaseUnavailableError.of(kafka, url, during), undefined);
  });

  it('when something else fails, then it is left as it is', () => {
    assert.equal(DatabaseUnavailableError.of(new Error('Keycloak answered 500'), url, during), undefined);
  });
});
