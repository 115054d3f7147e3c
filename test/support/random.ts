/**
 * A small seeded generator (mulberry32): the same seed gives the same numbers, so choices made at random can be
 * made again.
 */
export class SeededRandom {
  /** The seed given, modulo 2^32. */
  readonly seed: number;
  private state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** Starts the sequence over from the seed. */
  restart(): void {
    this.state = this.seed;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with the probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of `items` (undefined when there are none). */
  pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.next() * items.length)];
  }
}
