import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { advance, initialCursor, readFrom, unseen } from './event-cursor.js';

const event = (id: string, time: number) => ({ id, time, type: 'UPDATE_CREDENTIAL', userId: 'u', details: {} });
const overlap = 10;

describe('event cursor', () => {
  it('starts at the oldest event the store keeps', () => {
    assert.equal(readFrom(initialCursor, overlap), 0);
  });

  it('re-reads the overlap before the cursor and applies only events not read before', () => {
    const cursor = advance(initialCursor, [event('a', 100), event('b', 105)], overlap);
    assert.deepEqual(cursor, { time: 105, recent: { a: 100, b: 105 } });
    assert.equal(readFrom(cursor, overlap), 95);
    // `c` was saved late: stamped before the cursor, it appears only now. `d` shares b's millisecond.
    const page = [event('a', 100), event('c', 101), event('b', 105), event('d', 105)];
    assert.deepEqual(
      unseen(cursor, page).map((e) => e.id),
      ['c', 'd'],
    );
  });

  it('forgets ids once they are older than the overlap', () => {
    const cursor = advance({ time: 105, recent: { a: 100, b: 105 } }, [event('e', 112)], overlap);
    assert.deepEqual(cursor, { time: 112, recent: { b: 105, e: 112 } });
  });

  it('never moves back when a page holds only older events', () => {
    const cursor = advance({ time: 200, recent: { z: 200 } }, [event('y', 195)], overlap);
    assert.deepEqual(cursor, { time: 200, recent: { z: 200, y: 195 } });
  });
});
