/**
 * A scripted vehicle (a logged or hand-written track: a cut-in, a hard braker, a stop-and-go lead,
 * an OpenSCENARIO actor) that keeps its scripted intent in reactive mode but reacts:
 *
 * - it drives the track's path at the track's speed, time for time, so that with nothing in its
 *   way it reproduces the track;
 * - it brakes for leads and path conflicts ahead (the caller's `interactionAccelMps2`);
 * - it does not keep braking as scripted in front of a follower closing in fast (time to collision
 *   below `escapeTtcS`): it matches the follower's speed instead — it adjusts rather than gets hit;
 * - a scripted lane change (a track that starts outside the lane it ends in) is held and backed out
 *   of while its centre is still outside the target lane if the gap there is gone: the new
 *   follower would have to brake harder than MOBIL's b_safe. It resumes when the gap is back.
 */
import { Polyline, type TrackPoint } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import type { InteractiveAgentParams } from './InteractiveParams.ts';

/** A lane change inside a script: the lateral profile relative to the target lane. */
export interface ScriptedLaneChange {
  /** Half the target lane's width, m: the centre inside it means committed. */
  halfWidthM: number;
  /** Scripted time the lateral motion starts / ends, s. */
  startS: number;
  endS: number;
  /** The lane the vehicle comes from, as an offset of `line`. */
  originLine: Polyline;
}

/** The scripted intent, derived once from the track. */
export interface VehicleScript {
  /** Reference line: the track's own path, or the target lane of a lane change (extended 50 m). */
  line: Polyline;
  /** Knot times, s; scripted arc length along `line`, m; scripted lateral offset from it, m. */
  tS: Float64Array;
  sM: Float64Array;
  dM: Float64Array;
  laneChange?: ScriptedLaneChange;
  /** Highest acceleration the script asks for (at least 1), m/s². */
  maxAccelMps2: number;
}

export interface ScriptedState {
  sM: number;
  speedMps: number;
  /** The clock of the lateral profile, s: runs with time unless a lane change is held back. */
  lateralS: number;
  /** Knot interval cursor (time only moves forward). */
  knot: number;
}

/** What the world asks of the scripted vehicle this step (computed by the fleet). */
export interface ScriptedInput {
  /** Braking demanded by leads and path conflicts ahead (IDM, no speed wish), m/s²; Infinity for none. */
  interactionAccelMps2: number;
  /** Speed of a follower closing in under `escapeTtcS` along our path, m/s; −1 for none. */
  escapeToSpeedMps: number;
  /** The new follower in the target lane would have to brake harder than b_safe. */
  gapGone: boolean;
}

const EXTEND_M = 50;

function extended(points: { x: number; y: number }[], headingRad: number): Polyline {
  const last = points[points.length - 1]!;
  return new Polyline([
    ...points,
    { x: last.x + EXTEND_M * Math.cos(headingRad), y: last.y + EXTEND_M * Math.sin(headingRad) },
  ]);
}

/**
 * The script of a track: along the target lane when the track is a lane change that stays within
 * one lane's reach, else along the track's own path. Undefined for a track that barely moves.
 */
export function vehicleScript(track: ReadonlyArray<TrackPoint>, map: RoadMap): VehicleScript | undefined {
  const n = track.length;
  if (n < 2) return undefined;
  const tS = new Float64Array(n);
  const sM = new Float64Array(n);
  const dM = new Float64Array(n);
  let maxAccel = 1;
  for (let i = 0; i < n; i++) tS[i] = track[i]!.tS;
  const last = track[n - 1]!;
  const first = track[0]!;
  const loc = map.locate(last.x, last.y, last.headingRad, 1);
  const lane = loc ? map.lane(loc.laneId) : undefined;
  if (lane) {
    const f = { sM: 0, dM: 0, segment: 0 };
    let fits = true;
    for (let i = 0; i < n && fits; i++) {
      const p = track[i]!;
      lane.line.project(p.x, p.y, f);
      sM[i] = f.sM;
      dM[i] = f.dM;
      fits = f.sM >= 0 && f.sM <= lane.line.length && Math.abs(f.dM) < 2.5 * lane.data.widthM;
    }
    const half = lane.data.widthM / 2;
    // Only along the lane's direction: `locate` returns the lane containing the end point even when
    // it runs the other way (a car that cuts out into the oncoming lane ends in it), and scripted
    // along that lane the track's forward travel read as −20 m/s — the car stopped dead in a tick.
    fits &&= sM[n - 1]! >= sM[0]!;
    if (fits && Math.abs(dM[0]!) > half && Math.abs(dM[n - 1]!) < 0.3 * half) {
      let startS = tS[n - 1]!;
      let endS = tS[n - 1]!;
      for (let i = 0; i < n; i++) {
        if (Math.abs(dM[i]! - dM[0]!) > 0.01) {
          startS = tS[Math.max(0, i - 1)]!;
          break;
        }
      }
      for (let i = n - 1; i >= 0; i--) {
        if (Math.abs(dM[i]! - dM[n - 1]!) > 0.01) {
          endS = tS[Math.min(n - 1, i + 1)]!;
          break;
        }
      }
      for (let i = 1; i < n; i++) {
        const dt = tS[i]! - tS[i - 1]!;
        if (i > 1 && dt > 0) {
          const a = ((sM[i]! - sM[i - 1]!) / dt - (sM[i - 1]! - sM[i - 2]!) / (tS[i - 1]! - tS[i - 2]!)) / dt;
          maxAccel = Math.max(maxAccel, a);
        }
      }
      const pts = lane.line.points();
      const line = extended(pts, lane.line.headingAt(lane.line.length));
      return {
        line,
        tS,
        sM,
        dM,
        maxAccelMps2: maxAccel,
        laneChange: { halfWidthM: half, startS, endS, originLine: line.offset(dM[0]!) },
      };
    }
  }
  const pts: { x: number; y: number }[] = [{ x: first.x, y: first.y }];
  sM[0] = 0;
  dM.fill(0);
  for (let i = 1; i < n; i++) {
    const p = track[i]!;
    const q = track[i - 1]!;
    sM[i] = sM[i - 1]! + Math.hypot(p.x - q.x, p.y - q.y);
    pts.push({ x: p.x, y: p.y });
  }
  if (sM[n - 1]! < 1) return undefined;
  for (let i = 2; i < n; i++) {
    const dt = tS[i]! - tS[i - 1]!;
    const dtPrev = tS[i - 1]! - tS[i - 2]!;
    if (dt > 0 && dtPrev > 0)
      maxAccel = Math.max(maxAccel, ((sM[i]! - sM[i - 1]!) / dt - (sM[i - 1]! - sM[i - 2]!) / dtPrev) / dt);
  }
  let line: Polyline;
  try {
    line = extended(pts, last.headingRad);
  } catch {
    return undefined;
  }
  return { line, tS, sM, dM, maxAccelMps2: maxAccel };
}

