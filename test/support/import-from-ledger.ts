import { NestFactory } from '@nestjs/core';
import { importerConfig, kafkaConfig, keycloakConfig, type Env } from '#config';
import { ImporterModule, ImportRun } from '#importer';
import { keycloakAdminLogin } from '#stack';

/** One importer run over the ledger of `env` into its realm, as `ledger import` does it. */
export async function importFromLedger(env: Env, groupId: string): Promise<void> {
  const admin = await keycloakAdminLogin(env);
  const settings = { kafka: kafkaConfig(env), keycloak: keycloakConfig(env), importer: importerConfig(env), admin };
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: false });
  try {
    await app.get(ImportRun).run({ groupId, follow: false, identityProviders: [] });
  } finally {
    await app.close();
  }
}
