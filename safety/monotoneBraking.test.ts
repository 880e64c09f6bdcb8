/**
 * Issue #14: the gate's verdict is monotone in braking, and a repair never brakes less than the
 * command it repairs. A property over hand-built highway scenes (a seeded loop: a lead at a random
 * gap and speed, known or not to brake, first seen at random; with a car in the next lane drifting
 * in ahead or from behind, or a follower), and eight random braking commands per scene (DECELERATE
 * or STOP at 1–6 m/s², with or without an onset, to 0–85 % of the speed; or KEEP):
 * - when a command passes the longitudinal checks (`rss.longitudinal`, `rss.longitudinalOpposite`,
 *   `ttc`, `collision.predicted`; not by the squeeze), every command whose roll-out is nowhere
 *   faster passes them too;
 * - a MODIFY's repair is rolled out nowhere faster than the command (0.05 m/s).
 * Before (main a5ec17f): 12–45 non-monotone pairs in 300 scenes (a faster car cutting in from
 * behind met the front of an ego that braked harder, its flank otherwise: `collision.predicted` /
 * `ttc` — CommonRoad DEU_A9-3_1_T-1's cr_3582), and 22 % of the repairs braked less than their
 * command at some step (a ramp under a step, a gentler rate or a higher target than the command's).
 */
import { describe, expect, it } from 'vitest';
import type { MidLevelCommand } from '../core/index.ts';
import { type AgentSpec, cmd, roadMap, rolledOut, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const hw = roadMap({ lanes: 3, speedLimitMps: 35, lengthM: 1200, id: 'hw' });
const LON = new Set(['rss.longitudinal', 'rss.longitudinalOpposite', 'ttc', 'collision.predicted']);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Tried {
  c: MidLevelCommand;
  v: number[];
  passes: boolean;
}

/** Runs `scenes` random scenes from `seed`; counts the non-monotone pairs and the weaker repairs. */
function property(seed: number, scenes: number) {
  const rnd = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const out = { pairs: 0, nonMonotone: [] as string[], repairs: 0, weaker: [] as string[] };
  const neighbour = hw.lane('R0')!.data.left!.laneId;
  for (let i = 0; i < scenes; i++) {
    const v0 = 10 + rnd() * 20;
    const gap = 8 + rnd() * 60;
    const agents: AgentSpec[] = [
      { id: 'lead', lane: 'R0', s: 50 + 2.588 + gap + 2.4, speed: v0 * (0.4 + rnd() * 0.7) },
    ];
    const kind = pick(['none', 'cutAhead', 'cutBehind', 'follower'] as const);
    const dh = -pick([0.005, 0.0115, 0.02, 0.04]);
    if (kind === 'cutAhead')
      agents.push({ id: 'cut', lane: neighbour, s: 45 + rnd() * 40, speed: v0 * (0.7 + rnd() * 0.5), dh });
    if (kind === 'cutBehind')
      agents.push({ id: 'cut', lane: neighbour, s: 50 - rnd() * 25, speed: v0 * (1 + rnd() * 0.3), dh });
    if (kind === 'follower')
      agents.push({ id: 'fol', lane: 'R0', s: 42 - rnd() * 20, speed: v0 * (0.9 + rnd() * 0.3) });
    const sc = scene({ map: hw, speed: v0, agents });
    const lead = sc.snapshot.agents[0]!;
    const la = pick([undefined, 0, -0.5, -2]);
    if (la !== undefined) lead.accelMps2 = la;
    const seen = pick([undefined, 0, 0.4, 5]);
    if (seen !== undefined) lead.seenForS = seen;
    sc.snapshot.ego.accelMps2 = pick([0, 0, -0.5, -1.5]);
    const tried: Tried[] = [];
    for (let j = 0; j < 8; j++) {
      const d = pick([1, 2, 3, 4, 4.01, 5, 6, -1]);
      const jerk = pick([undefined, 1, 1.5, 2.5, 4]);
      const t = pick([0, 0.25, 0.5, 0.7, 0.85]) * v0;
      const c =
        d < 0
          ? cmd({ speed: 'KEEP', targetSpeedMps: v0 })
          : cmd({
              speed: t < 0.05 ? 'STOP' : 'DECELERATE',
              targetSpeedMps: t,
              decelMps2: d,
              ...(jerk ? { jerkMps3: jerk } : {}),
            });
      const r = rolledOut(c, sc, hw, gate.params);
      const v = Array.from(r.v.subarray(0, r.n));
      const verdict = gate.checkCommand(c, sc);
      const passes = !verdict.rules.some(
        (x) => LON.has(x.rule) && (x.decision !== 'ALLOW' || x.values.squeeze === true),
      );
      tried.push({ c, v, passes });
      if (verdict.decision === 'MODIFY' && verdict.modified) {
        out.repairs++;
        const m = rolledOut(verdict.modified, sc, hw, gate.params);
        const k = v.findIndex((x, n) => m.v[n]! > x + 0.05);
        if (k >= 0) out.weaker.push(`scene ${i}: ${verdict.explanation} (step ${k})`);
      }
    }
    for (const a of tried)
      for (const b of tried) {
        if (a === b || !a.passes || b.passes) continue;
        if (!b.v.every((x, k) => x <= a.v[k]! + 1e-6)) continue;
        out.pairs++;
        out.nonMonotone.push(
          `scene ${i} (${kind}): ${JSON.stringify(a.c)} passes, ${JSON.stringify(b.c)} does not`,
        );
      }
  }
  return out;
}

describe('the gate is monotone in braking (issue #14)', () => {
  it.each([1, 2, 3])(
    'seed %i: no harder braking fails where a gentler one passes; no repair brakes less',
    (seed) => {
      const p = property(seed, 100);
      expect(p.repairs).toBeGreaterThan(200);
      expect(p.nonMonotone).toEqual([]);
      expect(p.weaker).toEqual([]);
    },
  );
});

describe('a faster car cutting in from behind (DEU_A9-3_1_T-1 cr_3582)', () => {
  // the ego at 20.5 m/s, a slow lead 48 m ahead; a car 19 m behind in the next lane at 22.7 m/s
  // angled 0.02 rad (0.45 m/s) towards the ego's lane
  const sc = (cutDh: number) =>
    scene({
      map: hw,
      speed: 20.47,
      agents: [
        { id: 'lead', lane: 'R0', s: 50 + 2.588 + 48.2 + 2.4, speed: 11.3 },
        { id: 'cut', lane: hw.lane('R0')!.data.left!.laneId, s: 31.7, speed: 22.7, dh: cutDh },
      ],
    });
  const gentle = cmd({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 6, jerkMps3: 1.5 });
  const firmer = cmd({ speed: 'DECELERATE', targetSpeedMps: 5.12, decelMps2: 3 });

  it('safe: braking harder than a passing command passes too (it met the ego’s front: a MODIFY before)', () => {
    const s = sc(-0.02);
    s.snapshot.agents[0]!.accelMps2 = 0;
    expect(gate.checkCommand(gentle, s).decision).toBe('ALLOW');
    expect(gate.checkCommand(firmer, s).decision).toBe('ALLOW');
  });

  it('unsafe: the ego speeding up into the same car is still its conflict', () => {
    const s = sc(-0.02);
    s.snapshot.agents[0]!.accelMps2 = 0;
    const v = gate.checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 26 }), s);
    expect(v.decision).not.toBe('ALLOW');
  });
});

