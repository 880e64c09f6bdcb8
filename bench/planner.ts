/**
 * `npm run bench planner`: the hierarchical planner's plan() latency on one core (JS runs the plan
 * on the main thread; the environment transform, gate and controller are outside plan()), rules
 * without and with reflection, over every plan of the built-in suite in both agent modes; and the
 * llama path on the tiny GGUF the tests generate: per agent schema, how many replies are
 * schema-valid (failures by code) and the time per call (the first call, with the load, apart).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from '../cli/table.ts';
import type { CommandPlanner } from '../core/planning/index.ts';
import { createLlamaClient } from '../planner/hierarchical/llm/LlamaClient.ts';
import { askAgent, jsonSchemaOf } from '../planner/hierarchical/llm/LlmClient.ts';
import { writeTinyGguf } from '../planner/hierarchical/llm/testing/tinyGguf.ts';
import { REFLECTION_CANDIDATES } from '../planner/hierarchical/Reflection.ts';
import { LateralDecisionSchema, LongitudinalDecisionSchema, SceneAnalysisSchema } from '../planner/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { hierarchicalPlannerFor } from '../stack/HierarchicalStack.ts';
import { runStackScenario, stackFor } from '../stack/index.ts';

/** Wall and process CPU time per plan() call, ms (CPU time is what a busy shared machine does not inflate). */
interface Times {
  wall: number[];
  cpu: number[];
}

function timed<S>(inner: CommandPlanner<S>, out: Times): CommandPlanner<S> {
  return {
    ...inner,
    plan(s, req, ctx) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = inner.plan(s, req, ctx);
      out.wall.push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      out.cpu.push((d.user + d.system) / 1000);
      return r;
    },
  };
}

async function planLatencies(reflection: boolean): Promise<Times> {
  const ms: Times = { wall: [], cpu: [] };
  for (const mode of ['nonreactive', 'reactive'] as const) {
    for (const id of BUILTIN_IDS) {
      const { scenario, map } = builtinScenario(id)!;
      // as the stack wires it: the controller roll-out and the reactive forecast of the agents
      const planner = timed(hierarchicalPlannerFor(scenario, map, { hierarchical: { reflection } }), ms);
      await runStackScenario(scenario, map, stackFor('hierarchical', planner, scenario, map), { mode });
    }
  }
  ms.wall.sort((a, b) => a - b);
  ms.cpu.sort((a, b) => a - b);
  return ms;
}

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

interface LlamaRow {
  schemaName: string;
  ms: number[];
  ok: number;
  /** Failures by code (TRUNCATED, SCHEMA, ...). */
  failures: Record<string, number>;
}

export async function llamaPerCall(calls: number): Promise<{ loadMs: number; rows: LlamaRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-llama-'));
  try {
    const path = join(dir, 'tiny.gguf');
    writeTinyGguf(path);
    // the token budget comes from each schema's grammar (no fixed maxTokens)
    const client = createLlamaClient({ modelPath: path });
    const schemas = [
      ['scene_analysis', SceneAnalysisSchema],
      ['lateral_decision', LateralDecisionSchema],
      ['longitudinal_decision', LongitudinalDecisionSchema],
    ] as const;
    const req = (schemaName: string, schema: (typeof schemas)[number][1]) => ({
      system: 'You are one agent of a driving planner.',
      user: 'Scene: lead vehicle 25 m ahead at 8 m/s; speed limit 11 m/s. Decide.',
      schemaName,
      jsonSchema: jsonSchemaOf(schema),
      deadlineMs: 30000,
    });
    // the client loads in the background and answers LOADING until it is loaded: wait for the
    // load (timed), then one call apart (its grammar is built on first use)
    const t0 = performance.now();
    const loadError = await client.ready?.();
    if (loadError) throw new Error(`bench planner: ${loadError}`);
    await askAgent(client, LateralDecisionSchema, req('lateral_decision', LateralDecisionSchema));
    const loadMs = performance.now() - t0;
    const rows: LlamaRow[] = [];
    for (const [schemaName, schema] of schemas) {
      const row: LlamaRow = { schemaName, ms: [], ok: 0, failures: {} };
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const a = await askAgent(client, schema, req(schemaName, schema));
        row.ms.push(performance.now() - t);
        if (a.ok) row.ok++;
        else row.failures[a.code] = (row.failures[a.code] ?? 0) + 1;
      }
      row.ms.sort((a, b) => a - b);
      rows.push(row);
    }
    await client.close?.();
    return { loadMs, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPlanner(): Promise<string> {
  await planLatencies(false); // JIT warm-up
  const rules = await planLatencies(false);
  const reflect = await planLatencies(true);
  const llama = await llamaPerCall(10);
  const row = (what: string, t: Times, aim: string) => [
    what,
    t.wall.length,
    q(t.wall, 0.5).toFixed(3),
    q(t.wall, 0.99).toFixed(3),
    q(t.cpu, 0.5).toFixed(3),
    q(t.cpu, 0.99).toFixed(3),
    aim,
  ];
  const rows = [
    row('rules, no reflection', rules, '≤ 20'),
    row(
      `rules + reflection (${REFLECTION_CANDIDATES} candidates, 4 s roll-outs, reactive agents, PDM scorer)`,
      reflect,
      '≤ 100',
    ),
    ...llama.rows.map((r) => {
      const failed = Object.entries(r.failures).map(([code, n]) => `${n} ${code}`);
      return [
        `llama, tiny GGUF, ${r.schemaName}: ${r.ok}/${r.ms.length} schema-valid${failed.length ? ` (${failed.join(', ')})` : ''}`,
        r.ms.length,
        q(r.ms, 0.5).toFixed(1),
        q(r.ms, 0.99).toFixed(1),
        '',
        '',
        '',
      ];
    }),
  ];
  return `planner: hierarchical plan() on one core, built-in suite × both modes (CPU: process CPU time per call); llama: first call incl. load ${llama.loadMs.toFixed(0)} ms, then per call\n${markdownTable(
    ['what', 'calls', 'wall p50 ms', 'wall p99 ms', 'CPU p50 ms', 'CPU p99 ms', 'aim ms'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
  )}`;
}
