import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { proveSubject } from '#auditor';
import type { Env } from '#config';
import { Ledger } from '#ledger';
import { checkpointOriginOf, readVerifierKey, sealerSections } from '#sealer';
import type { CommandConfig } from './command-config.js';

/** `ledger prove <sub>`: one user's facts with inclusion proofs, as one JSON file (docs/audit.md). */
export function proveCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('prove')
    .argument('<sub>', "the user's Cognito sub (the key of their records)")
    .description(
      "Write the user's facts (every user-events record keyed by SUB: its bytes and decoded event) with RFC 6962 " +
        'inclusion proofs against the latest signed checkpoint of their partition, the checkpoint notes and the ' +
        'verifier key, as one JSON file; facts after the last checkpoint are listed unsealed. Check it with ' +
        '`node verify-bundle.mjs verify-proof FILE`.',
    )
    .option('--out <file>', 'write the proof here instead of stdout')
    .action(async (sub: string, options: { out?: string }) => {
      const config = await commandConfig(env, sealerSections);
      const key = await readVerifierKey(config.seal);
      const ledger = new Ledger({ kafka: config.kafka });
      const proof = await proveSubject(ledger, sub, { origin: checkpointOriginOf(config, key.name), key });
      if (proof.facts.length === 0) throw new Error(`no fact of subject ${sub} in ${ledger.topics.userEvents}`);
      const text = `${JSON.stringify(proof, null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else {
        await writeFile(options.out, text);
        process.stderr.write(
          `Wrote ${options.out}: ${proof.facts.length} facts of ${sub}, ${proof.facts.length - proof.unsealedFacts} proven, ${proof.unsealedFacts} unsealed\n`,
        );
      }
    });
}
