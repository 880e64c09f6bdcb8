/** OpenDRIVE importer: `.xodr` → RoadMapData (see README for what is read and how). */

import { basename, extname } from 'node:path';
import { ok, type Result } from '../../../core/index.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { buildOpenDrive, type OpenDriveOptions, type OpenDriveResult } from './OpenDriveMap.ts';
import { guard, parseXml, readNumbersLeniently } from './XmlTree.ts';

export { fresnel } from './Fresnel.ts';
export { type GeoOffset, type GeoReference, toProjectedFrame } from './GeoReference.ts';
export { esminiOffsetPoint, type OpenDriveOptions, type OpenDriveResult } from './OpenDriveMap.ts';
export { type GeometryRecord, ReferenceLine } from './ReferenceLine.ts';
export * from './XmlTree.ts';

/**
 * Parses OpenDRIVE text; `file` names it in errors and gives the map id. `opts.defaultRule` is the
 * traffic rule of roads without a `rule` attribute (RHT unless given).
 */
export function parseOpenDrive(
  text: string,
  file: string,
  opts: OpenDriveOptions = {},
): Result<OpenDriveResult> {
  return guard(file, () => {
    const root = parseXml(text, file, 'OpenDRIVE');
    if (!root.ok) return root;
    // numbers like `0.000000+0` read by their leading number, as esmini and libOpenDRIVE do, and noted
    const notes: string[] = [];
    const built = readNumbersLeniently(notes, () =>
      buildOpenDrive(root.value, basename(file, extname(file)), opts),
    );
    if (notes.length > 0) built.warnings.unshift(...notes);
    return ok(built);
  });
}

const cache = new Map<string, OpenDriveResult>();

/** Reads and converts an .xodr file (memoised per path and rule: towns are reused by many routes). */
export function loadOpenDrive(path: string, opts: OpenDriveOptions = {}): Result<OpenDriveResult> {
  const key = `${opts.defaultRule ?? 'RHT'}|${opts.headerOffset ?? 'keep'}|${path}`;
  const hit = cache.get(key);
  if (hit) return ok(hit);
  const read = readTextFile(path);
  if (!read.ok) return read;
  const text = read.value;
  const r = parseOpenDrive(text, path, opts);
  if (r.ok) {
    if (cache.size > 8) cache.clear();
    cache.set(key, r.value);
  }
  return r;
}

export function importOpenDrive(path: string, _opts: ImportOptions = {}): Result<ImportResult> {
  const r = loadOpenDrive(path);
  if (!r.ok) return r;
  return ok({
    map: r.value.map,
    scenarios: [],
    unsupported: r.value.unsupported,
    warnings: [
      ...r.value.warnings,
      `worst gap between linked lane boundaries ${(100 * r.value.worstGapM).toFixed(2)} cm (${r.value.worstGapAt || 'none'})`,
    ],
  });
}
