// Bundles the auditor's verifier into one file that imports only Node's builtins (docs/audit.md).
// Runs after tsc in `npm run build`, from the compiled entry so that `#audit-bundle` resolves to dist.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const outfile = 'dist/audit-verifier/verify-bundle.mjs';
await build({
  entryPoints: ['dist/tools/audit-verifier/verify-bundle.js'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'inline',
  banner: { js: "// The ledger auditor's verifier: node verify-bundle.mjs [DIR] | verify-proof FILE (docs/audit.md)." },
  logLevel: 'warning',
});
// The whole point of the file: nothing but node: builtins may remain an import.
const text = await readFile(outfile, 'utf8');
const imports = [
  ...text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']|\brequire\s*\(\s*["']([^"']+)["']/g),
].map((m) => m[1] ?? m[2] ?? m[3]);
const foreign = imports.filter((name) => !name.startsWith('node:'));
if (foreign.length > 0)
  throw new Error(`${outfile} imports ${[...new Set(foreign)].join(', ')}: only node: builtins are allowed`);
