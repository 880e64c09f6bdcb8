import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes an edgeplan map JSON of one straight warehouse aisle 'A' (x 0 … 30 m along y = 0, 3 m wide,
 * 2 m/s) into `dir` and returns its path: the site map the CLI bridge tests drive a robot on.
 */
export function writeAisleMap(dir: string, name = 'aisle.json'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
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
    }),
  );
  return path;
}
