import { NestFactory } from '@nestjs/core';
import type { Env } from '#config';
import { ImporterModule, ImportRun } from '#importer';
import { localConfig } from '#stack';

/** One importer run over the ledger of `env` into its realm, as `ledger import` does it. */
export async function importFromLedger(env: Env, groupId: string): Promise<void> {
  const config = await localConfig(env, ['kafka', 'keycloak', 'keycloakAdmin', 'importer']);
  const settings = { ...config, admin: config.keycloakAdmin };
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: false });
  try {
    await app.get(ImportRun).run({ groupId, follow: false, identityProviders: [] });
  } finally {
    await app.close();
  }
}
