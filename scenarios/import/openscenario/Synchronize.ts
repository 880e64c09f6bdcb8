/**
 * OpenSCENARIO SynchronizeAction as esmini steps it (SynchronizeAction::Step, learnt from its
 * source, no code taken): each step the distances of the entity and of the master to their target
 * positions (along the road network) decide whether the action is done (within the target
 * tolerance, either distance growing again, or the master arriving within the step); otherwise the
 * entity's speed changes so that it reaches its target when the master reaches its own:
 * - with a final speed: one constant acceleration when the speed already lies on the straight
 *   profile to the final speed ("linear"), else two phases (accelerate then decelerate, "convex",
 *   or the reverse, "concave") switching to linear at the profile's apex; a profile needing a
 *   negative speed decelerates to a stop (hard, −8 m/s², when more than half the distance would be
 *   used), waits, and restarts linearly; an optional steady state keeps the final speed for the
 *   last distance or time;
 * - without a final speed: the constant acceleration that covers the distance in the master's time.
 * A pure step function: the caller measures the distances and applies the returned speed.
 */

/** esmini's SMALL_NUMBER / LARGE_NUMBER (CommonMini.hpp) and MAX_DECELERATION (OSCPrivateAction.cpp). */
const SMALL = 1e-6;
const LARGE = 1e10;
const MAX_DECELERATION_MPS2 = -8;

export type SyncMode =
  | 'none'
  | 'nonLinear'
  | 'linear'
  | 'stopped'
  | 'stopImmediately'
  | 'waiting'
  | 'steadyState';

export interface SyncState {
  mode: SyncMode;
  submode: 'none' | 'convex' | 'concave';
  lastDistM: number;
  lastMasterDistM: number;
}

export interface SyncParams {
  /** targetTolerance / targetToleranceMaster, m (esmini's default 0). */
  toleranceM: number;
  toleranceMasterM: number;
  /** Steady-state distance before the target, m (a time is converted with the final speed at start). */
  steadyStateDistM?: number;
}

export interface SyncInput {
  /** Distance to the entity's / the master's target, m (≥ 0). */
  distM: number;
  masterDistM: number;
  /** Master speed along the road towards its target (negative: moving away), m/s. */
  masterSpeedMps: number;
  /** Entity speed, and its component along the road, m/s. */
  speedMps: number;
  speedAlongRoadMps: number;
  /** FinalSpeed (absolute, or resolved against the master), m/s; undefined without one. */
  finalSpeedMps?: number;
}

export function initialSyncState(): SyncState {
  return { mode: 'none', submode: 'none', lastDistM: LARGE, lastMasterDistM: LARGE };
}

