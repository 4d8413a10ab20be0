import { importMapping } from '#domain';
import { Ledger } from '#ledger';
import type { WatcherRuntimeConfig, WatchReport } from '#watcher';
import { rehearseUserJourneys, type RehearsalReport } from '#demo';
import { watchTarget } from '../watch-command.js';

export interface WatcherDemoReport {
  readonly rehearsal: RehearsalReport;
  readonly watch: WatchReport;
}

/**
 * For `ledger demo`: a few imported users re-enrol TOTP and a few federated users that were not
 * pre-linked sign in through their identity provider (see rehearseUserJourneys), then the
 * watcher runs until it has read every event and reconciled once.
 */
export async function watcherDemo(
  config: WatcherRuntimeConfig,
  counts: { mfaUsers: number; federatedUsers: number },
): Promise<WatcherDemoReport> {
  const ledger = new Ledger({ kafka: config.kafka });
  const aliases = importMapping(config.importer).providerAliases;
  const rehearsal = await rehearseUserJourneys(ledger, config.keycloak, config.keycloakAdmin, aliases, counts);
  return { rehearsal, watch: await watchTarget(config, { follow: false, reconcile: true }) };
}
