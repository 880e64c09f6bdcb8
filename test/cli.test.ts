import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin as run, runMain } from './cliRun.ts';

// `run` starts bin/edgeplan.js (the binary; `eval --workers 2`, whose workers then load dist/);
// `runMain` calls the same main() in this process (test/cliRun.ts): no start-up per command.

describe('edgeplan CLI', () => {
  it('lists the built-in scenarios with tags and descriptions', () => {
    const r = run('scenarios', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; tags: string[]; description: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      expect(row.tags.length).toBeGreaterThan(0);
      expect(row.description.length).toBeGreaterThan(10);
    }
  });

  it('replay: the same seed gives byte-identical summary.json, across worker counts', async () => {
    const a = mkdtempSync(join(tmpdir(), 'ep-a-'));
    const b = mkdtempSync(join(tmpdir(), 'ep-b-'));
    // Five scenarios (a vehicle cut-in, a light, a pedestrian, a queue, a junction turn) split over
    // two workers or run by one: enough to show the order and the worker count do not matter,
    // at a third of the whole suite's cost.
    const suite = 'cut_in,red_light,crosswalk_pedestrian,stop_and_go,unprotected_left';
    const ra = run('eval', suite, '--planner', 'idm', '--seed', '3', '--workers', '2', '--out', a);
    expect(ra.stderr).toBe('');
    expect(ra.status).toBe(0);
    // one worker runs in the calling thread: this process's main(), from the TypeScript sources
    const rb = await runMain('eval', suite, '--planner', 'idm', '--seed', '3', '--workers', '1', '--out', b);
    expect(rb.status).toBe(0);
    const sa = readFileSync(join(a, 'idm', 'summary.json'), 'utf8');
    expect(sa).toBe(readFileSync(join(b, 'idm', 'summary.json'), 'utf8'));
    const summary = JSON.parse(sa);
    expect(summary.planner).toBe('idm');
    expect(summary.mode).toBe('nonreactive');
    expect(summary.scenarios.map((x: { id: string }) => x.id).sort()).toEqual(suite.split(',').sort());
    expect(Object.keys(summary.scenarios[0].metrics)).toContain('no_ego_at_fault_collisions');
    expect(ra.stdout).toContain('**suite**');
  });

  it.each([
    [['run', 'no_such_scenario'], /not a built-in scenario/],
    [['run', 'cut_in', '--planner', 'magic'], /unknown planner "magic"/],
    [['eval', 'builtin', '--workers', 'two'], /--workers must be an integer/],
    [['eval', 'builtin', '--mode', 'sideways'], /sideways/],
    [['frobnicate'], /unknown command/],
  ])('bad input %j: one line naming the problem, exit code 2', async (args, re) => {
    const r = await runMain(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the binary turns a bad input into exit code 2 and one line on stderr, nothing on stdout', () => {
    const r = run('run', 'cut_in', '--planner', 'magic');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown planner "magic"/);
    expect(r.stdout).toBe('');
  });

  it('a malformed scenario file names the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-bad-'));
    const f = join(dir, 'bad.json');
    writeFileSync(
      f,
      JSON.stringify({ formatVersion: 1, id: 'x', map: { kind: 'inline', map: { id: 'm', lanes: [] } } }),
    );
    const r = await runMain('run', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:/);
    const t = join(dir, 'trunc.json');
    writeFileSync(t, '{"formatVersion": 1, "id": ');
    const r2 = await runMain('run', t);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/not valid JSON/);
  });
});

