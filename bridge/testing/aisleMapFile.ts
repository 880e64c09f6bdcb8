import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One straight warehouse aisle 'A' (x 0 … 30 m along y = 0, 3 m wide, 2 m/s), as edgeplan map JSON:
 * the site map the bridge tests drive a robot on.
 */
export const AISLE_MAP_DATA = {
  id: 'aisle',
  lanes: [
    {
      id: 'A',
      type: 'aisle',
      centerline: Array.from({ length: 16 }, (_, i) => ({ x: i * 2, y: 0 })),
      widthM: 3,
      speedLimitMps: 2,
    },
  ],
} as const;

/** Writes `AISLE_MAP_DATA` into `dir` and returns its path (the CLI bridge tests' `--map`). */
export function writeAisleMap(dir: string, name = 'aisle.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(AISLE_MAP_DATA));
  return path;
}
