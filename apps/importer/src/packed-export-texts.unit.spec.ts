import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { PackedExportTexts } from './packed-export-texts.js';

describe('PackedExportTexts', () => {
  it('gives back every text as it was, whatever the first text (the dictionary) was', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.string({ unit: 'grapheme' })), (first, rest) => {
        const texts = new PackedExportTexts();
        const packed = [first, ...rest].map((text) => texts.pack(text));
        assert.deepEqual(
          packed.map((p) => texts.unpack(p)),
          [first, ...rest],
        );
      }),
    );
  });

  it('packs an export like the pool’s others into a fraction of its UTF-8 size', () => {
    const exportOf = (n: number, name: string) =>
      JSON.stringify({
        poolId: 'us-east-1_Example',
        sub: `ce18fa27-a62f-40e5-a3be-c1e8a2d40${String(n).padStart(3, '0')}`,
        username: `${name.toLowerCase()}.${n}`,
        status: 'CONFIRMED',
        enabled: true,
        attributes: { email: `${name.toLowerCase()}.${n}@corp.example`, email_verified: 'true', given_name: name },
        groups: ['project-060'],
        mfa: { sms: true, totp: false, preferred: 'SMS_MFA' },
      });
    const texts = new PackedExportTexts();
    texts.pack(exportOf(0, 'André'));
    const text = exportOf(417, 'Zoë');
    const packed = texts.pack(text);
    assert.ok(packed.length * 3 < Buffer.byteLength(text), `${packed.length} bytes of ${Buffer.byteLength(text)}`);
  });
});
