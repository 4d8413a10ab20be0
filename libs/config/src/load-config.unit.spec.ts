import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { localProfileDefaults, localProfileVariables } from './local-profile.js';
import { stackConfig } from './section-readers.js';

/** The ConfigError `act` throws; fails the test when it throws nothing or something else. */
function configErrorOf(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('no ConfigError thrown');
}

const production = {
  KAFKA_BROKERS: 'kafka-1.internal:9092,kafka-2.internal:9092',
  DATABASE_URL: 'postgres://ledger@db.internal:5432/ledger',
  KEYCLOAK_URL: 'https://login.example.com/',
  KEYCLOAK_ADMIN_PASSWORD: 'from-the-vault',
  RECONCILER_SMTP_HOST: 'smtp.example.com',
  RECONCILER_SMTP_PORT: '587',
  RECONCILER_SMTP_FROM: 'accounts@example.com',
};

describe('loadConfig: every problem at once', () => {
  it('given two malformed variables, when loaded, then both are named, one line each', () => {
    const error = configErrorOf(() =>
      loadConfig({ ...production, KAFKA_BROKERS: 'kafka', PROJECTION_SCHEMA: 'Projection-1' }, ['kafka', 'projector']),
    );
    assert.deepEqual(
      error.issues.map((issue) => issue.variable),
      ['KAFKA_BROKERS', 'PROJECTION_SCHEMA'],
    );
    assert.deepEqual(error.message.split('\n'), [
      'KAFKA_BROKERS: must be host:port[,host:port...]',
      'PROJECTION_SCHEMA: must be a lower-case PostgreSQL identifier (a-z, 0-9, _)',
    ]);
  });

  it('given problems in several sections, a missing and a malformed one, then every one is reported', () => {
    const error = configErrorOf(() =>
      loadConfig({ KEYCLOAK_URL: 'not a url', LOG_LEVEL: 'verbose', IMPORT_BATCH_SIZE: '0' }, [
        'kafka',
        'keycloak',
        'keycloakAdmin',
        'importer',
      ]),
    );
    assert.deepEqual(error.issues.map((issue) => issue.variable).sort(), [
      'IMPORT_BATCH_SIZE',
      'KAFKA_BROKERS',
      'KEYCLOAK_ADMIN_PASSWORD',
      'KEYCLOAK_URL',
      'LOG_LEVEL',
    ]);
    const problem = (variable: string) => error.issues.find((issue) => issue.variable === variable)?.problem;
    assert.equal(problem('IMPORT_BATCH_SIZE'), 'must be a whole number from 1 to 1000');
    assert.equal(problem('LOG_LEVEL'), 'must be one of fatal, error, warn, info, debug, trace, silent');
    assert.match(problem('KEYCLOAK_URL')!, /^must be an http\(s\) URL/);
  });

  it('given a variable that breaks two rules, then it is reported once', () => {
    const error = configErrorOf(() => loadConfig({ PROJECTION_SCHEMA: `Bad-${'x'.repeat(60)}` }, ['projector']));
    assert.equal(error.issues.length, 1);
  });

  it('given an empty value (FOO= in an env file), then it counts as not set', () => {
    assert.equal(loadConfig({ ...production, KAFKA_TOPIC_PREFIX: '' }, ['kafka']).kafka.topicPrefix, 'migration');
    const error = configErrorOf(() => loadConfig({ ...production, KAFKA_BROKERS: '' }, ['kafka']));
    assert.match(error.message, /^KAFKA_BROKERS: is required but not set/);
  });

  it('given only the sections a command uses, then the settings of other sections are not required', () => {
    const config = loadConfig({}, ['projector', 'watcher']);
    assert.equal(config.projector.schema, 'projection');
    assert.equal(config.watcher.schema, 'watcher');
    assert.equal(config.profile, 'production');
    assert.equal('kafka' in config, false);
  });
});

