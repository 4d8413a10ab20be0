/**
 * A seeded pseudo-random stream (mulberry32) for synthetic fixtures.
 *
 * Why not `Math.random`: it cannot be seeded, so a pool could not be regenerated, compared across
 * runs or reproduced from a failing test's seed. Why by hand rather than a library (e.g. pure-rand):
 * the exact sequence is part of the fixture contract — seed 1 must give the same users on every
 * machine and after every dependency upgrade — and mulberry32 is six lines whose output never
 * changes. It is not cryptographic and must not be used for secrets.
 */
export class SyntheticRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  /** 16 bytes, e.g. for a version-4 UUID. */
  bytes16(): Uint8Array {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 16; i += 4) view.setUint32(i, this.uint32());
    return bytes;
  }
}
