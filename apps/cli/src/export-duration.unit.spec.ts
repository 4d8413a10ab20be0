import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from './export-command.js';

describe('export --every DURATION', () => {
  it('reads seconds, minutes, hours, milliseconds and their combinations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
  });

  it('refuses anything else, naming the option and the value', () => {
    for (const bad of ['15', 'm', '10 m', '1d', '0s', '-5s', '15mins'])
      assert.throws(
        () => parseDuration(bad),
        (e: unknown) => e instanceof InvalidArgumentError && /--every: "/.test((e as Error).message),
        bad,
      );
  });
});
