/**
 * Input hardening. A command that does not parse, or whose numbers are out of range, is vetoed;
 * stale snapshots and expired commands are vetoed; text from the world (signs, V2X, operator)
 * that tries to steer the planner is flagged. No rule ever reads that text to relax a check, so
 * it can never authorise breaking one.
 */
import {
  type MidLevelCommand,
  MidLevelCommandSchema,
  parseWith,
  type Result,
  type VehicleParams,
  type WorldSnapshot,
} from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import type { SafetyParams } from '../SafetyParams.ts';
import { type RuleSink, round } from './CheckContext.ts';

/** Phrases that try to give orders to the planner or to lift a rule (prompt injection). */
const INJECTION: ReadonlyArray<RegExp> = [
  /\bignore\b.{0,40}\b(rules?|instructions?|previous|safety|limits?|lights?|signals?)\b/i,
  /\b(disregard|override|bypass|disable|turn off)\b.{0,40}\b(rules?|safety|gate|limits?|checks?)\b/i,
  /\byou (are|'re) (now )?(allowed|authori[sz]ed|permitted|cleared)\b/i,
  /\b(system|developer) (prompt|message|mode)\b/i,
  /\b(run|drive through|go through|proceed through)\b.{0,20}\b(red|the light|the signal)\b/i,
  /\bspeed limit\b.{0,30}\b(is|now)\b.{0,10}\b(lifted|suspended|removed|\d{3,})\b/i,
  /\b(accelerate|speed up|full throttle)\b.{0,30}\b(now|immediately|regardless)\b/i,
  /\bnew (instructions?|orders?)\b/i,
];

/** Parses an untrusted command; the error names the field. */
export function parseCommand(input: unknown): Result<MidLevelCommand> {
  return parseWith(MidLevelCommandSchema, input, 'command');
}

/** Returns the injection phrase found in `text`, or ''. */
export function findInjection(text: string): string {
  for (const re of INJECTION) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  return '';
}

/** Range, freshness and instruction checks; returns false when the command must be vetoed. */
export function inputRules(
  cmd: MidLevelCommand,
  snapshot: WorldSnapshot,
  map: RoadMap,
  vehicle: VehicleParams,
  params: SafetyParams,
  nowS: number,
  sink: RuleSink,
): boolean {
  let okAll = true;
  const bad = (msg: string, values: Record<string, number | string | boolean>): void => {
    okAll = false;
    sink.fail('input.range', msg, values, { unfixable: true });
  };
  if (cmd.targetSpeedMps !== undefined && cmd.targetSpeedMps > vehicle.maxSpeedMps)
    bad(`targetSpeedMps ${cmd.targetSpeedMps} m/s above the vehicle's ${vehicle.maxSpeedMps} m/s`, {
      targetSpeedMps: cmd.targetSpeedMps,
      maxSpeedMps: vehicle.maxSpeedMps,
    });
  else if (cmd.stopAt && Math.hypot(cmd.stopAt.x - snapshot.ego.x, cmd.stopAt.y - snapshot.ego.y) > 300)
    bad('stopAt more than 300 m from the ego', {
      stopAtDistanceM: round(Math.hypot(cmd.stopAt.x - snapshot.ego.x, cmd.stopAt.y - snapshot.ego.y)),
    });
  else if (cmd.targetLaneId !== undefined && !map.lane(cmd.targetLaneId))
    bad(`targetLaneId ${cmd.targetLaneId} is not on the map`, { targetLaneId: cmd.targetLaneId });
  else if (cmd.stopAt && cmd.speed !== 'STOP')
    bad(`stopAt given with speed ${cmd.speed} (STOP only)`, { speed: cmd.speed });
  else sink.pass('input.range', 'command fields within range');

  const ageS = nowS - snapshot.tS;
  if (ageS > params.maxInputAgeS || ageS < -params.maxInputAgeS) {
    okAll = false;
    sink.fail(
      'input.stale',
      `snapshot is ${round(ageS, 3)} s old (max ${params.maxInputAgeS} s)`,
      { ageS: round(ageS, 3), maxAgeS: params.maxInputAgeS },
      { unfixable: true },
    );
  } else if (nowS > cmd.expiresAtS + 1e-9) {
    okAll = false;
    sink.fail(
      'input.stale',
      `command expired at ${cmd.expiresAtS} s (now ${round(nowS, 3)} s)`,
      { expiresAtS: cmd.expiresAtS, nowS: round(nowS, 3) },
      { unfixable: true },
    );
  } else if (cmd.issuedAtS > nowS + params.maxInputAgeS) {
    okAll = false;
    sink.fail(
      'input.stale',
      `command issued in the future (${cmd.issuedAtS} s > now ${round(nowS, 3)} s)`,
      { issuedAtS: cmd.issuedAtS, nowS: round(nowS, 3) },
      { unfixable: true },
    );
  } else sink.pass('input.stale', 'inputs fresh', { ageS: round(ageS, 3) });

  const texts: string[] = [];
  if (snapshot.instruction) texts.push(snapshot.instruction.text);
  texts.push(cmd.rationale);
  let flagged = '';
  for (const t of texts) {
    flagged = findInjection(t);
    if (flagged) break;
  }
  // Flagged, never authorising: the result stays ALLOW-level and no other rule reads the text.
  sink.pass(
    'input.instruction',
    flagged
      ? `instruction text tries to steer the planner ("${flagged}"): flagged, it authorises nothing`
      : 'no steering text found',
    {
      flagged: !!flagged,
      ...(snapshot.instruction ? { source: snapshot.instruction.source } : {}),
    },
  );
  return okAll;
}
