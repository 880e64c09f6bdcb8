import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEsminiExpectations } from './EsminiExpectations.ts';

// esmini's RoadManager unit-test values on its Unittest/xodr maps, vendored in data/ (MPL-2.0).
const FILE = join(
  import.meta.dirname,
  '../../../data/esmini/EnvironmentSimulator/Unittest/road_expectations.json',
);

/**
 * Values that held when this floor was last raised (`edgeplan check-esmini
 * data/esmini/EnvironmentSimulator/Unittest/road_expectations.json`); a change that makes fewer hold fails here.
 */
const FLOOR = { practical: 114, strict: 114 };

describe("esmini's RoadManager unit-test values on the Unittest/xodr maps", () => {
  it('hold at least as often as the recorded floor', () => {
    const results = checkEsminiExpectations(FILE);
    const held = results.filter((r) => r.ok).length;
    const strict = results.filter((r) => r.strictOk).length;
    const failing = results.filter((r) => !r.ok).map((r) => `${r.id} ${r.file} ${r.what}`);
    console.log(`esmini Unittest road values holding: ${held}/${results.length} (strict ${strict})`);
    expect(results.length).toBe(114);
    expect(held, failing.join('\n')).toBeGreaterThanOrEqual(FLOOR.practical);
    expect(strict).toBeGreaterThanOrEqual(FLOOR.strict);
  }, 60_000);
});
