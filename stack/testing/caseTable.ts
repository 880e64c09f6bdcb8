/**
 * The situational case tables of the safety gate (safety/SafetyGate.situational.test.ts and the
 * red team's safety/SafetyGate.heldout.test.ts): a case is a scene, a command and the verdict a
 * safety reviewer expects; the table is run as one test per case plus the aggregate aims
 * (≥ 95 % right, ≥ 95 % of the benign cases ALLOWed exactly) and the check that every repair of a
 * MODIFY passes the gate itself. Test-only (imports vitest).
 */
import { describe, expect, it } from 'vitest';
import type { MidLevelCommand, Verdict } from '../../core/index.ts';
import type { SafetyGate } from '../../safety/SafetyGate.ts';
import type { SafetyScene } from '../../safety/Scene.ts';
import { cmd, type SceneSpec, scene } from './safetyScenes.ts';

export type Expect = 'ALLOW' | 'MODIFY' | 'VETO' | 'NOT_ALLOW';

export interface SituationalCase {
  name: string;
  /** Why this verdict, from first principles. */
  why?: string;
  spec: SceneSpec;
  /** A partial command completed by `cmd`, or with `raw` the command as given (untrusted input). */
  command: Partial<MidLevelCommand> | unknown;
  expect: Expect;
  /** A rule that must be among those that fired. */
  rule?: string;
  nowS?: number;
  raw?: boolean;
}

function sceneOf(c: SituationalCase): SafetyScene {
  return { ...scene(c.spec), ...(c.nowS !== undefined ? { nowS: c.nowS } : {}) };
}

export function runCase(gate: SafetyGate, c: SituationalCase): Verdict {
  const command = c.raw ? (c.command as MidLevelCommand) : cmd(c.command as Partial<MidLevelCommand>);
  return gate.checkCommand(command, sceneOf(c));
}

/** Whether the gate's verdict is right for a case (decision, and the named rule among those that fired). */
export function rightFor(c: SituationalCase, v: Verdict): boolean {
  const decisionOk = c.expect === 'NOT_ALLOW' ? v.decision !== 'ALLOW' : v.decision === c.expect;
  const fired = v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule);
  return decisionOk && (!c.rule || fired.includes(c.rule));
}

/** Registers the table's tests: its size, the aggregate aims (printed as `label: …`), each case, the repairs. */
export function describeCaseTable(
  title: string,
  label: string,
  gate: SafetyGate,
  cases: readonly SituationalCase[],
  minCases: number,
  /** How many MODIFY repairs the table must have to re-check (so the last test cannot pass empty). */
  minRepairs = 0,
): void {
  describe(title, () => {
    it(`has ≥ ${minCases} cases, half of them benign`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(minCases);
      expect(cases.filter((c) => c.expect === 'ALLOW').length / cases.length).toBeGreaterThanOrEqual(0.5);
    });
    it('the gate gets ≥ 95 % right and ALLOWs ≥ 95 % of the benign cases exactly', () => {
      const verdicts = cases.map((c) => ({ c, v: runCase(gate, c) }));
      const nRight = verdicts.filter(({ c, v }) => rightFor(c, v)).length;
      const benign = verdicts.filter(({ c }) => c.expect === 'ALLOW');
      const allowed = benign.filter(({ v }) => v.decision === 'ALLOW').length;
      const caught = verdicts.filter(({ c, v }) => c.expect !== 'ALLOW' && rightFor(c, v)).length;
      console.log(
        `${label}: ${nRight}/${cases.length} right; benign ALLOWed exactly ${allowed}/${benign.length}; unsafe caught ${caught}/${cases.length - benign.length}`,
      );
      expect(nRight / cases.length).toBeGreaterThanOrEqual(0.95);
      expect(allowed / benign.length).toBeGreaterThanOrEqual(0.95);
    });
    for (const c of cases) {
      it(`${c.expect}: ${c.name}`, () => {
        const v = runCase(gate, c);
        if (c.expect === 'NOT_ALLOW') expect(v.decision, v.explanation).not.toBe('ALLOW');
        else expect(v.decision, v.explanation).toBe(c.expect);
        if (c.rule) {
          const fired = v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule);
          expect(fired, v.explanation).toContain(c.rule);
        }
        if (v.decision === 'MODIFY') expect(v.modified).toBeDefined();
        if (v.decision === 'VETO') expect(v.mrm).toBeDefined();
      });
    }
    it('every repaired command of a MODIFY passes the gate itself in the same scene', () => {
      const modifies = cases
        .map((c) => ({ c, v: runCase(gate, c) }))
        .filter(({ v }) => v.decision === 'MODIFY');
      expect(modifies.length).toBeGreaterThanOrEqual(minRepairs);
      for (const { c, v } of modifies) {
        const again = gate.checkCommand(v.modified!, sceneOf(c));
        expect(again.decision, `${c.name}: repair ${JSON.stringify(v.modified)} → ${again.explanation}`).toBe(
          'ALLOW',
        );
      }
    });
  });
}
