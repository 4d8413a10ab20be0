import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from '@jest/globals';
import { pino } from 'pino';
import type { LedgerEvent } from '#events';
import { encodeEvent } from '#ledger';
import { BridgeTrafficRecorder } from './bridge-traffic-recorder.js';
import type { FactPublisher } from './password-bridge.js';

/** A ledger that refuses while `down`, and keeps the records it accepted, as bytes. */
class RecordingLedger implements FactPublisher {
  down = false;
  readonly records: string[] = [];
  readonly attempts: string[][] = [];
  async publish(events: readonly LedgerEvent[]): Promise<void> {
    const bytes = events.map((e) => JSON.stringify(encodeEvent(e)));
    this.attempts.push(bytes);
    if (this.down) throw Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' });
    this.records.push(...bytes);
  }
}

const logged = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { lines, logger };
};

const instance = '7b0e9c1a-4d2f-4e8b-9a6c-3f5d1e2b4c70';

describe('BridgeTrafficRecorder', () => {
  it('given a failed publish, then the same facts, byte for byte, go with the next flush', async () => {
    const ledger = new RecordingLedger();
    const { lines, logger } = logged();
    let clock = new Date('2026-03-09T10:59:59.999Z');
    const recorder = new BridgeTrafficRecorder({
      ledger,
      realm: 'r',
      intervalSeconds: 3600,
      logger,
      checkEveryMs: 0,
      now: () => clock,
      instance,
    });
    recorder.record({ kind: 'valid' });
    clock = new Date('2026-03-09T11:00:00.000Z');
    recorder.record({ kind: 'temporarily-unavailable', cause: 'throttled' });
    ledger.down = true;
    await recorder.flush();
    assert.equal(ledger.records.length, 0);
    assert.equal(lines.filter((l) => l.msg === 'bridge traffic facts not published; retrying').length, 1);
    ledger.down = false;
    await recorder.flush();
    assert.equal(ledger.records.length, 1);
    assert.deepEqual(ledger.attempts[1], ledger.attempts[0], 'the retry sends the bytes of the first attempt');
    await recorder.flush();
    assert.equal(ledger.records.length, 1, 'a flush with nothing ended records nothing');
  });

  it('given a shutdown it cannot publish, then it logs what is lost, counts only, and counts nothing after', async () => {
    const ledger = new RecordingLedger();
    const { lines, logger } = logged();
    const clock = new Date('2026-03-09T11:30:00.000Z');
    const recorder = new BridgeTrafficRecorder({
      ledger,
      realm: 'r',
      intervalSeconds: 3600,
      logger,
      checkEveryMs: 0,
      now: () => clock,
      instance,
    });
    recorder.record({ kind: 'wrong-password' });
    ledger.down = true;
    await recorder.close();
    const lost = lines.find((l) => l.msg === 'bridge traffic facts not recorded') as {
      facts: { interval: unknown; outcomes: Record<string, number> }[];
    };
    assert.deepEqual(lost.facts[0]!.interval, { start: '2026-03-09T11:00:00.000Z', end: '2026-03-09T11:30:00.000Z' });
    assert.equal(lost.facts[0]!.outcomes['wrong-password'], 1);
    ledger.down = false;
    recorder.record({ kind: 'valid' });
    await recorder.flush();
    assert.equal(ledger.records.length, 0);
  });

  it('records ended intervals on its own', async () => {
    const ledger = new RecordingLedger();
    const recorder = new BridgeTrafficRecorder({
      ledger,
      realm: 'r',
      intervalSeconds: 1,
      logger: pino({ level: 'silent' }),
      checkEveryMs: 20,
    });
    recorder.record({ kind: 'valid' });
    const deadline = Date.now() + 5000;
    while (ledger.records.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await recorder.close();
    assert.equal(ledger.records.length, 1);
    const value = (JSON.parse(ledger.records[0]!) as { value: string }).value;
    assert.equal((JSON.parse(value) as { complete: boolean }).complete, true);
  });
});
