import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { CheckpointHeads, type SignedHead } from './checkpoint-heads.js';
import { leafHash, type Hash } from './merkle-hash.js';
import { treeRoot } from './merkle-tree.js';
import { PartitionSealAudit } from './partition-seal-audit.js';

const leaves: Hash[] = Array.from({ length: 10 }, (_, i) => leafHash(Buffer.from(`record ${i}`)));
const origin = 'ledger.example/user-events/0';

function head(size: number, offset: string, of: readonly Hash[] = leaves): SignedHead {
  return { offset, checkpoint: { origin, size, rootHash: treeRoot(of.slice(0, size)), extensions: [] } };
}

function audited(heads: readonly SignedHead[], records: readonly Hash[] = leaves): PartitionSealAudit {
  const seal = new PartitionSealAudit(heads);
  for (const leaf of records) seal.append(leaf);
  return seal;
}

describe('PartitionSealAudit', () => {
  it('verifies each checkpoint whose root the records give, consistent with the one before', () => {
    const seal = audited([head(3, '0'), head(7, '1'), head(10, '2')]);
    assert.equal(seal.fault(), undefined);
    assert.equal(seal.verified, 3);
    assert.equal(seal.sealedSize, 10);
    assert.deepEqual(seal.root, treeRoot(leaves));
  });

  it('counts the records after the last checkpoint as unsealed', () => {
    const seal = audited([head(4, '0')]);
    assert.equal(seal.size - seal.sealedSize, 6);
  });

  it('names the range whose root does not match when a record in it was changed', () => {
    const changed = leaves.map((leaf, i) => (i === 5 ? leafHash(Buffer.from('changed')) : leaf));
    const seal = audited([head(3, '0'), head(7, '1'), head(10, '2')], changed);
    const fault = seal.fault();
    assert.equal(fault?.kind, 'root-mismatch');
    assert.equal(fault.from, 3);
    assert.equal(fault.head.checkpoint.size, 7);
    assert.match(fault.detail, /offsets 3–6 do not give the root of checkpoint .* size 7/);
    assert.equal(seal.verified, 1);
    assert.equal(seal.sealedSize, 3);
  });

  it('blames the checkpoint, not the records, when a later checkpoint fits the records', () => {
    const other = leaves.map((leaf, i) => (i === 1 ? leafHash(Buffer.from('another history')) : leaf));
    const seal = audited([head(3, '0', other), head(7, '1')]);
    const fault = seal.fault();
    assert.equal(fault?.kind, 'other-history');
    assert.equal(fault.head.offset, '0');
    assert.match(fault.detail, /later checkpoint of size 7 .*another history/);
  });

  it('says records are missing when a checkpoint covers more than the partition holds', () => {
    const seal = audited([head(3, '0'), head(10, '1')], leaves.slice(0, 8));
    const fault = seal.fault();
    assert.equal(fault?.kind, 'records-missing');
    assert.equal(fault.from, 8);
    assert.match(fault.detail, /covers 10 records but the partition ends at offset 8/);
  });
});

describe('CheckpointHeads', () => {
  it('keeps growing checkpoints, counts a repeat, refuses one going back or with another root', () => {
    const heads = new CheckpointHeads();
    assert.deepEqual(heads.admit('p', head(3, '0')), { kind: 'kept' });
    assert.deepEqual(heads.admit('p', head(7, '1')), { kind: 'kept' });
    assert.deepEqual(heads.admit('p', head(7, '2')), { kind: 'repeat' });
    const back = heads.admit('p', head(5, '3'));
    assert.equal(back.kind, 'inconsistent');
    assert.match(back.kind === 'inconsistent' ? back.detail : '', /size 5 goes back from size 7 \(offset 1\)/);
    const other = heads.admit('p', head(7, '4', leaves.toReversed()));
    assert.match(other.kind === 'inconsistent' ? other.detail : '', /size 7 has another root .* at offset 1/);
    assert.deepEqual(
      heads.of('p').map((h) => h.offset),
      ['0', '1'],
    );
    assert.deepEqual(heads.of('q'), []);
  });
});
