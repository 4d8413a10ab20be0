import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { Env } from '#config';
import { generateSignerKeyFile, readSignerKey, Sealer, SealerModule, sealerSections, type SealReport } from '#sealer';
import type { CommandConfig } from './command-config.js';
import { untilStopped } from './stop-signal.js';
import { pino } from 'pino';

/** `ledger seal`: publish signed checkpoints of the ledger; `keygen` and `key` manage its key. */
export function sealCommand(env: Env, commandConfig: CommandConfig): Command {
  const seal = new Command('seal')
    .description(
      'Publish signed checkpoints (C2SP tlog-checkpoint, Ed25519 signed note) of every partition of the user and ' +
        'control topics to <KAFKA_TOPIC_PREFIX>.checkpoints: every LEDGER_SEAL_EVERY_RECORDS records and at the end ' +
        'of each pass. Resumes from the checkpoints already published. Key: LEDGER_SEAL_KEY or LEDGER_SEAL_KEY_FILE.',
    )
    .option('--follow', 'keep sealing, a pass every LEDGER_SEAL_INTERVAL_MS; stop with Ctrl-C', false)
    .action(async (options: { follow: boolean }) => {
      const config = await commandConfig(env, sealerSections);
      const key = await readSignerKey(config.seal);
      const app = await NestFactory.createApplicationContext(
        SealerModule.register({
          kafka: config.kafka,
          seal: config.seal,
          key,
          ...(config.log.level ? { logger: pino({ level: config.log.level }, process.stderr) } : {}),
        }),
        { logger: ['error'] },
      );
      try {
        const report = await untilStopped((signal) => app.get(Sealer).run({ follow: options.follow, signal }));
        process.stdout.write(formatSealReport(report));
      } finally {
        await app.close();
      }
    });
  seal
    .command('keygen')
    .description(
      'Create a new Ed25519 signing key in a file (mode 0600; never overwrites one) and print its public key',
    )
    .requiredOption('--out <file>', 'where to write the key (then set LEDGER_SEAL_KEY_FILE to it)')
    .option('--name <name>', 'the key name (no spaces or "+"), e.g. your domain', 'ledger.local')
    .action(async (options: { out: string; name: string }) => {
      const key = await generateSignerKeyFile(options.out, options.name);
      process.stdout.write(`Wrote ${options.out}\n${formatVerifierKey(key.verifier)}`);
    });
  seal
    .command('key')
    .description('Print the public verifier key and key id of the configured signing key (give these to auditors)')
    .action(async () => {
      const config = await commandConfig(env, ['seal']);
      process.stdout.write(formatVerifierKey((await readSignerKey(config.seal)).verifier));
    });
  return seal;
}

function formatVerifierKey(key: { toString(): string; keyIdHex: string; name: string }): string {
  return `verifier key  ${key.toString()}\nkey name      ${key.name}\nkey id        ${key.keyIdHex}\n`;
}

export function formatSealReport(report: SealReport): string {
  const lines = [
    `Sealed ${report.origin}: ${report.published} checkpoints published in ${report.passes} pass(es) ` +
      `(${report.resumedFrom} partitions resumed from the checkpoints topic), ${(report.durationMs / 1000).toFixed(1)} s`,
    `  key ${report.verifierKey}`,
    ...report.partitions.map(
      (p) =>
        `  ${`${p.topic}/${p.partition}`.padEnd(36)} ${String(p.records).padStart(9)} records, sealed to ${p.sealedSize}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
