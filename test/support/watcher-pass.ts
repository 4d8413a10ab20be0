import { NestFactory } from '@nestjs/core';
import type { Env } from '#config';
import { localConfig } from '#stack';
import { TargetWatch, WatcherModule, watcherSections, watcherSettingsOf } from '#watcher';

/** One watcher run over the realm of `env`: the events, then one reconciliation pass. */
export async function watcherPass(env: Env): Promise<void> {
  const settings = watcherSettingsOf(await localConfig(env, watcherSections));
  const app = await NestFactory.createApplicationContext(WatcherModule.register(settings), { logger: false });
  try {
    await app
      .get(TargetWatch)
      .run({ follow: false, reconcile: true, pollIntervalMs: 200, reconcileIntervalMs: 60_000 });
  } finally {
    await app.close();
  }
}