describe('a JSON that is not a Scenario JSON', () => {
  // Issue 17 item 7: "formatVersion: Invalid input: expected 1 (+5 more)" said nothing of what the file was.
  const dir = mkdtempSync(join(tmpdir(), 'ep-notscenario-'));
  it.each([
    [
      'a run log',
      'cut_in.json',
      { scenarioId: 'cut_in', planner: 'idm', ticks: [] },
      /is a run log .*`edgeplan view .*cut_in\.json` shows it/,
    ],
    [
      'an evaluation summary',
      'summary.json',
      { planner: 'idm', mode: 'nonreactive', scenarios: [] },
      /is an evaluation summary/,
    ],
    [
      'any other JSON',
      'notes.json',
      { shopping: ['milk'] },
      /is not a Scenario JSON \(it has no "formatVersion": 1/,
    ],
  ])('run of %s names what it is, in one line, exit 2', async (_what, name, content, says) => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify(content));
    const r = await runMain('run', f);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toContain('Invalid input');
  });

  it('eval of a folder with one names it on its "skipped" line and runs the rest', async () => {
    const folder = join(dir, 'suite');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.json'), JSON.stringify({ shopping: ['milk'] }));
    const { builtinScenario } = await import('../scenarios/index.ts');
    writeFileSync(join(folder, 'red_light.json'), JSON.stringify(builtinScenario('red_light')!.scenario));
    const r = await runMain('eval', folder, '--planner', 'idm', '--out', join(dir, 'results'));
    expect(r.stdout).toMatch(/^skipped .*notes\.json: .*notes\.json is not a Scenario JSON/m);
    expect(r.stdout).toMatch(/\| red_light \|\s+\d+\.\d \|/);
    expect(r.status).toBe(2);
  });
});

