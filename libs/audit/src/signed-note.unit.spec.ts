import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from '@jest/globals';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { MalformedCheckpointError } from './malformed-checkpoint-error.js';
import { MalformedNoteError } from './malformed-note-error.js';
import { treeRoot } from './merkle-tree.js';
import { NoteSignerKey, NoteVerifierKey } from './note-keys.js';
import { NoteSignatureError } from './note-signature-error.js';
import { openNote, parseNote, signNote } from './signed-note.js';

// The fixed key and note of golang.org/x/mod/sumdb/note's note_test.go (TestNewVerifier, TestSign).
const goVerifierKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const goSignerKey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const goNote = `${goText}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('C2SP signed note (Ed25519)', () => {
  it('reads Go’s keys and signs its note byte for byte', () => {
    const signer = NoteSignerKey.parse(goSignerKey);
    assert.equal(signer.verifier.toString(), goVerifierKey);
    assert.equal(signer.verifier.keyIdHex, 'c74f20a3');
    assert.equal(signer.exportSecret(), goSignerKey);
    assert.equal(NoteVerifierKey.parse(goVerifierKey).toString(), goVerifierKey);
    assert.equal(signNote(goText, signer), goNote);
    assert.equal(openNote(goNote, NoteVerifierKey.parse(goVerifierKey)).text, goText);
  });

  it('refuses a changed text, another key and a missing signature', () => {
    const verifier = NoteVerifierKey.parse(goVerifierKey);
    assert.throws(
      () => openNote(goNote.replace('cryptography', 'cryptographY'), verifier),
      (e) => e instanceof NoteSignatureError && e.reason === 'bad-signature',
    );
    const other = NoteSignerKey.generate('PeterNeumann');
    assert.throws(
      () => openNote(signNote(goText, other), verifier),
      (e) => e instanceof NoteSignatureError && e.reason === 'unsigned',
    );
    assert.throws(() => openNote(goText, verifier), MalformedNoteError);
  });

  it('keeps other signers’ lines and round-trips a generated key', () => {
    const key = NoteSignerKey.generate('example.com/ledger');
    const again = NoteSignerKey.parse(key.exportSecret());
    assert.equal(again.verifier.toString(), key.verifier.toString());
    const note = signNote(goText, key);
    const cosigned =
      note +
      '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
    const opened = openNote(cosigned, NoteVerifierKey.parse(again.verifier.toString()));
    assert.equal(opened.signatures.length, 2);
    assert.equal(parseNote(cosigned).text, goText);
  });

  it('never prints the secret key', () => {
    const key = NoteSignerKey.parse(goSignerKey);
    const seed = 'AYEKFALVFGyNhPJEMzD1QIDr';
    for (const shown of [String(key), JSON.stringify({ key }), inspect(key), inspect({ key }, { depth: 5 })]) {
      assert.ok(!shown.includes(seed), shown);
    }
    assert.throws(
      () => NoteSignerKey.parse(goSignerKey.replace('c74f20a3', 'c74f20a4')),
      (e) => e instanceof MalformedNoteError && !e.message.includes(seed),
    );
  });

  it('refuses malformed keys', () => {
    for (const bad of [
      'PeterNeumann+c74f20a3',
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ]) {
      assert.throws(() => NoteVerifierKey.parse(bad), MalformedNoteError, bad);
    }
  });
});

describe('C2SP tlog-checkpoint', () => {
  const rootHash = Buffer.from(treeRoot([]));

  it('formats and parses origin, size, root and extensions', () => {
    const checkpoint = {
      origin: 'example.com/ledger/migration.user-events/0',
      size: 42,
      rootHash,
      extensions: ['x y'],
    };
    const text = formatCheckpoint(checkpoint);
    assert.equal(text, `example.com/ledger/migration.user-events/0\n42\n${rootHash.toString('base64')}\nx y\n`);
    assert.deepEqual(
      { ...parseCheckpoint(text), rootHash: Buffer.from(parseCheckpoint(text).rootHash) },
      { ...checkpoint, rootHash: Buffer.from(rootHash) },
    );
  });

  it('refuses a checkpoint that is not canonical', () => {
    const root = rootHash.toString('base64');
    for (const bad of [
      `o\n42\n${root}`,
      `o\n042\n${root}\n`,
      `o\n-1\n${root}\n`,
      `\n1\n${root}\n`,
      `o\n1\n${root.slice(4)}\n`,
      'o\n1\n',
      `o\n1\n${root}\n\n`,
    ]) {
      assert.throws(() => parseCheckpoint(bad), MalformedCheckpointError, JSON.stringify(bad));
    }
  });
});
