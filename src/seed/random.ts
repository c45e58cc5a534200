/**
 * A small deterministic PRNG for the demo seed: the same `--seed` always produces the same data.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes
 * PractRand), seeded through a 32-bit string hash so that streams can be derived by label
 * (`fork('dossiers')`) without consuming the parent's state: adding a draw in one part of the
 * seed never shifts the random numbers of another part.
 */

/** FNV-1a-then-murmur-finalised 32-bit hash of a string (seeding, stable ids; not cryptographic). */
export function hash32(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `key` identifies the stream: the seed plus, for forks, the chain of labels. */
  constructor(private readonly key: string) {
    this.a = hash32(key, 0x9e3779b9);
    this.b = hash32(key, 0x243f6a88);
    this.c = hash32(key, 0xb7e15162);
    this.d = 1;
    // Discard the first outputs so that close keys diverge fully.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** An independent stream derived from this one's key and a label (does not advance this one). */
  fork(label: string): Rng {
    return new Rng(`${this.key}/${label}`);
  }

  nextUint32(): number {
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** One item, chosen with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('weighted() needs a positive total weight');
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** Approximately normal (Irwin–Hall of 4), mean and standard deviation as given. */
  normal(mean: number, sd: number): number {
    const s = this.next() + this.next() + this.next() + this.next();
    return mean + (s - 2) * sd * 1.7320508075688772;
  }

  /** `length` characters of [A-Za-z0-9_-] (a lookup secret, an id). */
  token(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += TOKEN_ALPHABET[this.nextUint32() & 63];
    return out;
  }

  /** `length` decimal digits (leading zeros allowed). */
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(Math.floor(this.next() * 10));
    return out;
  }
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The root stream of a seed. */
export function createRng(seed: number | string): Rng {
  return new Rng(`service-index-seed:${seed}`);
}

/**
 * Picks among many items by weight in O(log n) per draw (cumulative weights, binary search);
 * for the hot loop where `Rng.weighted` would be linear.
 */
export class WeightedPicker<T> {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length !== weights.length) throw new RangeError('items and weights differ in length');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      const w = weights[i];
      if (!(w >= 0)) throw new RangeError(`weight ${i} must be ≥ 0 (got ${w})`);
      sum += w;
      this.cumulative[i] = sum;
    }
    if (!(sum > 0)) throw new RangeError('WeightedPicker needs a positive total weight');
    this.total = sum;
  }

  pick(rng: Rng): T {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
