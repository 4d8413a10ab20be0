import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { eventId } from './event-id.js';

describe('eventId', () => {
  it('is the RFC 9562 v5 UUID of "<type>\\n<subject>\\n<fact key>" in the ledger namespace, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary' }),
        (type, subject, fact) => {
          const name = `${type}\n${subject}\n${fact}`;
          if (!name.isWellFormed()) {
            assert.throws(() => eventId(type, subject, fact), URIError);
            return;
          }
          assert.equal(eventId(type, subject, fact), uuidv5(name, '6f6a2b0e-3c1d-5b7a-9e42-c0a1f1e2d3b4'));
        },
      ),
    );
  });

  it('is the same v5 UUID for names of any length, one after another', () => {
    // Around the room reused for a name (1024 UTF-8 bytes), in one- to four-byte characters.
    for (const unit of ['a', 'é', '€', '𝄞']) {
      for (const length of [0, 1, 300, 341, 342, 1000, 5000]) {
        const fact = unit.repeat(length);
        assert.equal(eventId('T', 's', fact), uuidv5(`T\ns\n${fact}`, '6f6a2b0e-3c1d-5b7a-9e42-c0a1f1e2d3b4'));
      }
    }
  });
});
