/**
 * The README and the `--help` examples cannot rot: every command they show is taken from the text
 * and checked here.
 *
 * - Commands in README code blocks and in the `Examples:` of every `--help` are run as written
 *   (by the CLI's main(), in a scratch folder that has `data/` of this checkout), and must exit 0. Long ones run with
 *   small arguments (SMALL_ARGS); commands that are the test suite or a benchmark are not run
 *   (NOT_RUN) — both lists are printed with the results, nothing is skipped silently.
 * - Commands in inline code spans are references or synopses (`edgeplan run <scenario> [--planner
 *   p]`): the command must exist and every flag they name must be in its `--help`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'edgeplan.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const START_SCRIPT = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start;

/** Commands that are not run, and why (printed). */
const NOT_RUN: ReadonlyArray<{ match: RegExp; why: string }> = [
  { match: /^npm test\b/, why: 'the test suite itself' },
  { match: /^npm run test:long\b/, why: 'the long campaigns (CI runs them after npm test)' },
  { match: /^npm run bench\b/, why: 'benchmarks take minutes and assert nothing' },
  { match: /^npx vitest\b/, why: 'part of npm test' },
  {
    match: /^edgeplan (ros|mqtt)\b/,
    why: "needs the user's robot (rosbridge / broker at the given URL); the bridges run against a real rosbridge and mosquitto in bridge/*.test.ts",
  },
  {
    match: /^edgeplan worker\b/,
    why: 'runs until stopped; stack/eval/queue.test.ts drives workers against a real Redis',
  },
  {
    match: /--queue\b/,
    why: 'needs a Redis server; stack/eval/queue.test.ts runs the queue against a real one',
  },
];

/** Long commands run with small arguments (printed): how to shrink one, by its command. */
const SMALL_ARGS: ReadonlyArray<{ match: RegExp; how: string; shrink: (args: string[]) => string[] }> = [
  {
    match: /^eval\b/,
    how: 'eval: --limit 1 --workers 1',
    shrink: (a) => [
      ...a.map((x, i) => (a[i - 1] === '--workers' ? '1' : x)),
      ...(a.includes('--limit') ? [] : ['--limit', '1']),
      ...(a.includes('--workers') ? [] : ['--workers', '1']),
    ],
  },
  {
    match: /^safety fuzz\b/,
    how: 'safety fuzz: --n 4',
    shrink: (a) => a.map((x, i) => (a[i - 1] === '--n' ? '4' : x)),
  },
  {
    match: /^check-data\b/,
    how: 'check-data: --no-run',
    shrink: (a) => (a.includes('--no-run') ? a : [...a, '--no-run']),
  },
];

