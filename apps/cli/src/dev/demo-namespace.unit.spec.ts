import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { kafkaConfig, keycloakConfig, projectorConfig, reconcilerConfig, watcherConfig } from '#config';
import { inDemoNamespace } from './demo-namespace.js';

describe('the demo namespace', () => {
  const real = {
    KAFKA_TOPIC_PREFIX: 'migration',
    KEYCLOAK_REALM: 'customers',
    PROJECTION_SCHEMA: 'projection',
    RECONCILER_SCHEMA: 'reconciler',
    WATCHER_SCHEMA: 'watcher',
    DATABASE_URL: 'postgres://ledger@db.internal:5432/ledger',
    KAFKA_BROKERS: 'kafka.internal:9092',
    KEYCLOAK_URL: 'https://login.example.com',
  };

  it('given a shell set up for a real migration, when the demo reads its settings, then no topic, realm or schema is the real one', () => {
    const demo = inDemoNamespace(real);
    assert.notEqual(kafkaConfig(demo).topicPrefix, kafkaConfig(real).topicPrefix);
    assert.notEqual(keycloakConfig(demo).realm, keycloakConfig(real).realm);
    assert.notEqual(projectorConfig(demo).schema, projectorConfig(real).schema);
    assert.notEqual(projectorConfig(demo).groupId, projectorConfig(real).groupId);
    assert.notEqual(reconcilerConfig(demo).schema, reconcilerConfig(real).schema);
    assert.notEqual(reconcilerConfig(demo).projectionSchema, reconcilerConfig(real).projectionSchema);
    assert.notEqual(watcherConfig(demo).schema, watcherConfig(real).schema);
  });

  it('given any shell, then the demo runs under the local profile', () => {
    assert.equal(inDemoNamespace(real).LEDGER_PROFILE, 'local');
    assert.equal(inDemoNamespace({ LEDGER_PROFILE: 'production' }).LEDGER_PROFILE, 'local');
  });

  it('given an empty shell (the defaults are the real migration), then the demo still uses its own names', () => {
    const demo = inDemoNamespace({});
    assert.equal(kafkaConfig(demo).topicPrefix, 'demo');
    assert.equal(keycloakConfig(demo).realm, 'demo');
    assert.equal(projectorConfig(demo).schema, 'demo_projection');
    assert.notEqual(projectorConfig(demo).schema, projectorConfig({}).schema);
  });
});
