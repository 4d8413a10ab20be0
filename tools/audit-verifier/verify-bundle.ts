/**
 * The auditor's verifier, bundled by esbuild (tools/audit-verifier/build.mjs) into one
 * `verify-bundle.mjs` that imports only Node's builtins, so an auditor runs it with Node alone:
 *
 *   node verify-bundle.mjs [DIR] [--key VERIFIER_KEY] [--json]        a bundle (`ledger audit export`)
 *   node verify-bundle.mjs verify-proof FILE [--key VERIFIER_KEY] [--json]   one user's proof (`ledger prove`)
 *
 * Exit code 0: verified; 1: a problem, the first one named (file, partition, offset, why); 2: usage.
 * The checks themselves are libs/audit-bundle's, over libs/audit's Merkle trees and signed notes:
 * the same code `ledger audit export` and `ledger prove` are built with.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  formatTableDigest,
  verifyBundle,
  verifySubjectProof,
  type BundleVerdict,
  type ProofVerdict,
} from '#audit-bundle';

const usage =
  'usage: node verify-bundle.mjs [DIR] [--key VERIFIER_KEY] [--json]\n' +
  '       node verify-bundle.mjs verify-proof FILE [--key VERIFIER_KEY] [--json]\n';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { key: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals[0] === 'verify-proof') {
    if (positionals.length !== 2) {
      process.stderr.write(usage);
      return 2;
    }
    const file = positionals[1]!;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
      return 1;
    }
    const verdict = verifySubjectProof(text, values.key);
    process.stdout.write(values.json ? `${JSON.stringify(verdict, null, 2)}\n` : formatProof(file, verdict));
    return verdict.ok ? 0 : 1;
  }
  if (positionals.length > 1) {
    process.stderr.write(usage);
    return 2;
  }
  // Without DIR: the bundle this file was shipped in.
  const dir = positionals[0] ?? dirname(fileURLToPath(import.meta.url));
  const verdict = await verifyBundle(dir, values.key);
  process.stdout.write(values.json ? `${JSON.stringify(verdict, null, 2)}\n` : formatBundle(dir, verdict));
  return verdict.ok ? 0 : 1;
}

function keyLine(key: string | null, source: 'pinned' | 'bundle' | 'proof'): string {
  if (key === null) return 'Verifier key: none read';
  return source === 'pinned'
    ? `Verifier key ${key} (given with --key)`
    : `Verifier key ${key} (read from the ${source}: check it against the key you were given apart, or pass --key)`;
}

function formatBundle(dir: string, v: BundleVerdict): string {
  const lines = [`Bundle ${dir}${v.origin ? `, origin ${v.origin}` : ''}`, keyLine(v.verifierKey, v.keySource)];
  for (const p of v.partitions) {
    lines.push(
      `  ${p.partition.padEnd(18)} ${String(p.records).padStart(9)} records  sealed ${String(p.sealedSize).padStart(9)} by ${p.checkpointsVerified} checkpoints  unsealed ${p.unsealed}`,
    );
  }
  lines.push(
    `Records ${v.records}, checkpoints ${v.checkpoints} (${v.checkpointsVerified} verified against the records), unsealed records ${v.unsealed}`,
  );
  if (v.ledgerDigest) lines.push(`Ledger digest ${v.ledgerDigest}`);
  if (v.projection) {
    lines.push(
      v.ok
        ? `Projection digest ${v.projection.digest} (as \`ledger replay\` prints it for this ledger)`
        : `Projection digest ${v.projection.digest} (of the valid records read: the bundle failed, so it vouches for nothing)`,
    );
    lines.push(...v.projection.tables.map(formatTableDigest));
  }
  const first = v.findings[0];
  if (!first) {
    lines.push(
      v.unsealed > 0
        ? `VERIFIED: every record and checkpoint checks out; ${v.unsealed} records after the last checkpoints are unsealed (not yet covered by a signature).`
        : 'VERIFIED: every record and checkpoint checks out.',
    );
  } else {
    lines.push(`FAILED: ${v.findings.length} problem${v.findings.length === 1 ? '' : 's'}; the first:`);
    for (const f of v.findings.slice(0, 10)) {
      lines.push(
        `  ${f.file} ${f.partition}${f.offset === null ? '' : ` offset ${f.offset}`}: ${f.reason}: ${f.detail}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatProof(file: string, v: ProofVerdict): string {
  const lines = [`Proof ${file}${v.subject ? ` for subject ${v.subject}` : ''}`, keyLine(v.verifierKey, v.keySource)];
  if (v.ok)
    lines.push(
      `VERIFIED: ${v.facts} facts, ${v.sealed} proven included under a signed checkpoint${v.unsealed > 0 ? `, ${v.unsealed} unsealed (after the last checkpoint: no proof yet)` : ''}.`,
    );
  else lines.push(`FAILED: ${v.problem}`);
  return `${lines.join('\n')}\n`;
}

process.exitCode = await main(process.argv.slice(2));