describe('loadConfig: the local profile and production', () => {
  it('given no LEDGER_PROFILE, when a production command misses its addresses, then each is named as required', () => {
    const error = configErrorOf(() =>
      loadConfig({}, ['kafka', 'database', 'keycloak', 'keycloakAdmin', 'reconciler', 'resetMail']),
    );
    assert.deepEqual(error.issues.map((issue) => issue.variable).sort(), [
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'KEYCLOAK_ADMIN_PASSWORD',
      'KEYCLOAK_URL',
      'RECONCILER_SMTP_FROM',
      'RECONCILER_SMTP_HOST',
      'RECONCILER_SMTP_PORT',
    ]);
    for (const issue of error.issues.filter((i) => localProfileVariables.has(i.variable))) {
      assert.equal(issue.problem, 'is required but not set (only LEDGER_PROFILE=local defaults it to the local stack)');
    }
    assert.doesNotMatch(error.message, /127\.0\.0\.1/);
  });

  it('given production, then `ledger status` (the reconciler section) needs no SMTP or Keycloak settings', () => {
    const config = loadConfig({ KEYCLOAK_REALM: 'customers' }, ['reconciler']);
    assert.deepEqual(config.reconciler, {
      policyFile: undefined,
      schema: 'reconciler',
      projectionSchema: 'projection',
      realm: 'customers',
    });
  });

  it('given production settings, then they are used as given and nothing points at the local stack', () => {
    const config = loadConfig(production, ['kafka', 'database', 'keycloak', 'keycloakAdmin', 'resetMail']);
    assert.deepEqual(config.kafka.brokers, ['kafka-1.internal:9092', 'kafka-2.internal:9092']);
    assert.equal(config.database.url, production.DATABASE_URL);
    assert.equal(config.keycloak.url, 'https://login.example.com');
    assert.deepEqual(config.keycloakAdmin, { username: 'admin', password: 'from-the-vault' });
    assert.deepEqual(config.resetMail, {
      host: 'smtp.example.com',
      port: 587,
      from: 'accounts@example.com',
      fromName: 'Account migration',
    });
  });

  it('given LEDGER_PROFILE=local and nothing else, then the addresses are the local stack’s default ports', () => {
    const config = loadConfig({ LEDGER_PROFILE: 'local' }, ['kafka', 'database', 'keycloak', 'resetMail']);
    assert.equal(config.profile, 'local');
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
    assert.equal(config.database.url, 'postgres://postgres@127.0.0.1:5432/migration_ledger');
    assert.equal(config.keycloak.url, 'http://127.0.0.1:18080');
    assert.equal(config.resetMail.port, 18025);
  });

  it('given LEDGER_PROFILE=local and POSTGRES_PORT, then DATABASE_URL follows it unless set', () => {
    const moved = loadConfig({ LEDGER_PROFILE: 'local', POSTGRES_PORT: '35432' }, ['database']);
    assert.equal(moved.database.url, 'postgres://postgres@127.0.0.1:35432/migration_ledger');
    const set = loadConfig(
      { LEDGER_PROFILE: 'local', POSTGRES_PORT: '35432', DATABASE_URL: 'postgres://ledger@db.internal:5432/ledger' },
      ['database'],
    );
    assert.equal(set.database.url, 'postgres://ledger@db.internal:5432/ledger');
  });

  it('given LEDGER_PROFILE=local with other stack ports, then the defaults follow the ports', () => {
    const config = loadConfig(
      { LEDGER_PROFILE: 'local', KAFKA_PORT: '39092', KEYCLOAK_PORT: '38080', MAIL_SMTP_PORT: '38025' },
      ['kafka', 'keycloak', 'resetMail'],
    );
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:39092']);
    assert.equal(config.keycloak.url, 'http://127.0.0.1:38080');
    assert.equal(config.resetMail.port, 38025);
  });

  it('given LEDGER_PROFILE=local and an explicit value, then the explicit value wins over the local default', () => {
    const config = loadConfig({ LEDGER_PROFILE: 'local', KAFKA_BROKERS: 'kafka:9092' }, ['kafka']);
    assert.deepEqual(config.kafka.brokers, ['kafka:9092']);
  });

  it('given LEDGER_PROFILE=local and a malformed stack port, then the port is named (not the address made of it)', () => {
    const error = configErrorOf(() => loadConfig({ LEDGER_PROFILE: 'local', KAFKA_PORT: 'ninety' }, ['kafka']));
    assert.deepEqual(error.issues, [{ variable: 'KAFKA_PORT', problem: 'must be a whole number from 1 to 65535' }]);
  });

  it('given LEDGER_PROFILE=local without an admin password, then it says the local stack has not generated one', () => {
    const error = configErrorOf(() => loadConfig({ LEDGER_PROFILE: 'local' }, ['keycloakAdmin']));
    assert.match(error.message, /^KEYCLOAK_ADMIN_PASSWORD: is required but not set, .*ledger stack up/);
  });

  it('given an unknown LEDGER_PROFILE, then it is reported with the rest (and production rules apply)', () => {
    const error = configErrorOf(() => loadConfig({ LEDGER_PROFILE: 'dev' }, ['kafka']));
    assert.deepEqual(
      error.issues.map((issue) => issue.variable),
      ['LEDGER_PROFILE', 'KAFKA_BROKERS'],
    );
    assert.equal(error.issues[0]!.problem, 'must be one of production, local');
  });

  it('the local defaults are exactly the variables production requires instead', () => {
    assert.deepEqual(Object.keys(localProfileDefaults(stackConfig({}))).sort(), [...localProfileVariables].sort());
  });
});