/** One step: the new speed (m/s), whether the action ends in this step, and the new state. */
export function synchronizeStep(
  s0: SyncState,
  inp: SyncInput,
  p: SyncParams,
  dtS: number,
): { speedMps: number; done: boolean; state: SyncState } {
  const st = { ...s0 };
  let done = false;
  let dist = inp.distM;
  let masterDist = inp.masterDistM;
  if (dist < p.toleranceM + SMALL) done = true;
  else if (masterDist < p.toleranceMasterM + SMALL) done = true;
  else if (dist > st.lastDistM) done = true;
  else if (masterDist > st.lastMasterDistM) done = true;
  st.lastDistM = dist;
  st.lastMasterDistM = masterDist;
  // The calculations aim at the edge of the tolerance area.
  dist = Math.max(dist - p.toleranceM, SMALL);
  masterDist = Math.max(masterDist - p.toleranceMasterM, SMALL);

  let speed = inp.speedMps;
  let masterTime = LARGE;
  if (inp.masterSpeedMps > SMALL) {
    masterTime = masterDist / inp.masterSpeedMps;
    if (masterTime < dtS) done = true;
  } else if (st.mode !== 'waiting') {
    // The master stands still: so does the entity.
    st.mode = 'waiting';
    speed = 0;
  }
  if (done) return { speedMps: inp.finalSpeedMps ?? speed, done: true, state: st };

  const averageSpeed = dist / masterTime;
  let acc = 0;
  const v1 = inp.finalSpeedMps;
  if (v1 !== undefined) {
    if (p.steadyStateDistM !== undefined && st.mode !== 'steadyState') {
      const timeToSs = p.steadyStateDistM / v1;
      if (dist - p.steadyStateDistM < SMALL || masterTime - timeToSs < SMALL) {
        st.mode = 'steadyState';
        st.submode = 'none';
      } else {
        dist -= p.steadyStateDistM;
        masterTime -= timeToSs;
      }
    }
    if (st.mode === 'steadyState') return { speedMps: v1, done: false, state: st };
    if (st.mode === 'waiting') {
      if (masterTime >= LARGE) return { speedMps: speed, done: false, state: st };
      st.mode = 'none';
    }
    if (st.mode === 'stopImmediately') {
      speed += MAX_DECELERATION_MPS2 * dtS;
      if (speed < 0) {
        speed = 0;
        st.mode = 'waiting';
      }
      return { speedMps: speed, done: false, state: st };
    }
    if (st.mode === 'stopped') {
      if (masterTime < (2 * dist) / v1) st.mode = 'linear';
      else return { speedMps: 0, done: false, state: st };
    }
    if (st.mode === 'linear') {
      if (masterTime > LARGE - 1) return { speedMps: 0, done: false, state: st };
      return {
        speedMps: Math.max(0, linearStartSpeed(Math.max(0, v1), masterTime, dist)),
        done: false,
        state: st,
      };
    }
    if (st.mode === 'nonLinear' && masterTime < LARGE) {
      // Already on the straight profile to the final speed: go linear, keeping this step's speed.
      const onLine = (2 * dist) / masterTime - v1;
      if (Math.abs(speed - onLine) < 0.1) {
        st.mode = 'linear';
        return { speedMps: speed, done: false, state: st };
      }
    }
    if (st.mode === 'none') {
      st.mode = 'nonLinear';
      st.submode = (v1 + speed) / 2 < dist / masterTime ? 'convex' : 'concave';
    }
    const sD = dist;
    const t = masterTime;
    const v0 = inp.speedAlongRoadMps;
    let vx = 0;
    if (Math.abs(v1 - v0) < SMALL) {
      vx = (sD - (t / 2) * v0) / (t / 2);
      acc = (vx - v0) / (t / 2);
    } else {
      const root = Math.SQRT2 * Math.sqrt(2 * sD * sD - 2 * (v1 + v0) * t * sD + (v1 * v1 + v0 * v0) * t * t);
      const x1 = -(root + 2 * sD - 2 * v1 * t) / (2 * (v1 - v0));
      const x2 = -(-root + 2 * sD - 2 * v1 * t) / (2 * (v1 - v0));
      if (x1 > 0 && x1 < t) {
        vx = (2 * sD - root) / (2 * t);
        acc = (vx - v0) / x1;
      } else if (x2 > 0 && x2 < t) {
        vx = (2 * sD + root) / (2 * t);
        acc = (vx - v0) / x2;
      } else acc = 0;
    }
    if (
      st.mode === 'nonLinear' &&
      ((st.submode === 'concave' && acc > 0) || (st.submode === 'convex' && acc < 0))
    ) {
      // The apex of the profile: linear from the next step, this step keeps its speed.
      st.mode = 'linear';
      acc = 0;
    }
    if (st.mode === 'nonLinear' && vx < 0) {
      // A profile through a negative speed: decelerate to a stop first.
      const t1 = (2 * v0 * sD) / (v0 * v0 + v1 * v1);
      acc = Math.abs(t1) > SMALL ? -v0 / t1 : 0;
      if ((t1 * v0) / 2 > sD / 2) {
        acc = MAX_DECELERATION_MPS2;
        st.mode = 'stopImmediately';
      }
      if (v0 + acc * dtS < 0) {
        st.mode = 'stopped';
        return { speedMps: 0, done: false, state: st };
      }
    }
  } else if (inp.masterSpeedMps > SMALL) {
    st.mode = 'linear';
    const finalSpeed = 2 * averageSpeed - speed;
    acc = (finalSpeed - speed) / masterTime;
  }
  return { speedMps: speed + acc * dtS, done: false, state: st };
}

/** The speed now from which a constant acceleration reaches vFinal after `timeS` over `distM` (esmini CalcSpeedForLinearProfile). */
function linearStartSpeed(vFinal: number, timeS: number, distM: number): number {
  if (timeS < 0.001 || distM < 0.001) return 0;
  return (2 * distM) / timeS - vFinal;
}
