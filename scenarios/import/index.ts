/**
 * Importer dispatch by file kind. `importFile(path, opts)` picks the importer from the extension
 * (and, for .xml, the root element); each family lives in its own folder.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { EMPTY_FILE, fail, NO_SUCH_FILE, type Result } from '../../core/index.ts';
import { importCarlaRoutes, importScenarioRunnerXml } from './carla/index.ts';
import { importCommonRoad } from './commonroad/index.ts';
import { importLanelet2 } from './lanelet2/index.ts';
import { importNuplan } from './nuplan/index.ts';
import { importOpenDrive } from './opendrive/index.ts';
import { importOpenScenario } from './openscenario/index.ts';
import type { ImportOptions, ImportResult } from './types.ts';

export {
  findTown,
  importScenarioRunnerXml,
  needsTown,
  readCarlaRoutes,
  routeScenario,
} from './carla/index.ts';
export { loadOpenDrive, type OpenDriveResult, parseOpenDrive } from './opendrive/index.ts';
export {
  CATEGORIES,
  type CategoryRow,
  type CheckResult,
  checkEsminiExpectations,
  EGO_TRIGGERS_UNFIRED_TAG,
  eventsCsv,
  PRACTICAL,
  runStoryboard,
  STORYBOARD_LIVE_TAG,
  statesCsv,
  summarize,
} from './openscenario/index.ts';
export { type RenderOptions, renderMapPng } from './render/index.ts';
export type { ImportOptions, ImportResult } from './types.ts';
export {
  importCarlaRoutes,
  importCommonRoad,
  importLanelet2,
  importNuplan,
  importOpenDrive,
  importOpenScenario,
};

/** A Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) starts so. */
const LFS_POINTER_HEAD = 'version https://git-lfs.github.com/spec/';

/** Sniffs the root element of an XML file (first 4 KiB); `lfs` when the file is a Git LFS pointer. */
function xmlRoot(path: string): string | undefined {
  try {
    const head = readFileSync(path, { encoding: 'utf8' }).slice(0, 4096);
    if (head.startsWith(LFS_POINTER_HEAD)) return LFS_POINTER;
    return /<([A-Za-z_][\w.-]*)[\s/>]/.exec(
      head.replace(/<\?[^>]*\?>/g, '').replace(/<!--[\s\S]*?-->/g, ''),
    )?.[1];
  } catch {
    return undefined;
  }
}

/**
 * A missing or empty file, said as such before any importer reads it (an empty or absent .xml was
 * "unknown XML root element <?>", review ux19 #9).
 */
function missingOrEmpty(path: string): Result<never> | undefined {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return fail('IO_ERROR', path, 'is a folder, not a file');
    if (st.size === 0) return fail('PARSE_ERROR', path, EMPTY_FILE);
  } catch {
    return fail('IO_ERROR', path, NO_SUCH_FILE);
  }
  return undefined;
}

/** xmlRoot's answer for a Git LFS pointer (no XML name can hold a space). */
const LFS_POINTER = 'git lfs';

export function importFile(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  const ext = extname(path).toLowerCase();
  const absent = missingOrEmpty(path);
  if (absent) return absent;
  switch (ext) {
    case '.xodr':
      return importOpenDrive(path, opts);
    case '.xosc':
      return importOpenScenario(path, opts);
    case '.osm':
      return importLanelet2(path, opts);
    case '.db':
      return importNuplan(path, opts);
    case '.xml': {
      const root = xmlRoot(path);
      if (root === 'routes') return importCarlaRoutes(path, opts);
      if (root === 'scenarios') return importScenarioRunnerXml(path, opts);
      if (root === 'commonRoad') return importCommonRoad(path, opts);
      if (root === 'OpenDRIVE') return importOpenDrive(path, opts);
      if (root === 'OpenSCENARIO') return importOpenScenario(path, opts);
      if (root === LFS_POINTER)
        return fail(
          'UNSUPPORTED',
          path,
          'a Git LFS pointer, not the file itself (fetch the content: git lfs pull)',
        );
      if (root === 'CommonRoadSolution')
        return fail(
          'UNSUPPORTED',
          path,
          'a CommonRoad solution (a planned trajectory for a benchmark), not a scenario: run the scenario file it names',
        );
      return fail('UNSUPPORTED', path, `unknown XML root element <${root ?? '?'}>`);
    }
    default:
      return fail(
        'UNSUPPORTED',
        path,
        `unknown file kind "${ext}" (.xodr, .xosc, .xml routes/CommonRoad, .osm, .db)`,
      );
  }
}
