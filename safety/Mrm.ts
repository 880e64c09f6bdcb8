/**
 * The minimal-risk manoeuvre as a pure, replayable state machine (Autoware's MRM handler:
 * NORMAL → OPERATING → SUCCEEDED). A VETO starts an MRM (an emergency escalates a comfortable
 * stop, never the other way); it is released before standstill once the gate has passed commands
 * for `releaseAfterS` (the situation is safe again), and after standing still it hands back to
 * normal driving when the gate has passed commands for `recoverAfterS`.
 * `step(state, input, params) → { state, output }`; no clock, no I/O.
 */
import { z } from 'zod';
import type { Verdict } from '../core/index.ts';

export const MrmParamsSchema = z.object({
  /** Comfortable stop, m/s² (issue 7: −1.0 m/s²). */
  comfortDecelMps2: z.number().positive().default(1.0),
  /** Standstill below this speed, m/s. */
  stoppedSpeedMps: z.number().positive().default(0.1),
  /** Allowed commands needed after standstill before resuming, s (our choice: 10 planning ticks). */
  recoverAfterS: z.number().nonnegative().default(1.0),
  /**
   * Allowed (or repaired) commands needed to release a running MRM before standstill, s: once the
   * gate finds a safe command again the stop is no longer the minimal risk (our choice: 5 ticks).
   */
  releaseAfterS: z.number().nonnegative().default(0.5),
  /**
   * On a tick of the release wait whose command the gate ALLOWs as it is, a running stop brakes no
   * harder than RSS's proper response needs: b_min, m/s² (ad-rss-lib α_lon,brake,min 4;
   * Shalev-Shwartz et al. 2017). An emergency stop's 8 m/s² answers the danger the VETO saw; a
   * command found safe unchanged says it has passed, and braking with b_min still answers it (the
   * passed command's own braking, when harder, is the caller's to keep). A repaired command (MODIFY)
   * says the danger is still there: the stop keeps its rate (fuzz seed 7 run 862: eased on the
   * repairs of an oncoming drift, the ego came alongside the car as it swung back and was struck);
   * a new VETO restores it.
   */
  releaseBrakeMps2: z.number().positive().default(4),
});
export type MrmParams = z.infer<typeof MrmParamsSchema>;

export type MrmKind = 'COMFORT_STOP' | 'EMERGENCY_STOP' | 'SHOULDER_STOP';

export interface MrmState {
  mode: 'NORMAL' | 'OPERATING' | 'SUCCEEDED';
  kind: MrmKind | null;
  decelMps2: number;
  /** When the current stretch of ALLOWs began while stopped, s (NaN if none). */
  allowSinceS: number;
  /** The time the MRM started, s (NaN when normal). */
  startedAtS: number;
}

export interface MrmInput {
  tS: number;
  verdict: Pick<Verdict, 'decision' | 'mrm'>;
  egoSpeedMps: number;
}

export interface MrmOutput {
  /** The MRM is in control (the planner's output is overridden by a stop). */
  active: boolean;
  kind: MrmKind | null;
  decelMps2: number;
}

export const MRM_INITIAL: MrmState = {
  mode: 'NORMAL',
  kind: null,
  decelMps2: 0,
  allowSinceS: Number.NaN,
  startedAtS: Number.NaN,
};

const rank = (k: MrmKind | null): number => (k === 'EMERGENCY_STOP' ? 2 : k === null ? 0 : 1);

export function mrmStep(
  state: MrmState,
  input: MrmInput,
  params: MrmParams,
): { state: MrmState; output: MrmOutput } {
  const veto = input.verdict.decision === 'VETO';
  const req = input.verdict.mrm;
  let s: MrmState = state;
  if (veto) {
    const kind: MrmKind = req?.kind ?? 'COMFORT_STOP';
    const decel = req?.decelMps2 ?? params.comfortDecelMps2;
    if (s.mode === 'NORMAL' || s.mode === 'SUCCEEDED') {
      s = { mode: 'OPERATING', kind, decelMps2: decel, allowSinceS: Number.NaN, startedAtS: input.tS };
    } else if (rank(kind) > rank(s.kind) || decel > s.decelMps2) {
      // escalate: a harder stop replaces a softer one, never the reverse
      s = { ...s, kind: rank(kind) >= rank(s.kind) ? kind : s.kind, decelMps2: Math.max(decel, s.decelMps2) };
    }
  }
  if (s.mode === 'OPERATING' && input.egoSpeedMps < params.stoppedSpeedMps) {
    s = { ...s, mode: 'SUCCEEDED', allowSinceS: Number.NaN };
  } else if (s.mode === 'OPERATING') {
    // released when the gate has passed commands again for releaseAfterS (safe again)
    if (veto) s = { ...s, allowSinceS: Number.NaN };
    else {
      const since = Number.isNaN(s.allowSinceS) ? input.tS : s.allowSinceS;
      s = input.tS - since >= params.releaseAfterS - 1e-9 ? { ...MRM_INITIAL } : { ...s, allowSinceS: since };
    }
  }
  if (s.mode === 'SUCCEEDED') {
    if (veto) s = { ...s, allowSinceS: Number.NaN };
    else {
      const since = Number.isNaN(s.allowSinceS) ? input.tS : s.allowSinceS;
      s = input.tS - since >= params.recoverAfterS - 1e-9 ? { ...MRM_INITIAL } : { ...s, allowSinceS: since };
    }
  }
  const active = s.mode !== 'NORMAL';
  // in the release wait, on a tick the gate allowed as it was, the stop eases to RSS's b_min; the
  // state keeps the VETO's rate, which a repair or a VETO in the wait brings back
  const waiting =
    s.mode === 'OPERATING' && input.verdict.decision === 'ALLOW' && !Number.isNaN(s.allowSinceS);
  const decelMps2 = waiting ? Math.min(s.decelMps2, params.releaseBrakeMps2) : s.decelMps2;
  return { state: s, output: { active, kind: s.kind, decelMps2 } };
}
