/**
 * SpeedProfileAction (OpenSCENARIO 1.2) as esmini's LongSpeedProfileAction plays it
 * (OSCPrivateAction.cpp, Start and Step; read, not copied, and kept in its order so that a
 * difference can be found line by line).
 *
 * Start turns the entries (speed, time since the previous entry) into vertices: an entry at time 0
 * gives the start speed in position mode and gives way to the current speed in follow mode, an
 * entry without a time or whose slope exceeds maxAcceleration / maxDeceleration is reached at that
 * limit (later than written), a middle entry after a zero or missing time replaces the vertex
 * before it, consecutive entries on one straight line merge, and every speed adds the EntityRef's
 * speed. Position mode is linear between vertices. Follow mode blends the slopes with jerk-limited
 * segments (maxAccelerationRate / maxDecelerationRate) that start from the entity's current
 * acceleration: one target is reached with a jerk up, an optional constant slope and a jerk down,
 * stretched in time when the jerk limits do not allow it on time; several targets follow each
 * entry line, switching lines with one jerk segment, and fall back to position mode from the first
 * switch that would have to start in the past or any segment beyond the constraints.
 */

import { LARGE_NUMBER } from '../opendrive/RoadPath.ts';

/** One SpeedProfileEntry: speed, m/s; time since the previous entry, s (undefined when omitted). */
export interface SpeedProfileEntry {
  speedMps: number;
  timeS?: number;
}

/** DynamicConstraints of the action (esmini DynamicConstraints; LARGE_NUMBER where unconstrained). */
export interface SpeedProfileLimits {
  maxAccelMps2: number;
  maxDecelMps2: number;
  maxAccelRateMps3: number;
  maxDecelRateMps3: number;
  maxSpeedMps: number;
}

/** No DynamicConstraints element: every limit LARGE_NUMBER (esmini's DynamicConstraints()). */
export const UNCONSTRAINED: SpeedProfileLimits = {
  maxAccelMps2: LARGE_NUMBER,
  maxDecelMps2: LARGE_NUMBER,
  maxAccelRateMps3: LARGE_NUMBER,
  maxDecelRateMps3: LARGE_NUMBER,
  maxSpeedMps: LARGE_NUMBER,
};

/** From `tS` on, the speed is `speedMps + accelMps2·τ + jerkMps3·τ²/2`, τ = t − tS (until the next segment). */
export interface SpeedSegment {
  tS: number;
  speedMps: number;
  accelMps2: number;
  jerkMps3: number;
}

/** The profile Start builds: its segments and what it told on the way. */
export interface SpeedProfilePlan {
  segments: SpeedSegment[];
  /** How many entries the action has (esmini's end test counts entries, not segments). */
  entryCount: number;
  /** The following mode after esmini's fallbacks (a follow profile may turn into position). */
  mode: 'position' | 'follow';
  /** esmini's log lines (target time extended, fallback to position mode). */
  notes: string[];
}

/** Where the entity is when the action starts. */
export interface SpeedProfileStart {
  startS: number;
  speedMps: number;
  /** The entity's current longitudinal acceleration, m/s² (esmini pos_.GetAccLong()). */
  accelMps2: number;
  /** The EntityRef's speed added to every entry, m/s (0 without one). */
  offsetMps: number;
  follow: boolean;
}

/** esmini's SMALL_NUMBER (CommonMini.hpp). */
const SMALL = 1e-6;

interface Vertex {
  t: number;
  v: number;
  k: number;
  /** Line constant: v − k·t. */
  m: number;
}

const vertex = (t: number, v: number, k?: number): Vertex =>
  k === undefined ? { t, v, k: 0, m: 0 } : { t, v, k, m: v - k * t };

const inSpan = (x: number, lo: number, hi: number): boolean => x >= lo && x <= hi;
const f2 = (x: number): string => x.toFixed(2);

/**
 * esmini's LongSpeedProfileAction::Start: the segments of the speed over time (absolute times, s)
 * for `entries` under `limits`, starting from `start`.
 */
