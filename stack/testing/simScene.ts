/**
 * Test support: a scenario on a hand-built map, and a closed loop that drives a controller or a
 * command sequence through the engine's control mode (no planner, no gate).
 */
import {
  type Control,
  type EgoState,
  type MidLevelCommand,
  type RoadMapData,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
  type VehicleParams,
  VehicleParamsSchema,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import type { CommandController } from '../../core/planning/index.ts';
import { SimEngine } from '../../sim/index.ts';

export interface SceneSpec {
  map: RoadMapData;
  ego: EgoState;
  routeLaneIds: string[];
  durationS?: number;
  vehicle?: Partial<VehicleParams>;
  agents?: ScenarioInput['agents'];
}

export function testScenario(spec: SceneSpec): { scenario: Scenario; map: RoadMap } {
  const scenario = ScenarioSchema.parse({
    formatVersion: 1,
    id: 'test',
    map: { kind: 'inline', map: spec.map },
    vehicle: VehicleParamsSchema.parse(spec.vehicle ?? {}),
    egoStart: spec.ego,
    route: { laneIds: spec.routeLaneIds },
    expert: [
      { tS: 0, x: spec.ego.x, y: spec.ego.y, headingRad: spec.ego.headingRad, speedMps: spec.ego.speedMps },
      { tS: 0.1, x: spec.ego.x, y: spec.ego.y, headingRad: spec.ego.headingRad, speedMps: spec.ego.speedMps },
    ],
    agents: spec.agents ?? [],
    durationS: spec.durationS ?? 10,
  });
  return { scenario, map: new RoadMap(spec.map) };
}

/** Drives `controller` with `commandAt(tS)` at `controlHz` through the engine; returns the ego per control step. */
export function driveController(
  scene: { scenario: Scenario; map: RoadMap },
  controller: CommandController,
  commandAt: (tS: number) => MidLevelCommand,
  opts: {
    controlHz?: number;
    actuationDelayS?: number;
    onControl?: (c: Control, ego: EgoState) => void;
  } = {},
): EgoState[] {
  const engine = new SimEngine(scene.scenario, scene.map, {
    mode: 'nonreactive',
    ...(opts.actuationDelayS !== undefined ? { actuationDelayS: opts.actuationDelayS } : {}),
  });
  const sub = Math.max(1, Math.round(engine.dtS * (opts.controlHz ?? 20)));
  const dtS = engine.dtS / sub;
  let state = controller.init(engine.ctx);
  const egos: EgoState[] = [];
  for (;;) {
    for (let j = 0; j < sub; j++) {
      const snap = engine.snapshot();
      egos.push(snap.ego);
      if (engine.last) return egos;
      const r = controller.step(
        state,
        { ego: snap.ego, command: commandAt(snap.ego.tS), snapshot: snap, dtS },
        engine.ctx,
      );
      state = r.state;
      opts.onControl?.(r.control, snap.ego);
      engine.applyControl(r.control, dtS);
    }
    engine.endTick();
  }
}

/** A command with defaults (FOLLOW_LANE, KEEP, long-lived). */
export function command(c: Partial<MidLevelCommand> = {}): MidLevelCommand {
  return {
    speed: 'KEEP',
    path: 'FOLLOW_LANE',
    horizonS: 5,
    rationale: 'test',
    issuedAtS: 0,
    expiresAtS: 1000,
    source: 'test',
    ...c,
  };
}