/** Splits a command line into words like a POSIX shell (single and double quotes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let cur: string | undefined;
  let last = -1;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const part = m[1] ?? m[2] ?? m[3] ?? '';
    if (cur !== undefined && m.index === last) cur += part;
    else {
      if (cur !== undefined) words.push(cur);
      cur = part;
    }
    last = m.index + m[0].length;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

const normalise = (c: string) =>
  c
    .trim()
    .replace(/\\\|/g, '|')
    .replace(/^(npx edgeplan|node bin\/edgeplan\.js)\b/, 'edgeplan');
const isCommand = (c: string) => /^(edgeplan|npm|npx) /.test(c) || c === 'edgeplan';

/** Commands in fenced blocks (run) and inline spans (checked against --help) of a markdown text. */
function commandsOf(md: string): { blocks: string[]; spans: string[] } {
  const blocks: string[] = [];
  for (const m of md.matchAll(/```([^\n]*)\n([\s\S]*?)```/g)) {
    if (m[1]!.trim() === 'json') continue;
    for (const l of m[2]!.split('\n').map(normalise)) if (isCommand(l)) blocks.push(l);
  }
  const noBlocks = md.replace(/```[\s\S]*?```/g, '');
  const spans = [...noBlocks.matchAll(/`([^`\n]+)`/g)].map((m) => normalise(m[1]!)).filter(isCommand);
  return { blocks, spans };
}

/** `edgeplan <args>` in-process; returns the exit code and what it printed to stdout. */
async function inProcess(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

/** Every command path (`run`, `safety check`, …) with its --help text. */
async function commandTree(): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const walk = async (path: string[]) => {
    const h = await inProcess([...path, '--help']);
    tree.set(path.join(' '), h.out);
    const section = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(h.out)?.[1] ?? '';
    for (const line of section.split('\n')) {
      const name = /^ {2}(\S+)/.exec(line)?.[1];
      if (name && name !== 'help') await walk([...path, name.split('|')[0]!]);
    }
  };
  await walk([]);
  return tree;
}

/** Runs `f` with the working directory set to `dir` (test files run in their own process). */
async function inFolder<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await f();
  } finally {
    process.chdir(before);
  }
}

const results: string[] = [];
afterAll(() => {
  console.log(
    `\nREADME / --help commands:\n${results.join('\n')}\nnot run: ${NOT_RUN.map((n) => `${n.match.source} (${n.why})`).join('; ')}\nsmall arguments: ${SMALL_ARGS.map((s) => s.how).join('; ')}\n`,
  );
});

describe('README and --help commands', async () => {
  const tree = await commandTree();
  const helpExamples = [...tree.values()].flatMap((h) => {
    const ex = /\nExamples:\n([\s\S]*?)(\n\n|$)/.exec(h)?.[1] ?? '';
    return ex
      .split('\n')
      .map(normalise)
      .filter((l) => l.startsWith('edgeplan '));
  });
  const { blocks, spans } = commandsOf(README);

  // A scratch working folder with this checkout's data/ and the README's Scenario JSON example.
  const cwd = mkdtempSync(join(tmpdir(), 'ep-readme-'));
  symlinkSync(join(ROOT, 'data'), join(cwd, 'data'));
  mkdirSync(join(cwd, 'results'));
  const jsonExample = /```json\n([\s\S]*?)```/.exec(README)?.[1];

  it('finds the commands (README blocks, README spans, --help examples)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(spans.length).toBeGreaterThanOrEqual(10);
    expect(helpExamples.length).toBeGreaterThanOrEqual(4);
  });

  const runnable = [...new Set([...blocks, ...helpExamples])];
  for (const line of runnable) {
    it(`runs: ${line}`, async () => {
      const skip = NOT_RUN.find((n) => n.match.test(line));
      if (skip) {
        results.push(`  not run  ${line}  (${skip.why})`);
        return;
      }
      const parts = line.split(/\s*&&\s*/).filter((p) => !/^npm (install|ci)\b/.test(p));
      for (const part of parts) {
        let args: string[];
        if (/^npm start\b/.test(part)) args = shellWords(START_SCRIPT).slice(2);
        else {
          const w = shellWords(part);
          expect(w[0], part).toBe('edgeplan');
          args = w.slice(1);
        }
        const small = SMALL_ARGS.find((s) => s.match.test(args.join(' ')));
        if (small) args = small.shrink(args);
        // In-process (the same main() as bin/edgeplan.js) from the scratch folder: no start-up per command.
        const r = await inFolder(cwd, () => inProcess(args));
        results.push(`  ran      ${part}${small ? `  (${small.how})` : ''} → exit ${r.code}`);
        expect(r.code, part).toBe(0);
      }
    });
  }

  it('the README Scenario JSON example parses and runs', async () => {
    expect(jsonExample).toBeDefined();
    writeFileSync(join(cwd, 'my_straight.json'), jsonExample!);
    const r = await inFolder(cwd, () => inProcess(['run', 'my_straight.json', '--planner', 'idm']));
    results.push(`  ran      edgeplan run my_straight.json (the README's JSON example) → exit ${r.code}`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^my_straight · idm · nonreactive · score \d+\.\d/);
  });

  it('the same main() from bin/edgeplan.js: one command through the real binary', () => {
    const r = spawnSync(process.execPath, [BIN, 'scenarios', '--json'], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(10);
  });

  it('a reader that closes the pipe early (edgeplan … | head -1) ends the command quietly', () => {
    const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" run --help | head -1`], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: edgeplan run/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });

  for (const span of [...new Set(spans)]) {
    it(`names a real command and real flags: ${span}`, () => {
      if (span.startsWith('npm ') || span.startsWith('npx ')) {
        const script = /^npm (?:run )?(\S+)/.exec(span)?.[1];
        const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object })
          .scripts;
        if (script && span.startsWith('npm ') && script !== 'install')
          expect(Object.keys(scripts)).toContain(script);
        results.push(`  checked  ${span}`);
        return;
      }
      const words = shellWords(span).slice(1);
      // The command path: the words before the first flag or placeholder; `a|b` lists alternatives.
      const path: string[] = [];
      for (const w of words) {
        if (/^[-<[…]/.test(w) || !/^[a-z|-]+$/.test(w) || !tree.has([...path, w.split('|')[0]!].join(' ')))
          break;
        path.push(w);
      }
      const alternatives = path.length > 0 ? path[path.length - 1]!.split('|') : [''];
      for (const alt of alternatives) {
        const key = [...path.slice(0, -1), alt].filter(Boolean).join(' ');
        const help = tree.get(key);
        expect(help, `no command "edgeplan ${key}"`).toBeDefined();
        for (const flag of span.match(/--[a-z][a-z-]*/g) ?? [])
          expect(help, `${key}: ${flag}`).toContain(flag);
      }
      results.push(`  checked  ${span}`);
    });
  }

  it('uses paths that exist in this checkout or in ../shared (named when absent)', () => {
    const shared = resolve(ROOT, '..', 'shared');
    const missing = runnable.flatMap((l) =>
      shellWords(l).filter((w) => w.startsWith('data/') && !existsSync(join(ROOT, w))),
    );
    expect(missing).toEqual([]);
    results.push(
      `  ../shared ${existsSync(shared) ? 'present' : 'absent'} at ${shared} (only inline references use it)`,
    );
  });
});