export function speedProfilePlan(
  entries: readonly SpeedProfileEntry[],
  start: SpeedProfileStart,
  limits: SpeedProfileLimits,
): SpeedProfilePlan {
  const notes: string[] = [];
  let mode: 'position' | 'follow' = start.follow ? 'follow' : 'position';
  const segments: SpeedSegment[] = [];
  if (entries.length === 0) {
    return {
      segments: [{ tS: start.startS, speedMps: start.speedMps, accelMps2: 0, jerkMps3: 0 }],
      entryCount: 0,
      mode,
      notes,
    };
  }
  // A missing time is esmini's -1.
  const e = entries.map((x) => ({ v: x.speedMps, dt: x.timeS ?? -1 }));
  const off = start.offsetMps;
  const t0Init = start.startS;
  const initAcc = start.accelMps2;
  const { maxAccelMps2: aMax, maxDecelMps2: dMax, maxAccelRateMps3: jAcc, maxDecelRateMps3: jDec } = limits;

  // AddSpeedSegment with its checks: a follow profile beyond the constraints reverts to position.
  const add = (t: number, v: number, k: number, j: number): void => {
    if (mode === 'follow') {
      if (v > limits.maxSpeedMps + SMALL || v < -limits.maxSpeedMps - SMALL) {
        notes.push(
          `speed ${f2(v)} not within [${f2(limits.maxSpeedMps)}:${f2(-limits.maxSpeedMps)}], revert to linear mode`,
        );
        mode = 'position';
      } else if (k > aMax + SMALL || k < -dMax - SMALL) {
        notes.push(`acceleration ${f2(k)} not within [${f2(aMax)}:${f2(-dMax)}], revert to linear mode`);
        mode = 'position';
      } else if (j > jAcc + SMALL || j < -jDec - SMALL) {
        notes.push(`acceleration rate ${f2(j)} not within [${f2(jAcc)}:${f2(-jDec)}], revert to linear mode`);
        mode = 'position';
      }
    }
    segments.push({ tS: t, speedMps: v, accelMps2: k, jerkMps3: j });
  };

  const vs: Vertex[] = [];
  let index = 0;
  if (e[0]!.dt > SMALL) vs.push(vertex(t0Init, start.speedMps));
  else if (e[0]!.dt > -SMALL) {
    if (mode === 'follow') {
      vs.push(vertex(t0Init, start.speedMps));
      index = 1;
    } else vs.push(vertex(t0Init, e[0]!.v));
  } else vs.push(vertex(t0Init, start.speedMps));

  // The vertices: obsolete points on one straight line dropped, slopes held to the limits.
  let time = t0Init;
  for (; index < e.length; index++) {
    const { v: speed, dt } = e[index]!;
    const target = speed + off;
    const back = vs[vs.length - 1]!;
    let k = (target - back.v) / dt;
    if (dt < -SMALL || k < -dMax || k > aMax) {
      const dv = target - back.v;
      if (Math.abs(dv) < SMALL) continue;
      if (dt < -SMALL) k = dv < 0 ? Math.min(-SMALL, -dMax) : Math.max(SMALL, aMax);
      else k = k < 0 ? Math.max(k, -dMax) : Math.min(k, aMax);
      back.t = time;
      time += dv / k;
    } else time += dt;
    if (index < e.length - 1 && dt < SMALL) {
      vs[vs.length - 1] = vertex(time, target);
      continue;
    }
    back.k = k;
    back.m = back.v - k * back.t;
    const deltaK = index > 1 ? back.k - vs[vs.length - 2]!.k : back.k - initAcc;
    if (Math.abs(deltaK) < SMALL && index > 1) {
      // On the previous line: its end moves here. esmini keeps that slope on the new vertex, even
      // when it is the last one (the speed then keeps changing after the last entry).
      const prev = vs[vs.length - 2]!;
      vs[vs.length - 1] = vertex(time, target, (target - prev.v) / (time - prev.t));
      continue;
    }
    vs.push(index === e.length - 1 ? vertex(time, target, 0) : vertex(time, target));
  }

  let vtx = vs[0]!;
  let t0: number;
  let t1: number;
  let t3 = vtx.t;
  let v0: number;
  let v3 = 0;
  let m0: number;
  let m1 = 0;
  let k1 = 0;
  let k0 = initAcc;
  let j = 0;

  if (vs.length === 1) add(vtx.t, vtx.v, 0, 0);
  else if (mode === 'follow' && vs.length === 2) {
    // One target: a jerk segment, maybe a constant slope, a jerk segment back to zero slope.
    j = vs[0]!.k - k0 < 0 ? -jDec : jAcc;
    add(vtx.t, vtx.v, k0, j);
    const j0 = j;
    const j1 = vs[0]!.k < 0 ? jAcc : -jDec;
    let t2 = 0;
    let v1: number;
    let v2 = 0;
    t0 = vs[0]!.t;
    v0 = vs[0]!.v;
    t3 = vs[1]!.t;
    v3 = vs[1]!.v;
    if (Math.abs(j1 - j0) < SMALL) {
      if (Math.abs(t0 - t3) > SMALL && Math.abs(j1 * (t0 - t3) - k0) > SMALL) {
        t1 =
          (2 * j1 * (v0 + t0 * j1 * (t0 - t3) - v3) + k0 ** 2 + 2 * k0 * j1 * (t3 - 2 * t0)) /
          (2 * j1 * (j1 * (t0 - t3) - k0));
        if (t1 < 0) notes.push('no solution found (t1) - fallback to position mode');
        else {
          v1 = v0 + k0 * (t1 - t0) + j0 * 0.5 * (t1 - t0) ** 2;
          k1 = k0 + j0 * (t1 - t0);
          t2 = k1 / j1 + t3;
          if (t2 < 0) notes.push('no solution found (t2)');
          else {
            v2 = v1 + k1 * (t2 - t1);
            if (k1 < aMax && k1 > -dMax) add(t1, v1, k1, 0);
          }
        }
      } else notes.push('no solution found (t3)');
    } else {
      const factor =
        j0 *
        j1 *
        (2 * v0 * (j1 - j0) +
          k0 ** 2 +
          2 * k0 * j1 * (t3 - t0) +
          j0 * j1 * (t0 - t3) ** 2 +
          2 * v3 * (j0 - j1));
      if (factor < 0) {
        // No room or time for a constant slope: the two jerk segments meet, later than written.
        t2 =
          (Math.sqrt(j1 * -(j0 - j1) * (j0 * (2 * v3 - 2 * v0) + k0 ** 2)) + (j0 - j1) * (t0 * j0 - k0)) /
          (j0 * (j0 - j1));
        v2 = v0 + k0 * (t2 - t0) + j0 * 0.5 * (t2 - t0) ** 2;
        k1 = k0 + j0 * (t2 - t0);
        t3 = t2 - k1 / j1;
        if (inSpan(k1, -dMax, aMax) && t3 > vs[1]!.t)
          notes.push(
            `can't reach target speed ${f2(v3)} on target time ${f2(vs[1]!.t)}s with given jerk constraints, extend to ${f2(t3)}s`,
          );
      } else {
        // A constant slope between the jerk segments reaches the speed on time.
        t1 = (-Math.sqrt(factor) - j0 * (k0 + t3 * j1) + t0 * j0 ** 2) / (j0 * (j0 - j1));
        v1 = v0 + k0 * (t1 - t0) + j0 * 0.5 * (t1 - t0) ** 2;
        k1 = initAcc + j0 * (t1 - t0);
        t2 = k1 / j1 + t3;
        v2 = v1 + k1 * (t2 - t1);
        if (inSpan(k1, -dMax, aMax)) add(t1, v1, k1, 0);
      }
    }
    if (inSpan(k1, -dMax, aMax)) {
      add(t2, v2, k1, j1);
      add(t3, v3, 0, 0);
    } else {
      // The slope the jerk limits ask for is beyond maxAcceleration / maxDeceleration: hold it at
      // the limit, which takes longer.
      if (k1 > aMax) k1 = aMax;
      else if (k1 < -dMax) k1 = -dMax;
      t1 = t0 + (k1 - k0) / j0;
      v1 = v0 + k0 * (t1 - t0) + 0.5 * j0 * (t1 - t0) ** 2;
      t2 = (v3 - v1) / k1 + t1 + k1 / (2 * j1);
      v2 = v3 + k1 ** 2 / (2 * j1);
      t3 = -v1 / k1 + v3 / k1 + t1 - k1 / (2 * j1);
      notes.push(`extend ${f2(t3 - vs[vs.length - 1]!.t)} s`);
      add(t1, v1, k1, 0);
      add(t2, v2, k1, j1);
      add(t3, v3, 0, 0);
    }
  } else {
    // Several targets: follow each entry line, one jerk segment from line to line.
    if (mode === 'follow') {
      if (Math.abs(vtx.k) > SMALL) {
        j = vs[0]!.k - k0 < 0 ? -jDec : jAcc;
        add(vtx.t, vtx.v, k0, j);
        t3 = vtx.t + (Math.abs(j) > SMALL ? (vtx.k - k0) / j : 0);
      }
      v3 = vtx.v + k0 * (t3 - t0Init) + 0.5 * j * (t3 - t0Init) ** 2;
      k1 = vtx.k;
      m1 = v3 - k1 * t3;
      add(t3, v3, k1, 0);
    }
    for (let i = 0; i < vs.length; i++) {
      if (mode === 'position') {
        vtx = vs[i]!;
        add(vtx.t, vtx.v, vtx.k, 0);
      } else if (i < vs.length - 1) {
        k0 = k1;
        vtx = vs[i + 1]!;
        t0 = t3;
        v0 = v3;
        m0 = m1;
        k1 = vtx.k;
        m1 = vtx.m;
        j = vtx.k - k0 < 0 ? -jDec : jAcc;
        if (Math.abs(k0 - k1) >= SMALL) {
          // Where the jerk segment from line (k0, m0) to line (k1, m1) starts.
          t1 = (k0 ** 2 - 2 * k0 * k1 + k1 ** 2 - 2 * j * (m0 - m1)) / (2 * j * (k0 - k1));
          if (t1 < t0) {
            notes.push(`failed at point ${i} (time=${f2(vs[i]!.t)}), falling back to linear (position) mode`);
            mode = 'position';
            continue;
          }
          const v1 = v0 + k0 * (t1 - t0);
          t3 = t1 + (vtx.k - k0) / j;
          v3 = v1 + k0 * (t3 - t1) + 0.5 * j * (t3 - t1) ** 2;
          add(t1, v1, k0, j);
        }
        add(t3, v3, vtx.k, 0);
      }
    }
  }
  return { segments, entryCount: e.length, mode, notes };
}

