/**
 * The clock is injected, never read from globals inside step functions (STYLE habit 6).
 * `SimClock` advances in fixed steps; `WallClock` reads monotonic time for live bridges.
 */
export interface Clock {
  /** Current time, s. */
  nowS(): number;
}

export class SimClock implements Clock {
  private tS: number;
  constructor(
    startS = 0,
    readonly dtS = 0.1,
  ) {
    this.tS = startS;
  }
  nowS(): number {
    return this.tS;
  }
  /** Advances one step; returns the new time (s), rounded to 1 µs so replays stay bit-identical. */
  tick(): number {
    this.tS = Math.round((this.tS + this.dtS) * 1e6) / 1e6;
    return this.tS;
  }
}

export class WallClock implements Clock {
  private readonly t0 = process.hrtime.bigint();
  nowS(): number {
    return Number(process.hrtime.bigint() - this.t0) / 1e9;
  }
}

/** Mulberry32: a small, fast, seeded PRNG; the only source of randomness in the stack. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