describe('loadConfig: secrets', () => {
  const secrets = {
    BRIDGE_SHARED_SECRET: 'short-s3cr3t',
    DATABASE_URL: 'mysql://ledger:hunter2-s3cr3t@db.internal/ledger',
  };

  it('given malformed secrets, then the problems are named and no value appears in the error', () => {
    const error = configErrorOf(() =>
      loadConfig({ ...production, ...secrets, COGNITO_CLIENT_ID: 'client' }, ['bridge', 'database', 'keycloakAdmin']),
    );
    assert.deepEqual(error.issues.map((issue) => issue.variable).sort(), ['BRIDGE_SHARED_SECRET', 'DATABASE_URL']);
    const everything = `${error.message}\n${JSON.stringify(error.issues)}\n${String(error.stack)}`;
    assert.doesNotMatch(everything, /s3cr3t/);
    assert.doesNotMatch(everything, /hunter2/);
  });

  it('given an admin password in the environment, then it is taken from there', () => {
    assert.equal(
      loadConfig({ KEYCLOAK_ADMIN_PASSWORD: 'from-the-vault' }, ['keycloakAdmin']).keycloakAdmin.password,
      'from-the-vault',
    );
  });
});

describe('loadConfig: one rule per kind of value', () => {
  it('given the same bad PROJECTION_SCHEMA, then the projector, the bridge and the reconciler reject it the same way', () => {
    const env = {
      ...production,
      PROJECTION_SCHEMA: 'Projection',
      BRIDGE_SHARED_SECRET: 'a-shared-secret-of-32-characters',
      COGNITO_CLIENT_ID: 'client',
    };
    const problems = (['projector', 'bridge', 'reconciler'] as const).map(
      (name) => configErrorOf(() => loadConfig(env, [name])).message,
    );
    assert.deepEqual(new Set(problems).size, 1);
    assert.equal(configErrorOf(() => loadConfig(env, ['projector', 'bridge', 'reconciler'])).issues.length, 1);
  });

  it('given schema names, then every schema variable follows the same rule', () => {
    const error = configErrorOf(() =>
      loadConfig({ ...production, RECONCILER_SCHEMA: 'Reconciler', WATCHER_SCHEMA: 'w'.repeat(41) }, [
        'reconciler',
        'watcher',
      ]),
    );
    assert.deepEqual(error.issues, [
      { variable: 'RECONCILER_SCHEMA', problem: 'must be a lower-case PostgreSQL identifier (a-z, 0-9, _)' },
      { variable: 'WATCHER_SCHEMA', problem: 'must be at most 40 characters (a replay adds a suffix to it)' },
    ]);
  });

  it('given a pino level in LOG_LEVEL, then every process gets it', () => {
    assert.equal(loadConfig({ LOG_LEVEL: 'debug' }, []).log.level, 'debug');
    assert.equal(loadConfig({}, []).log.level, undefined);
  });
});

describe('loadConfig: the dashboard and its API', () => {
  it('given nothing, then they require a Keycloak login, in production as on the local stack', () => {
    assert.deepEqual(loadConfig(production, ['dashboard']).dashboard, {
      access: 'keycloak',
      clientId: 'migration-dashboard',
      publicUrl: undefined,
    });
    assert.equal(loadConfig({ LEDGER_PROFILE: 'local' }, ['dashboard']).dashboard.access, 'keycloak');
  });

  it('given DASHBOARD_ACCESS=open under the local profile, then it is open (tests and benchmarks ask for it)', () => {
    assert.equal(
      loadConfig({ LEDGER_PROFILE: 'local', DASHBOARD_ACCESS: 'open' }, ['dashboard']).dashboard.access,
      'open',
    );
  });

  it('given DASHBOARD_ACCESS=open in production, then it is refused, naming the variable', () => {
    const error = configErrorOf(() => loadConfig({ ...production, DASHBOARD_ACCESS: 'open' }, ['dashboard']));
    assert.deepEqual(
      error.issues.map((i) => i.variable),
      ['DASHBOARD_ACCESS'],
    );
    assert.match(error.message, /only under LEDGER_PROFILE=local/);
  });

  it('given a malformed mode, client id or public URL, then each is named', () => {
    const error = configErrorOf(() =>
      loadConfig(
        { ...production, DASHBOARD_ACCESS: 'public', DASHBOARD_CLIENT_ID: 'a b', DASHBOARD_PUBLIC_URL: 'ftp://x' },
        ['dashboard'],
      ),
    );
    assert.deepEqual(
      error.issues.map((i) => i.variable),
      ['DASHBOARD_ACCESS', 'DASHBOARD_CLIENT_ID', 'DASHBOARD_PUBLIC_URL'],
    );
  });

  it('given a public URL with a trailing slash, then it is kept without it', () => {
    assert.equal(
      loadConfig({ ...production, DASHBOARD_PUBLIC_URL: 'https://migration.example.com/' }, ['dashboard']).dashboard
        .publicUrl,
      'https://migration.example.com',
    );
  });
});