describe('a repair never brakes less than the command it repairs', () => {
  // the ego at 20 m/s 25 m behind a lead at 15 m/s whose acceleration is not known (first seen now:
  // RSS's ramped response): a step at 2 m/s² to 12 m/s is short of the proper response at t+2.4 s
  const s = scene({
    map: hw,
    speed: 20,
    agents: [{ id: 'lead', lane: 'R0', s: 50 + 2.588 + 25 + 2.4, speed: 15 }],
  });
  const step = cmd({ speed: 'DECELERATE', targetSpeedMps: 12, decelMps2: 2 });

  it('unsafe (before): the ramped repair of a step braked less in its first second', () => {
    const v = gate.checkCommand(step, s);
    expect(v.decision).toBe('MODIFY');
    const c = rolledOut(step, s, hw, gate.params);
    const m = rolledOut(v.modified!, s, hw, gate.params);
    for (let k = 0; k < c.n; k++) expect(m.v[k]!).toBeLessThanOrEqual(c.v[k]! + 0.05);
    expect(v.modified!.decelMps2).toBeGreaterThanOrEqual(3.79);
  });

  it('safe: a command with an onset is repaired with an onset no gentler than its own', () => {
    const ramp = cmd({ speed: 'DECELERATE', targetSpeedMps: 12, decelMps2: 2, jerkMps3: 2 });
    const v = gate.checkCommand(ramp, s);
    expect(v.decision).toBe('MODIFY');
    if (v.modified?.jerkMps3 !== undefined) expect(v.modified.jerkMps3).toBeGreaterThanOrEqual(2);
  });
});
