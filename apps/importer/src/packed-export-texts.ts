import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The JSON texts of users' exports that the importer keeps in memory for a whole run (each user's
 * latest export, and the one before it: what Cognito changed from), deflated with the first text
 * kept as the dictionary. Every export of a pool shares its keys and much of its values, so a text
 * of about 700 characters (twice that in memory once a name has an accent: V8 then keeps the
 * string two bytes a character) packs into about 200 bytes, for some 10 µs of CPU per user. At
 * 200,000 users that is the difference between a run that fits in 1 GB and one that does not.
 * zlib is Node's own; the texts never leave the process, so the dictionary can be any text.
 */
export class PackedExportTexts {
  private dictionary: Buffer | undefined;

  pack(text: string): Uint8Array {
    this.dictionary ??= Buffer.from(text, 'utf8');
    // 1 KB output chunks: with the default 16 KB, each call left a 16 KB buffer behind for the
    // garbage collector, which ran too seldom to keep a large pool's run under 2 GB. The copy
    // owns a buffer of its own: a slice would keep the chunk, and a Buffer copy a slab of Node's
    // shared pool, alive for as long as the user is in memory.
    return new Uint8Array(deflateRawSync(text, { dictionary: this.dictionary, chunkSize: 1024 }));
  }

  unpack(packed: Uint8Array): string {
    return inflateRawSync(packed, { dictionary: this.dictionary }).toString('utf8');
  }
}
