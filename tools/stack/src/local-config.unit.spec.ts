import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ConfigError, loadConfig } from '#config';
import { localConfig } from './local-config.js';

describe('localConfig: the local stack’s generated Keycloak administrator', () => {
  let stackDir: string;

  beforeAll(async () => {
    stackDir = await mkdtemp(join(tmpdir(), 'local-config-'));
    await mkdir(join(stackDir, 'keycloak'));
    await writeFile(
      join(stackDir, 'keycloak', 'admin-credentials.json'),
      JSON.stringify({ username: 'stack-admin', password: 'generated-by-the-stack' }),
    );
  });
  afterAll(() => rm(stackDir, { recursive: true, force: true }));

  it('given the stack’s credential file and no password in the environment, then the local profile uses the file', async () => {
    const config = await localConfig({ STACK_DIR: stackDir }, ['keycloakAdmin', 'kafka']);
    assert.equal(config.profile, 'local');
    assert.deepEqual(config.keycloakAdmin, { username: 'stack-admin', password: 'generated-by-the-stack' });
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
  });

  it('given KEYCLOAK_ADMIN_PASSWORD, then the environment wins over the file', async () => {
    const config = await localConfig({ STACK_DIR: stackDir, KEYCLOAK_ADMIN_PASSWORD: 'from-env' }, ['keycloakAdmin']);
    assert.deepEqual(config.keycloakAdmin, { username: 'admin', password: 'from-env' });
  });

  it('given the same file, then a production load never reads it: the password is required', () => {
    assert.throws(
      () => loadConfig({ STACK_DIR: stackDir }, ['keycloakAdmin']),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'KEYCLOAK_ADMIN_PASSWORD: is required but not set' &&
        !error.message.includes('generated-by-the-stack'),
    );
  });

  it('given no file yet, then the local profile names the missing password and how to get one', async () => {
    await assert.rejects(
      localConfig({ STACK_DIR: join(stackDir, 'nothing-here') }, ['keycloakAdmin']),
      /KEYCLOAK_ADMIN_PASSWORD: is required but not set, and the local stack has not generated one yet/,
    );
  });
});