/** The speed on segment `s` at time `tS`, m/s. */
function segmentSpeed(s: SpeedSegment, tS: number): number {
  const tau = tS - s.tS;
  return s.speedMps + s.accelMps2 * tau + 0.5 * s.jerkMps3 * tau * tau;
}

/** Where a running profile is: the segment reached, the speed it gave, whether it has ended. */
export interface SpeedProfileState {
  index: number;
  speedMps: number;
  done: boolean;
}

/** The state when the action starts with the entity at `speedMps`. */
export function speedProfileInit(speedMps: number): SpeedProfileState {
  return { index: 0, speedMps, done: false };
}

/**
 * esmini's LongSpeedProfileAction::Step: the speed at `tS` (the end of the step). The speed is no
 * longer changed 10 s after the last segment starts, nor once past it at its speed; the action ends
 * once the segment index has reached the entry count − 1 and the speed is the last segment's.
 */
export function speedProfileStep(
  plan: SpeedProfilePlan,
  state: SpeedProfileState,
  tS: number,
): SpeedProfileState {
  const segs = plan.segments;
  const last = segs[segs.length - 1]!;
  let { index, speedMps } = state;
  if (tS < last.tS + 10 && !(tS > last.tS && Math.abs(speedMps - last.speedMps) < SMALL)) {
    while (index < segs.length - 1 && tS > segs[index + 1]!.tS - SMALL) index++;
    speedMps = segmentSpeed(segs[index]!, tS);
    if (Math.abs(speedMps) < SMALL) speedMps = 0;
  }
  let done = state.done;
  if (index >= plan.entryCount - 1 && Math.abs(speedMps - last.speedMps) < SMALL) {
    speedMps = last.speedMps;
    done = true;
  }
  return { index, speedMps, done };
}

/** The profile's speed at `tS` read afresh (no step history), m/s. */
export function speedProfileAt(plan: SpeedProfilePlan, tS: number): number {
  let index = 0;
  const segs = plan.segments;
  while (index < segs.length - 1 && tS > segs[index + 1]!.tS - SMALL) index++;
  const v = segmentSpeed(segs[index]!, tS);
  return Math.abs(v) < SMALL ? 0 : v;
}
