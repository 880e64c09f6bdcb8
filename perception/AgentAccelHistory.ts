/**
 * What perception remembers of the other agents' speeds between ticks, for the crossing forecast:
 * each agent's sustained acceleration (`accelOf`), measured from its speeds over the last
 * `ACCEL_WINDOW_S`, and the forecast distance an agent covers at that acceleration
 * (`alongAtDecayingAccel`). Rebuilt from the snapshots alone: a run replays bit for bit from its
 * logged snapshots.
 */
import type { WorldSnapshot } from '../core/index.ts';

/** Speeds kept per agent, s (the window the acceleration is read over). */
export const ACCEL_WINDOW_S = 1.0;
/**
 * An acceleration is read only over at least this long, s: a 0.1 s difference of logged speeds is
 * mostly noise (a creeping car's 0.05 m/s wobble reads 0.5 m/s²).
 */
export const ACCEL_MIN_SPAN_S = 0.5;
/**
 * Below this sustained acceleration an agent is forecast at constant speed, m/s² (a car holding
 * its speed, or creeping at its line, reads a few tenths either way).
 */
export const ACCEL_MIN_MPS2 = 0.3;
/** Forecast accelerations are bounded by this, m/s² (a passenger car's firm pull-away). */
export const ACCEL_MAX_MPS2 = 3.0;
/**
 * The forecast's acceleration halves every this long, s (Autoware `map_based_prediction`'s decaying
 * acceleration model, `acceleration_exponential_half_life` 2.5 s): a driver pulling away settles at
 * a speed, not at ever faster.
 */
export const ACCEL_HALF_LIFE_S = 2.5;
/** A clock that goes back by more than this starts the history afresh, s. */
const CLOCK_BACK_S = 1e-6;

interface Track {
  /** Sample times and speeds, oldest first, over the last ACCEL_WINDOW_S. */
  tS: number[];
  v: number[];
  lastSeenS: number;
}

export class AgentAccelHistory {
  private readonly tracks = new Map<string, Track>();
  private lastS = Number.NEGATIVE_INFINITY;
  private readonly accel = new Map<string, number>();

  /**
   * Adds `snap`'s speeds (a snapshot at the time of the last adds none; one older than it starts
   * the history afresh) and returns each agent's sustained acceleration, m/s²: the smaller of its
   * speed slopes over the two halves of the window (both the same sign, or 0; an agent of unknown
   * speed, or seen for less than ACCEL_MIN_SPAN_S, has none). Reused map: valid until the next step.
   */
  step(snap: WorldSnapshot): ReadonlyMap<string, number> {
    if (snap.tS < this.lastS - CLOCK_BACK_S) this.tracks.clear();
    const fresh = snap.tS > this.lastS + CLOCK_BACK_S;
    if (fresh) {
      this.lastS = snap.tS;
      for (const a of snap.agents) {
        if (a.speedKnown === false) {
          this.tracks.delete(a.id);
          continue;
        }
        let tr = this.tracks.get(a.id);
        if (!tr) {
          tr = { tS: [], v: [], lastSeenS: snap.tS };
          this.tracks.set(a.id, tr);
        }
        tr.tS.push(snap.tS);
        tr.v.push(a.speedMps);
        tr.lastSeenS = snap.tS;
        while (tr.tS.length > 2 && snap.tS - tr.tS[1]! >= ACCEL_WINDOW_S - 1e-9) {
          tr.tS.shift();
          tr.v.shift();
        }
      }
      for (const [id, tr] of this.tracks) if (tr.lastSeenS < snap.tS) this.tracks.delete(id);
    }
    this.accel.clear();
    for (const [id, tr] of this.tracks) {
      const n = tr.tS.length;
      const span = tr.tS[n - 1]! - tr.tS[0]!;
      if (n < 3 || span < ACCEL_MIN_SPAN_S - 1e-9) continue;
      // the sample nearest the window's middle splits it in two halves
      const mid = tr.tS[0]! + span / 2;
      let m = 1;
      for (let k = 1; k < n - 1; k++) if (Math.abs(tr.tS[k]! - mid) < Math.abs(tr.tS[m]! - mid)) m = k;
      const a1 = (tr.v[m]! - tr.v[0]!) / (tr.tS[m]! - tr.tS[0]!);
      const a2 = (tr.v[n - 1]! - tr.v[m]!) / (tr.tS[n - 1]! - tr.tS[m]!);
      const sustained = a1 > 0 && a2 > 0 ? Math.min(a1, a2) : a1 < 0 && a2 < 0 ? Math.max(a1, a2) : 0;
      this.accel.set(id, sustained);
    }
    return this.accel;
  }
}

/**
 * Distance along its path an agent covers in `tS` s from speed `v0Mps` with acceleration `a0Mps2`
 * decaying with half-life ACCEL_HALF_LIFE_S (Autoware's model: a(t) = a0·e^(−λt), λ = ln 2 / half-life),
 * its speed capped at `capMps` (≥ v0; the lane's speed: a car pulling away settles there), m.
 * `a0Mps2` ≤ 0: constant speed (a car braking is forecast as if it did not: whether it stops short
 * of our path is the planner's reading of its braking, not a forecast that drops it).
 */
export function alongAtDecayingAccel(v0Mps: number, a0Mps2: number, capMps: number, tS: number): number {
  if (!(a0Mps2 > 0) || capMps <= v0Mps) return v0Mps * tS;
  const lambda = Math.LN2 / ACCEL_HALF_LIFE_S;
  const k = a0Mps2 / lambda;
  const free = (t: number): number => (v0Mps + k) * t + (k / lambda) * Math.expm1(-lambda * t);
  // the time the speed reaches the cap (never when v0 + a0/λ stays under it)
  const u = 1 - ((capMps - v0Mps) * lambda) / a0Mps2;
  if (u <= 0) return free(tS);
  const tCap = -Math.log(u) / lambda;
  return tS <= tCap ? free(tS) : free(tCap) + capMps * (tS - tCap);
}