/**
 * Scripted speed over knot interval k, m/s. At the last knot the track still has the speed it
 * ended with (the last interval's: a replayed agent reports it there too), past it 0.
 */
function knotSpeed(script: VehicleScript, k: number): number {
  if (k < 0) k = 0;
  const last = script.tS.length - 1;
  if (k > last || last < 1) return 0;
  if (k === last) k = last - 1;
  const dt = script.tS[k + 1]! - script.tS[k]!;
  return dt > 0 ? (script.sM[k + 1]! - script.sM[k]!) / dt : 0;
}

/** Scripted lateral offset at scripted time t, m. */
export function scriptedOffset(script: VehicleScript, tS: number): number {
  const ts = script.tS;
  const n = ts.length;
  if (tS <= ts[0]!) return script.dM[0]!;
  if (tS >= ts[n - 1]!) return script.dM[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= tS) lo = mid;
    else hi = mid;
  }
  const u = (tS - ts[lo]!) / (ts[hi]! - ts[lo]!);
  return script.dM[lo]! + u * (script.dM[hi]! - script.dM[lo]!);
}

/** A fresh state at the script's first knot. */
export function scriptedStart(script: VehicleScript): ScriptedState {
  return { sM: script.sM[0]!, speedMps: knotSpeed(script, 0), lateralS: script.tS[0]!, knot: 0 };
}

/** True while a scripted lane change can still be abandoned (its centre outside the target lane). */
export function laneChangeOpen(script: VehicleScript, state: ScriptedState): boolean {
  const lc = script.laneChange;
  if (!lc) return false;
  return state.lateralS < lc.endS && Math.abs(scriptedOffset(script, state.lateralS)) > lc.halfWidthM;
}

/** Advances a scripted vehicle from t to t + dt (mutates and returns `state`). */
export function stepScripted(
  state: ScriptedState,
  script: VehicleScript,
  tS: number,
  dtS: number,
  input: ScriptedInput,
  p: InteractiveAgentParams,
): ScriptedState {
  const ts = script.tS;
  while (state.knot < ts.length - 2 && ts[state.knot + 1]! <= tS + 1e-9) state.knot++;
  const k = state.knot;
  const vScript = knotSpeed(script, k);
  const vScriptNext = knotSpeed(script, k + 1);
  const v = state.speedMps;
  // The speed at t drives the step to t + dt, as the script's own tracks are built; the speed at
  // t + dt follows the script, back to it (after reacting) no harder than the recovery
  // acceleration or the script's own, so that an unimpeded run is the script exactly.
  state.sM += v * dtS;
  const aScript = (vScriptNext - vScript) / dtS;
  const hi = Math.max(p.scriptedRecoveryAccelMps2, aScript);
  const lo = Math.min(-p.scriptedRecoveryAccelMps2, aScript);
  let a = Math.min(hi, Math.max(lo, (vScriptNext - v) / dtS));
  if (input.escapeToSpeedMps > vScriptNext) {
    a = Math.max(a, Math.min(p.scriptedRecoveryAccelMps2, (input.escapeToSpeedMps - v) / dtS));
  }
  a = Math.min(a, input.interactionAccelMps2);
  state.speedMps = Math.max(0, v + a * dtS);
  if (script.laneChange && input.gapGone && laneChangeOpen(script, state)) {
    state.lateralS = Math.max(script.laneChange.startS, state.lateralS - dtS);
  } else {
    state.lateralS = Math.min(state.lateralS + dtS, tS + dtS);
  }
  return state;
}
