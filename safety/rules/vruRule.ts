/**
 * Vulnerable road users: a pedestrian or cyclist in the ego's path (its forecast comes within
 * `vruNearM` of the ego's footprint; `childNearM` for a child) is passed at walking pace; one beside
 * the path caps nothing; a robot near
 * a person keeps ISO/TS 15066 speed-and-separation monitoring: separation ≥ S_p =
 * v_h·(T_r + T_s) + v_r·T_r + B + C + Z (T_s = v_r/a, B = v_r²/2a).
 */
import { pointObbDistance } from '../../core/index.ts';
import type { SafetyParams } from '../SafetyParams.ts';
import { type CheckContext, egoCentre, q, type RuleSink, round } from './CheckContext.ts';

const e = { x: 0, y: 0, c: 0, s: 0 };

/** ISO/TS 15066 protective separation distance for robot speed v, m. */
export function ssmProtectiveDistance(vMps: number, p: SafetyParams): number {
  const a = p.ssmRobotBrakeMps2;
  const ts = vMps / a;
  return (
    p.ssmHumanSpeedMps * (p.ssmReactionS + ts) +
    vMps * p.ssmReactionS +
    (vMps * vMps) / (2 * a) +
    p.ssmIntrusionM +
    p.ssmUncertaintyM
  );
}

/** The highest robot speed whose protective distance fits in `separationM` (0 if none), m/s. */
export function ssmMaxSpeed(separationM: number, p: SafetyParams): number {
  const a = p.ssmRobotBrakeMps2;
  // (1/2a)v² + (v_h/a + T_r)v + (v_h·T_r + C + Z − S) ≤ 0
  const qa = 1 / (2 * a);
  const qb = p.ssmHumanSpeedMps / a + p.ssmReactionS;
  const qc = p.ssmHumanSpeedMps * p.ssmReactionS + p.ssmIntrusionM + p.ssmUncertaintyM - separationM;
  if (qc > 0) return 0;
  return (-qb + Math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa);
}

export function vruRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, forecast: f, snapshot, vehicle: veh, params } = ctx;
  const robot = veh.kind === 'robot';
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  for (let k = 0; k < r.n; k++) {
    const v = r.v[k]!;
    if (v < 0.05) continue;
    egoCentre(ctx, k, e);
    for (let j = 0; j < f.count; j++) {
      const ag = snapshot.agents[f.index[j]!]!;
      if (ag.kind !== 'pedestrian' && ag.kind !== 'cyclist') continue;
      const b = j * f.capacity + k;
      const dist = Math.max(
        0,
        pointObbDistance(f.x[b]!, f.y[b]!, e.x, e.y, e.c, e.s, hl, hw) - ag.widthM / 2,
      );
      if (robot && ag.kind === 'pedestrian') {
        const need = ssmProtectiveDistance(v, params);
        if (dist < need) {
          const cap = ssmMaxSpeed(dist, params);
          sink.fail(
            'iso15066.ssm',
            `person ${q(ag.id)} at ${round(dist)} m < protective separation ${round(need)} m at ${round(v)} m/s (t+${round(k * r.dtS, 1)} s)`,
            {
              agentId: ag.id,
              separationM: round(dist),
              protectiveM: round(need),
              robotSpeedMps: round(v),
              maxSpeedMps: round(cap),
            },
            cap > 0.05 ? { capSpeedMps: cap, critical: true } : { stopBeforeS: r.s[0]!, critical: true },
          );
          sink.pass('vru.proximity', 'robot: see iso15066.ssm');
          return;
        }
      } else if (
        k > 0 &&
        dist < (ag.subclass === 'child' ? params.childNearM : params.vruNearM) &&
        v > params.vruNearSpeedMps + 0.05
      ) {
        // in the path (the forecast brings it within the clearance): pass at walking pace; one
        // beside the path (on the kerb, behind the clearance) caps nothing
        sink.fail(
          'vru.proximity',
          `${ag.subclass === 'child' ? 'child' : ag.kind} ${q(ag.id)} within ${round(dist)} m of the ego at ${round(v)} m/s > ${params.vruNearSpeedMps} m/s (t+${round(k * r.dtS, 1)} s)`,
          { agentId: ag.id, distanceM: round(dist), egoSpeedMps: round(v), capMps: params.vruNearSpeedMps },
          { capSpeedMps: params.vruNearSpeedMps },
        );
        if (robot) sink.pass('iso15066.ssm', 'separation kept');
        return;
      }
    }
  }
  sink.pass('vru.proximity', 'speed near pedestrians and cyclists within limits', {
    capMps: params.vruNearSpeedMps,
    nearM: params.vruNearM,
  });
  if (robot) sink.pass('iso15066.ssm', 'protective separation kept');
}
