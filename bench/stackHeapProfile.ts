/**
 * Where a stack's JS heap allocation comes from, by function: one stack over the built-in suite
 * (`bench/stackRun.ts`'s `measure`, after its warm-up) under V8's sampling heap profiler, keeping the
 * objects that collections cleared (an allocation profile, not a live-heap one). Writes the profile
 * (Chrome DevTools → Memory → Load profile) and prints the allocated total and the functions with the
 * most allocation of their own. Not part of `npm run bench`.
 *
 * Run: node --import tsx bench/stackHeapProfile.ts [idm|pdm-closed] [--out stack.heapprofile] [--top 25] [--root <checkout>]
 * (`--root`: measure another checkout's stack, e.g. a baseline, with its own bench/stackRun.ts)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { HeapProfiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const out = opt('--out') ?? 'stack.heapprofile';
  const top = Number(opt('--top') ?? 25);
  const root = resolve(opt('--root') ?? join(import.meta.dirname, '..'));
  const baseline = args[0] ?? 'idm';
  const { measure } = (await import(
    pathToFileURL(join(root, 'bench', 'stackRun.ts')).href
  )) as typeof import('./stackRun.ts');
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-heap-'));
  try {
    const warm = join(dir, 'warm-up');
    mkdirSync(warm);
    await measure(baseline, 1, warm, 3);
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as HeapProfiler.StartSamplingParameterType);
    const timing = await measure(baseline, 1, dir);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    writeFileSync(out, JSON.stringify(profile));
    const self = new Map<string, number>();
    let sampled = 0;
    const walk = (n: HeapProfiler.SamplingHeapProfileNode): void => {
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}`;
      self.set(key, (self.get(key) ?? 0) + n.selfSize);
      sampled += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    console.log(
      `${baseline}-stack (${root}): ${((timing.allocatedB ?? Number.NaN) / MB).toFixed(0)} MB allocated over the suite (heap meter), ${(sampled / MB).toFixed(0)} MB sampled; profile: ${out}`,
    );
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${(v / MB).toFixed(1).padStart(8)} MB  ${k}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