describe('imported scenarios, end to end (import → eval → view)', () => {
  const ROOT = join(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'ep-imported-'));
  const scenarios = join(dir, 'scenarios');

  it('import of a one-scenario file into a folder writes <id>.json there', async () => {
    const r = await runMain(
      'import',
      join(ROOT, 'data/commonroad/ZAM_Tutorial-1_2_T-1.xml'),
      '--out',
      scenarios,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`to ${join(scenarios, 'ZAM_Tutorial-1_1_T-1.json')}`);
    const s = JSON.parse(readFileSync(join(scenarios, 'ZAM_Tutorial-1_1_T-1.json'), 'utf8')) as {
      formatVersion: number;
    };
    expect(s.formatVersion).toBe(1);
  });

  it('import of a bare .xodr writes <map>.map.json and says that it is a map and how to run on it', async () => {
    const r = await runMain('import', join(ROOT, 'data/carla/Town02.xodr'), '--out', scenarios);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote map Town02 (216 lanes) to ${join(scenarios, 'Town02.map.json')}`);
    expect(r.stdout).toContain('is a road map without a scenario');
    expect(r.stdout).toContain('"map" is {"kind":"file"');
  });

  it('run on an imported map says it is a road map, not a scenario, in one line', async () => {
    const r = await runMain('run', join(scenarios, 'Town02.map.json'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('is a road map (216 lanes), not a scenario');
  });

  it.each([
    [
      'a bare OpenDRIVE .xodr',
      () => join(ROOT, 'data/carla/Town02.xodr'),
      'is an OpenDRIVE road map, not a scenario',
    ],
    [
      'a CommonRoad file without a planning problem',
      () => {
        // the hand-written two-lane scenario with its planning problem cut out
        const xml = readFileSync(join(ROOT, 'data/commonroad/edgeplan_two_lanes_2020a.xml'), 'utf8');
        const f = join(dir, 'no_problem.xml');
        writeFileSync(f, xml.replace(/<planningProblem[\s\S]*<\/planningProblem>/, ''));
        return f;
      },
      'holds a road map but no scenario (no planning problem)',
    ],
  ])('run on %s says it is a map and how to run on one, in one line', async (_what, file, says) => {
    const r = await runMain('run', file());
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(says);
    expect(r.stderr).toContain('a run needs a scenario on it');
  });

  it('eval of the folder reports a bad file, evaluates the rest, writes logs that view resolves', async () => {
    writeFileSync(join(scenarios, 'broken.json'), '{"formatVersion": 1}');
    const out = join(dir, 'results');
    const r = await runMain('eval', scenarios, '--planner', 'idm', '--out', out);
    expect(r.stdout).toMatch(/^skipped .*broken\.json: invalid input/m);
    // The map file is not taken for a scenario; the imported scenario is scored.
    expect(r.stdout).not.toContain('Town02.map.json');
    expect(r.stdout).toMatch(/\| ZAM_Tutorial-1_1_T-1 \|\s+\d+\.\d \|/);
    expect(r.stderr.trim()).toBe('edgeplan: 1 scenario file(s) skipped, see "skipped …" above');
    expect(r.status).toBe(2);
    // What `edgeplan view <results>` does: the log names its scenario file, so the map resolves.
    const { loadRunViews } = await import('../viewer/index.ts');
    const views = loadRunViews([join(out, 'idm', 'logs', 'ZAM_Tutorial-1_1_T-1.json')]);
    if (!views.ok) throw new Error(views.error.message);
    expect(views.value.views[0]!.map.lanes.length).toBe(3);
  });
});

describe('eval over files that share a scenario id', () => {
  it('gives each its own row and its own log (the second overwrote the first)', async () => {
    const ROOT = join(import.meta.dirname, '..');
    const dir = mkdtempSync(join(tmpdir(), 'ep-dup-'));
    // Two CommonRoad files with one benchmark id, as ZAM_Tutorial-1_1 and -1_2 in the shared data.
    const a = join(ROOT, 'data/commonroad/ZAM_Tutorial-1_2_T-1.xml');
    const b = join(dir, 'copy.xml');
    writeFileSync(b, readFileSync(a));
    const out = join(dir, 'results');
    const r = await runMain('eval', `${a},${b}`, '--planner', 'idm', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| ZAM_Tutorial-1_1_T-1 @ ZAM_Tutorial-1_2_T-1\.xml \|\s+\d+\.\d \|/);
    expect(r.stdout).toMatch(/\| ZAM_Tutorial-1_1_T-1 @ copy\.xml\s+\|\s+\d+\.\d \|/);
    const logs = readdirSync(join(out, 'idm', 'logs')).sort();
    expect(logs).toEqual([
      'ZAM_Tutorial-1_1_T-1 @ ZAM_Tutorial-1_2_T-1.xml.json',
      'ZAM_Tutorial-1_1_T-1 @ copy.xml.json',
    ]);
    const summary = JSON.parse(readFileSync(join(out, 'idm', 'summary.json'), 'utf8')) as {
      scenarios: { id: string }[];
    };
    expect(summary.scenarios.map((s) => s.id)).toEqual([
      'ZAM_Tutorial-1_1_T-1 @ ZAM_Tutorial-1_2_T-1.xml',
      'ZAM_Tutorial-1_1_T-1 @ copy.xml',
    ]);
  });
});

describe('help texts are generated from the registries', () => {
  const help = async (...args: string[]) => {
    const { main } = await import('../cli/main.ts');
    const lines: string[] = [];
    const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
    expect(code).toBe(0);
    return lines.join('\n');
  };

  it('run --help and eval --help name every planner the CLI accepts, and each one runs', async () => {
    const { ALL_PLANNER_NAMES } = await import('../cli/main.ts');
    const { BASELINE_NAMES } = await import('../planner/index.ts');
    const { createDriver } = await import('../stack/index.ts');
    // Every baseline, each as <name>+gate and <name>-stack, and the hierarchical planner.
    for (const b of BASELINE_NAMES)
      for (const n of [b, `${b}+gate`, `${b}-stack`]) expect(ALL_PLANNER_NAMES).toContain(n);
    expect(ALL_PLANNER_NAMES).toContain('hierarchical');
    expect(ALL_PLANNER_NAMES.length).toBe(3 * BASELINE_NAMES.length + 1);
    const run = await help('run', '--help');
    const ev = await help('eval', '--help');
    for (const name of ALL_PLANNER_NAMES) {
      expect(run).toContain(name);
      expect(ev).toContain(name);
      expect(createDriver(name).ok, name).toBe(true);
    }
  });

  it('run --help lists every scenario kind the loader takes; eval --help lists every suite kind', async () => {
    const { IMPORTABLE_SCENARIO_EXTENSIONS, SCENARIO_REF_KINDS } = await import('../scenarios/index.ts');
    const run = await help('run', '--help');
    for (const k of SCENARIO_REF_KINDS) expect(run).toContain(k.ref);
    for (const ext of IMPORTABLE_SCENARIO_EXTENSIONS) expect(run).toContain(ext);
    expect(run).toContain('carla:<routes.xml>#<id>');
    const ev = await help('eval', '--help');
    for (const kind of ['builtin', 'nuplan:', '<folder>', '<ref>,<ref>']) expect(ev).toContain(kind);
  });
});
