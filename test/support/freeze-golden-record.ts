import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEvent, eventCatalog, isEventType, type EventData, type LedgerEvent } from '#events';
import { encodeEvent } from '#ledger';
import { goldenDirectory, sha256OfGoldenFile } from './golden-records.js';

/**
 * Freezes one golden record: an event of `<Type>` at its current version, as today's writer puts
 * it on Kafka (createEvent + encodeEvent), into libs/events/test/golden/<Type>/v<N>[.<variant>].json,
 * and appends its sha256 to SHA256SUMS. Never overwrites: a frozen record stays as it is.
 *
 *   npm run -s golden:freeze -- <Type> [--variant <name>] [--written-by <commit>] < event.json
 *
 * event.json: { "data": {...}, "source": "...", "correlationId": "...", "causationId": "..." (optional),
 * "time": "<RFC 3339>" }. `--written-by` defaults to the checkout's HEAD: freeze after committing
 * the change that writes the new version.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { variant: { type: 'string' }, 'written-by': { type: 'string' } },
});
const [type] = positionals;
if (type === undefined || !isEventType(type)) {
  process.stderr.write(`usage: freeze-golden-record <Type> [--variant <name>] [--written-by <commit>] < event.json\n`);
  process.exit(2);
}
if (values.variant !== undefined && !/^[a-z0-9-]+$/.test(values.variant)) {
  process.stderr.write(`--variant: lower-case letters, digits and dashes only\n`);
  process.exit(2);
}
const name = `${type}/v${eventCatalog[type].version}${values.variant ? `.${values.variant}` : ''}.json`;
const file = new URL(name, goldenDirectory);
if (existsSync(file)) {
  process.stderr.write(`golden/${name} exists: a frozen record is never replaced (use --variant for another one)\n`);
  process.exit(1);
}
const input = JSON.parse(readFileSync(0, 'utf8')) as {
  data: unknown;
  source: string;
  correlationId: string;
  causationId?: string;
  time: string;
};
const event = createEvent(type, input.data as EventData<typeof type>, {
  source: input.source,
  correlationId: input.correlationId,
  ...(input.causationId ? { causationId: input.causationId } : {}),
  time: new Date(input.time),
}) as LedgerEvent;
const record = encodeEvent(event);
const writtenBy =
  values['written-by'] ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
mkdirSync(new URL(`${type}/`, goldenDirectory), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ writtenBy, key: record.key, headers: record.headers, value: record.value }, null, 2)}\n`,
);
appendFileSync(new URL('SHA256SUMS', goldenDirectory), `${sha256OfGoldenFile(name)}  ${name}\n`);
process.stdout.write(`froze golden/${name} (${event.id})\n`);
