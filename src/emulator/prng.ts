/**
 * Seeded randomness for the sample generator. mulberry32 is tiny, fast and good enough for plausible-looking
 * synthetic series; what matters is that the same seed always gives the same dataset.
 */

/** A deterministic source of uniform numbers in [0, 1). */
export type Prng = () => number;

/** mulberry32: 32-bit state, full period 2^32. */
export function mulberry32(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform source (Box–Muller; one draw per call keeps streams simple). */
export function gaussian(random: Prng): () => number {
  return () => {
    // 1 - u keeps the argument of log strictly positive.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
