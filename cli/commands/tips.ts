/**
 * `edgeplan tips build <eval-out-dir> --out tips.json`: the hierarchical planner's tips memory from
 * an evaluation's failed runs (see stack/TipsBuilder.ts); `--tips tips.json` on run / eval uses it.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatError } from '../../core/index.ts';
import { buildTips } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';
import { MAP_HELP, mapOption } from '../mapOption.ts';

export function register(program: Command, out: Out): void {
  const tips = program.command('tips').description('tips memory of the hierarchical planner');
  tips
    .command('build <evalOutDir>')
    .description('lessons from the failed runs of an evaluation (edgeplan eval … --out DIR) as a tips file')
    .requiredOption('--out <file>', 'tips file to write (JSON)')
    .option('--planner <name>', 'whose runs to read', 'hierarchical')
    .option('--map <file|dir>', MAP_HELP)
    .option('--map-root <dir>', 'alias of --map (its name before 2026-12-06)')
    .action((dir: string, o: { out: string; planner: string; map?: string; mapRoot?: string }) => {
      o.mapRoot = mapOption(o);
      const r = buildTips(dir, { planner: o.planner, ...(o.mapRoot ? { mapPath: o.mapRoot } : {}) });
      if (!r.ok) throw new UsageError(formatError(r.error));
      const { skipped, ...file } = r.value;
      writeFileSync(o.out, `${JSON.stringify(file, null, 1)}\n`);
      for (const s of skipped) out(`skipped ${s}`);
      out(`${file.tips.length} tips from the failed runs of ${o.planner} in ${dir} → ${o.out}`);
    });
}
