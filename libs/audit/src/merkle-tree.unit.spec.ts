import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { CompactRange } from './compact-range.js';
import { GrowingTree } from './growing-tree.js';
import { emptyRoot, leafHash, nodeHash, toHex, type Hash } from './merkle-hash.js';
import {
  consistencyProof,
  inclusionProof,
  leafHashesTree,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle-tree.js';
import { splitPoint } from './subtree-split.js';

// The RFC 6962 test vectors of certificate-transparency-go (merkle/testdata), also used by
// golang.org/x/mod/sumdb/tlog: eight leaves and the root of each prefix.
const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  h,
);
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leafHashes = leaves.map(leafHash);

/** MTH of RFC 6962 §2.1 written as the recursive definition, to compare the others against. */
function definitionRoot(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return emptyRoot();
  if (hashes.length === 1) return hashes[0] as Hash;
  const k = splitPoint(hashes.length);
  return nodeHash(definitionRoot(hashes.slice(0, k)), definitionRoot(hashes.slice(k)));
}

const someLeaves = (max: number) =>
  fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: max }).map((ls) => ls.map(leafHash));

describe('RFC 6962 Merkle tree', () => {
  it('gives the empty tree the hash of the empty string', () => {
    assert.equal(toHex(treeRoot([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives every prefix of the reference leaves its reference root, at once and leaf by leaf', () => {
    const range = CompactRange.empty();
    leafHashes.forEach((leaf, i) => {
      range.append(leaf);
      assert.equal(toHex(range.root()), roots[i], `size ${i + 1}`);
      assert.equal(toHex(treeRoot(leafHashes.slice(0, i + 1))), roots[i]);
    });
  });

  it('verifies the reference inclusion and consistency proofs and refuses them moved', () => {
    const inclusion = [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h);
    assert.deepEqual(inclusionProof(5, 8, leafHashesTree(leafHashes)).map(toHex), inclusion.map(toHex));
    assert.ok(verifyInclusion(leafHashes[5] as Hash, 5, 8, inclusion, h(roots[7] as string)));
    assert.ok(!verifyInclusion(leafHashes[5] as Hash, 4, 8, inclusion, h(roots[7] as string)));
    assert.ok(verifyInclusion(leafHashes[2] as Hash, 2, 3, [h(roots[1] as string)], h(roots[2] as string)));

    const sixToEight = [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h);
    assert.deepEqual(consistencyProof(6, 8, leafHashesTree(leafHashes)).map(toHex), sixToEight.map(toHex));
    assert.ok(verifyConsistency(6, 8, sixToEight, h(roots[5] as string), h(roots[7] as string)));
    assert.ok(!verifyConsistency(6, 8, sixToEight, h(roots[4] as string), h(roots[7] as string)));
    const twoToFive = [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(h);
    assert.deepEqual(consistencyProof(2, 5, leafHashesTree(leafHashes.slice(0, 5))).map(toHex), twoToFive.map(toHex));
    assert.ok(verifyConsistency(2, 5, twoToFive, h(roots[1] as string), h(roots[4] as string)));
  });

  it('computes the root of the recursive definition for any leaves', () => {
    fc.assert(
      fc.property(someLeaves(70), (hashes) => {
        assert.deepEqual(treeRoot(hashes), definitionRoot(hashes));
      }),
    );
  });

  it('proves every leaf included, and no proof verifies another leaf, index or root', () => {
    fc.assert(
      fc.property(someLeaves(40), fc.nat(), (hashes, pick) => {
        const size = hashes.length;
        const index = pick % size;
        const root = treeRoot(hashes);
        const proof = inclusionProof(index, size, leafHashesTree(hashes));
        const leaf = hashes[index] as Hash;
        assert.ok(verifyInclusion(leaf, index, size, proof, root));
        assert.ok(
          !verifyInclusion(
            leafHash(Uint8Array.of(0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7)),
            index,
            size,
            proof,
            root,
          ),
        );
        if (size > 1)
          assert.ok(
            !verifyInclusion(leaf, (index + 1) % size, size, proof, root) ||
              Buffer.from(hashes[(index + 1) % size] as Hash).equals(leaf),
          );
        assert.ok(!verifyInclusion(leaf, index, size * 2 + 1, proof, root), 'a proof for another tree shape');
        assert.ok(!verifyInclusion(leaf, index, size, [...proof, leaf], root));
        assert.ok(!verifyInclusion(leaf, size, size, proof, root));
      }),
    );
  });

  it('proves every prefix consistent, and refuses a changed prefix, root or size', () => {
    fc.assert(
      fc.property(someLeaves(40), fc.nat(), fc.nat(), (hashes, a, b) => {
        const n = hashes.length;
        const m = (a % n) + 1;
        const tree = leafHashesTree(hashes);
        const proof = consistencyProof(m, n, tree);
        const first = treeRoot(hashes.slice(0, m));
        const second = treeRoot(hashes);
        assert.ok(verifyConsistency(m, n, proof, first, second));
        const changed = [...hashes];
        const at = b % m;
        changed[at] = leafHash(Buffer.concat([Buffer.from('changed'), hashes[at] as Hash]));
        assert.ok(!verifyConsistency(m, n, proof, treeRoot(changed.slice(0, m)), second), 'a changed prefix');
        if (m < n) {
          assert.ok(!verifyConsistency(m, n, proof, first, treeRoot(changed)), 'a changed larger tree');
          assert.ok(!verifyConsistency(m, n, proof.slice(1), first, second), 'a shortened proof');
        }
      }),
    );
  });

  it('proves consistency from a checkpointed prefix without its leaves', () => {
    fc.assert(
      fc.property(someLeaves(60), fc.array(fc.nat(), { maxLength: 6 }), (hashes, cuts) => {
        const sizes = [...new Set(cuts.map((c) => (c % hashes.length) + 1))].sort((x, y) => x - y);
        const tree = GrowingTree.empty();
        let next = 0;
        for (const size of [...sizes, hashes.length]) {
          const m = tree.size;
          const previousRoot = tree.root();
          while (next < size) tree.append(hashes[next++] as Hash);
          const proof = tree.consistencyProofSinceCheckpoint();
          assert.deepEqual(proof, consistencyProof(m, size, leafHashesTree(hashes)));
          assert.ok(verifyConsistency(m, size, proof, previousRoot, tree.root()));
          assert.deepEqual(tree.root(), treeRoot(hashes.slice(0, size)));
          tree.markCheckpointed();
          assert.equal(tree.checkpointedSize, size);
        }
      }),
    );
  });

  it('refuses sizes that are not a prefix', () => {
    assert.throws(() => consistencyProof(5, 4, leafHashesTree(leafHashes)), RangeError);
    assert.throws(() => inclusionProof(8, 8, leafHashesTree(leafHashes)), RangeError);
    assert.ok(!verifyConsistency(5, 4, [], h(roots[4] as string), h(roots[3] as string)));
    assert.ok(verifyConsistency(4, 4, [], h(roots[3] as string), h(roots[3] as string)));
    assert.ok(!verifyConsistency(4, 4, [], h(roots[3] as string), h(roots[4] as string)));
  });
});
