import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEsminiExpectations, summarize } from './EsminiExpectations.ts';

// esmini's C++ unit-test values on its EnvironmentSimulator/Unittest files (mined from
// ScenarioEngine_test.cpp). The 14 scenario files, their maps and catalogs are vendored unmodified
// under data/esmini in esmini's own layout (MPL-2.0, data/README.md), so their relative paths hold.
const ESMINI = join(import.meta.dirname, '../../../data/esmini');
const VALUES = join(ESMINI, 'unittest_expectations.json');

/**
 * Values that held at the practical tolerances when the floor was last raised (`edgeplan
 * check-esmini data/esmini/unittest_expectations.json --resources data/esmini`); raise it when it rises.
 */
const FLOOR_HELD = 246;

describe("esmini's C++ unit-test values (data/esmini/unittest_expectations.json)", () => {
  it('hold at least as often as the recorded floor', () => {
    const rows = summarize(checkEsminiExpectations(VALUES, { resources: ESMINI }));
    const total = rows.reduce((a, r) => a + r.total, 0);
    const held = rows.reduce((a, r) => a + r.ok, 0);
    console.log(`esmini unit-test values holding: ${held}/${total}`);
    expect(total).toBe(246);
    expect(held).toBeGreaterThanOrEqual(FLOOR_HELD);
  }, 120_000);
});
