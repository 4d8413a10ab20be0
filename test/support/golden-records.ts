import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The frozen records of every event type at every version the ledger ever wrote:
 * `golden/<Type>/v<N>[.<variant>].json`, each one record as its writer put it on Kafka (key,
 * headers, value), listed with its sha256 in `golden/SHA256SUMS`. Append-only: see
 * golden/README.md. Located from this module's compiled place, dist/test/support/.
 */
export const goldenDirectory = new URL('../../../libs/events/test/golden/', import.meta.url);

export interface GoldenRecord {
  /** `<Type>/v<N>[.<variant>].json` */
  readonly name: string;
  readonly type: string;
  /** The version the record was written at, from its name (the test checks it against the headers). */
  readonly version: number;
  /** The commit whose writer (createEvent + encodeEvent) wrote these bytes. */
  readonly writtenBy: string;
  readonly key: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer;
}

interface GoldenFile {
  readonly writtenBy: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: string;
}

const fileName = /^v([1-9][0-9]*)(?:\.[a-z0-9-]+(?:\.[a-z0-9-]+)*)?\.json$/;

/** Every fixture, in the order the ledger got them (`ce_time`, then name): a ledger of its own. */
export function goldenRecords(): GoldenRecord[] {
  const records: GoldenRecord[] = [];
  for (const type of readdirSync(goldenDirectory, { withFileTypes: true })) {
    if (!type.isDirectory()) continue;
    for (const file of readdirSync(new URL(`${type.name}/`, goldenDirectory))) {
      const name = `${type.name}/${file}`;
      const version = fileName.exec(file)?.[1];
      if (version === undefined) throw new Error(`golden/${name}: not named v<N>[.<variant>].json`);
      const stored = JSON.parse(readFileSync(new URL(name, goldenDirectory), 'utf8')) as GoldenFile;
      records.push({
        name,
        type: type.name,
        version: Number(version),
        writtenBy: stored.writtenBy,
        key: Buffer.from(stored.key, 'utf8'),
        headers: stored.headers,
        value: Buffer.from(stored.value, 'utf8'),
      });
    }
  }
  const timeOf = (r: GoldenRecord) => r.headers['ce_time'] ?? '';
  return records.sort((a, b) => timeOf(a).localeCompare(timeOf(b)) || a.name.localeCompare(b.name));
}

/** `SHA256SUMS`: fixture name -> the sha256 of its file as frozen (`sha256sum -c SHA256SUMS` checks it too). */
export function goldenChecksums(): Map<string, string> {
  const lines = readFileSync(new URL('SHA256SUMS', goldenDirectory), 'utf8').split('\n').filter(Boolean);
  return new Map(
    lines.map((line) => {
      const [digest, name] = line.split(/ {2}/);
      return [name!, digest!];
    }),
  );
}

export function sha256OfGoldenFile(name: string): string {
  return createHash('sha256')
    .update(readFileSync(new URL(name, goldenDirectory)))
    .digest('hex');
}
