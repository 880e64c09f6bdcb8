/**
 * Kinematic limits of the roll-out: longitudinal acceleration within the vehicle's limits, lateral
 * acceleration v·ψ̇ within nuPlan's bound. Jerk is a comfort matter (STYLE 9: the gate is not a
 * comfort filter); the control-level check limits rising jerk only.
 */
import { angleDiff } from '../../core/index.ts';
import { EVASIVE_ROUNDING_MPS2 } from '../SafetyParams.ts';
import { type CheckContext, laterCheckAvoids, type RuleSink, round } from './CheckContext.ts';

/** Lateral acceleration is read from the heading change over this much travel, m (two 2 m chords). */
const LAT_WINDOW_M = 4;
/** The lane's windows around a failing step are read this far apart, m (a quarter of a 2 m chord). */
const LANE_SCAN_STEP_M = 0.5;

export function kinematicsRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, vehicle: veh, params } = ctx;
  // an evasive move is held to the evasive rate at its exact peak (the 4 m windows below read a
  // 12 m/s² cubic's ends flattened, review 10); the repair drops the evasive rate (keeps the lane)
  if (r.evasivePeakLatAccelMps2 > params.evasiveLatAccelMps2 + EVASIVE_ROUNDING_MPS2) {
    sink.fail(
      'kinematics.lateralAccel',
      `the evasive move's peak lateral acceleration ${round(r.evasivePeakLatAccelMps2)} m/s² > ${round(params.evasiveLatAccelMps2, 3)} m/s² (evasive limit)`,
      {
        lateralAccelMps2: round(r.evasivePeakLatAccelMps2),
        limitMps2: round(params.evasiveLatAccelMps2),
        evasive: true,
      },
      { postponeLaneChange: true },
    );
    return;
  }
  for (let k = 1; k < r.n; k++) {
    const a = r.a[k - 1]!;
    if (a > veh.maxAccelMps2 + 0.05 || a < -veh.maxDecelMps2 - 0.05) {
      sink.fail(
        'kinematics.accel',
        `acceleration ${round(a)} m/s² outside [−${veh.maxDecelMps2}, ${veh.maxAccelMps2}] at t+${round(k * r.dtS, 1)} s`,
        { accelMps2: round(a), maxAccelMps2: veh.maxAccelMps2, maxDecelMps2: veh.maxDecelMps2 },
        { capSpeedMps: r.v[0]! },
      );
      return;
    }
    const v = r.v[k]!;
    // the heading's change over the last LAT_WINDOW_M travelled (at least one step): a lane drawn
    // with 2 m chords turns at its vertices (Polyline.headingAt blends 0.5 m either side), and step
    // by step a true 3.0 m/s² (6 m/s on a 12 m radius) read 5.44 (red team 4)
    let j = k - 1;
    let travelled = 0.5 * (r.v[k]! + r.v[j]!) * r.dtS;
    while (j > 0 && travelled < LAT_WINDOW_M) {
      travelled += 0.5 * (r.v[j]! + r.v[j - 1]!) * r.dtS;
      j--;
    }
    const yawRate = angleDiff(r.h[k]!, r.h[j]!) / ((k - j) * r.dtS);
    const lat = Math.abs(v * yawRate);
    if (lat > params.maxLatAccelMps2 && v > 1) {
      const cap = Math.sqrt(params.maxLatAccelMps2 / Math.max(Math.abs(yawRate / v), 1e-6));
      // a bend the ego is already too fast for (a scenario that starts in it, a lane drawn tighter
      // than it is driven): where braking at RSS's b_min from now, after the actuator's lag, is not
      // yet down to the bound's cap at this step, no gentle command meets the bound there — the
      // violation is inherited, not this command's. Such a step is held to the tyres' grip (above
      // it the car runs wide: that stays a failure, and the VETO's stop brakes to the grip's cap by
      // the bend) and the command must not speed up into it; the later steps that braking at b_min
      // does bring down to the cap hold the bound, so the command owes that braking — the gentlest
      // safe response is to slow to the bound, not a minimal-risk stop in the bend (CommonRoad
      // DEU_Flensburg-2_1_T-1 at 6.6 m/s, ITA_Foggia-19_1_T-1 at 10.4 m/s: an EMERGENCY_STOP at
      // 8 m/s² at t ≤ 0.2 s, score 0; `bendStop.test.ts`)
      const vResp = r.v[0]! - params.rssEgo.brakeMinMps2 * Math.max(0, k * r.dtS - params.accelLagS);
      if (vResp > cap && lat <= params.maxTyreLatAccelMps2 && v <= r.v[0]! + 1e-6 && aimsNoFaster(ctx))
        continue;
      // a curve later in the roll-out that braking from the next check on still takes at the
      // bound is not yet this command's (the planner re-plans, the gate re-checks every tick)
      if (laterCheckAvoids(ctx, k, cap, params.commandDecelMps2)) continue;
      const laneBend = (ro: typeof r, kk: number): Record<string, number> => {
        // the lane's own bend where the roll-out fails: where it alone is above the bound, the VETO's
        // stop (which follows the lane) takes it too. The tracker follows it up to the tyres' grip
        // (the control check clamps the steering there, not at the comfort bound), so the stop must
        // be down to the grip's cap by the bend (`laneGripCapMps`, `bendAheadM`); a bend of the
        // planner's own steering (a lane change) the stop does not take. Read over LAT_WINDOW_M of
        // the lane whatever the roll-out travelled: over the 0.4 m of a first step, a vertex of the
        // lane's chords read as a 3 m radius (CommonRoad USA_Lanker-1_11_T-1, PDM-Closed at 5.2 m/s)
        const line = ro.path?.line;
        if (!line || !(line.length >= LAT_WINDOW_M)) return {};
        // the stop follows the lane from here, so it must be down to each window's grip cap by that
        // window's start: the window asking the hardest braking (v₀² − cap²) / (2·ahead) is named,
        // read every LANE_SCAN_STEP_M from here to the failing step's window (the roll-out's steps
        // are up to 10 m apart, the last passing one can be inside the bend already). The failing
        // step's window alone, near a bend's start only partly in it, read the curvature down to
        // half and placed the bend past its start (review 11: 20 m/s 3 m before a 40 m radius,
        // 9.9 m/s² needed against the grip's 7.85, got a 1 m/s² COMFORT_STOP)
        const lastFromS = line.length - LAT_WINDOW_M;
        const endFromS = Math.min(Math.max(0, ro.s[kk]!), lastFromS);
        const firstFromS = Math.min(Math.max(0, ro.s[0]!), endFromS);
        // a NaN position would never reach the scan's end
        if (!Number.isFinite(firstFromS) || !Number.isFinite(endFromS)) return {};
        const v0 = ro.v[0]!;
        // the window asking the hardest braking; where none is above the grip at v₀, the tightest
        const tightest = { curvature: -1, fromS: firstFromS };
        const hardest = { curvature: 0, fromS: firstFromS, needMps2: 0 };
        for (let fromS = firstFromS; ; fromS = Math.min(fromS + LANE_SCAN_STEP_M, endFromS)) {
          const c =
            Math.abs(angleDiff(line.headingAt(fromS + LAT_WINDOW_M), line.headingAt(fromS))) / LAT_WINDOW_M;
          if (c > tightest.curvature) Object.assign(tightest, { curvature: c, fromS });
          const capSq = params.maxTyreLatAccelMps2 / Math.max(c, 1e-9);
          const need = (v0 * v0 - capSq) / (2 * Math.max(fromS - ro.s[0]!, 0.5));
          if (need > hardest.needMps2) Object.assign(hardest, { curvature: c, fromS, needMps2: need });
          if (fromS >= endFromS) break;
        }
        if (!(v * v * tightest.curvature > params.maxLatAccelMps2)) return {};
        const named = hardest.needMps2 > 0 ? hardest : tightest;
        const curvature = named.curvature;
        return {
          laneCapMps: round(Math.sqrt(params.maxLatAccelMps2 / curvature)),
          laneGripCapMps: round(Math.sqrt(params.maxTyreLatAccelMps2 / curvature)),
          bendAheadM: round(Math.max(0, named.fromS - ro.s[0]!)),
        };
      };
      sink.fail(
        'kinematics.lateralAccel',
        `lateral acceleration ${round(lat)} m/s² > ${params.maxLatAccelMps2} m/s² at t+${round(k * r.dtS, 1)} s`,
        {
          lateralAccelMps2: round(lat),
          limitMps2: params.maxLatAccelMps2,
          capMps: round(cap),
          ...laneBend(r, k),
        },
        { capSpeedMps: cap },
      );
      return;
    }
  }
  sink.pass('kinematics', 'acceleration and lateral acceleration within limits');
}

/**
 * Whether the command aims no faster than the ego goes now (its target, 0 for a STOP): in a bend it
 * inherited above the bound, speeding up is no way to slow to it, even where the actuator's lag keeps
 * the first steps at the present speed (CommonRoad USA_Lanker-1_11_T-1: a KEEP at 5.31 m/s from
 * 5.22 in a 5.5 m/s² bend, then ACCELERATEs, passed).
 */
function aimsNoFaster(ctx: CheckContext): boolean {
  const c = ctx.command;
  const v0 = ctx.rollout.v[0]!;
  const aim = c.speed === 'STOP' ? 0 : (c.targetSpeedMps ?? v0);
  return c.speed !== 'ACCELERATE' && aim <= v0 + 0.05;
}
