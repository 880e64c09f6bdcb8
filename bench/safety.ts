/**
 * Safety-gate benchmark: time per command check (p50 / p99) on every tick of the built-in suite
 * (IDM baseline driving, the derived command checked with its trajectory), side by side with the
 * same gate without spatial culling, and with the bare RSS formula per agent as a floor.
 * Run: node --import tsx bench/safety.ts
 */
import { markdownTable } from '../cli/table.ts';
import type { WorldSnapshot } from '../core/index.ts';
import { createSafetyGate, deriveCommand, rss, type SafetyScene } from '../safety/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { runScenario } from '../sim/index.ts';
import { createPlanner } from '../stack/index.ts';

interface Case {
  scene: SafetyScene;
  command: ReturnType<typeof deriveCommand>;
}

function collect(): Case[] {
  const cases: Case[] = [];
  for (const id of BUILTIN_IDS) {
    const { scenario, map } = builtinScenario(id)!;
    const p = createPlanner('idm');
    if (!p.ok) throw new Error(p.error.message);
    const log = runScenario(scenario, map, p.value, { mode: 'nonreactive' });
    for (const t of log.ticks) {
      const snapshot: WorldSnapshot = {
        tS: t.tS,
        ego: t.ego,
        agents: t.agents,
        lights: t.lights,
        route: scenario.route,
      };
      // a straight KEEP is what the gate sees most; the derived command keeps the planner's intent
      const command = deriveCommand({ points: [] }, snapshot, map);
      cases.push({
        scene: { snapshot, map, vehicle: scenario.vehicle },
        command: { ...command, speed: 'KEEP', targetSpeedMps: t.ego.speedMps },
      });
    }
  }
  return cases;
}

function percentiles(xs: number[]): { p50: number; p99: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: s[Math.floor(s.length * 0.5)]!,
    p99: s[Math.floor(s.length * 0.99)]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

/** Wall time and this thread's CPU time per check, ms (CPU time is immune to preemption on a shared machine). */
function timeGate(
  cases: Case[],
  gate: ReturnType<typeof createSafetyGate>,
  repeats: number,
  cpu: number[] = [],
): number[] {
  const out: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      gate.checkCommand(c.command, c.scene);
      out.push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      cpu.push((d.user + d.system) / 1000);
    }
  }
  return out;
}

function timeRss(cases: Case[], repeats: number): number[] {
  const out: number[] = [];
  const ego = { speedLonMps: 0, speedLatMps: 0, dynamics: rss.defaultDynamics.ego };
  const other = { speedLonMps: 0, speedLatMps: 0, dynamics: rss.defaultDynamics.other };
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const t0 = performance.now();
      ego.speedLonMps = c.scene.snapshot.ego.speedMps;
      for (const a of c.scene.snapshot.agents) {
        other.speedLonMps = a.speedMps;
        sink += rss.longitudinalSameDirection(ego, other) + rss.lateral(ego, other);
      }
      out.push(performance.now() - t0);
    }
  }
  if (sink < 0) console.log(sink);
  return out;
}

export function benchSafety(): string {
  const cases = collect();
  const gate = createSafetyGate();
  const unculled = createSafetyGate({ cullMarginM: 1e6 });
  timeGate(cases, gate, 1); // JIT warm-up
  timeGate(cases, unculled, 1);
  const gCpu: number[] = [];
  const uCpu: number[] = [];
  const g = percentiles(timeGate(cases, gate, 3, gCpu));
  const u = percentiles(timeGate(cases, unculled, 3, uCpu));
  const gc = percentiles(gCpu);
  const uc = percentiles(uCpu);
  const r = percentiles(timeRss(cases, 3));
  const decisions = { ALLOW: 0, MODIFY: 0, VETO: 0 };
  for (const c of cases) decisions[gate.checkCommand(c.command, c.scene).decision]++;
  const fmt = (x: number) => x.toFixed(3);
  const table = markdownTable(
    ['check', 'p50 ms', 'p99 ms', 'mean ms', 'CPU p50 ms', 'CPU p99 ms', 'mean vs gate'],
    [
      [
        'gate (roll-out + all rules, culled)',
        fmt(g.p50),
        fmt(g.p99),
        fmt(g.mean),
        fmt(gc.p50),
        fmt(gc.p99),
        '1.00×',
      ],
      [
        'gate without spatial culling',
        fmt(u.p50),
        fmt(u.p99),
        fmt(u.mean),
        fmt(uc.p50),
        fmt(uc.p99),
        `${(u.mean / g.mean).toFixed(2)}×`,
      ],
      [
        'RSS formulas alone (all agents)',
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.mean),
        '',
        '',
        `${(r.mean / g.mean).toFixed(3)}×`,
      ],
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  return `Safety gate: ${cases.length} command checks (every tick of the ${BUILTIN_IDS.length} built-in scenarios, IDM driving), ×3\n${table}\nverdicts: ALLOW ${decisions.ALLOW}, MODIFY ${decisions.MODIFY}, VETO ${decisions.VETO}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchSafety());
