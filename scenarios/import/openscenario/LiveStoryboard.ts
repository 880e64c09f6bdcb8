/**
 * An OpenSCENARIO storyboard run live against the ego the planner drives (`Scenario.storyboard`):
 * the simulator's agent source for a file whose ego is under external control (CARLA
 * ScenarioRunner's hero, `module: external_control`). Each 0.1 s tick runs the executor's 0.05 s
 * frames (the import's step) with the simulated ego set into it first (`OscExecutor.drive`: pose,
 * speed, acceleration; the frame between two ticks reads the ego halfway between them), so every
 * condition that reads the ego — ReachPosition, RelativeDistance, TimeToCollision, StandStill,
 * TraveledDistance … — fires on what the planner's ego does, and the actors act as the storyboard
 * says from then on. The agents are the import's (same ids, footprint centres, speed magnitudes,
 * one agent per stretch an EntityAction keeps an entity in the scene). Deterministic: the same ego
 * states give the same agents.
 */
import type { EgoState, Result, Scenario, ScenarioStoryboard } from '../../../core/index.ts';
import { fail, normalizeAngle, ok } from '../../../core/index.ts';
import type {
  StoryboardAgent,
  StoryboardAgentSource,
  StoryboardEventStart,
  StoryboardSourceFactory,
} from '../../../sim/index.ts';
import { kid } from '../opendrive/XmlTree.ts';
import { usesCarlaFrame } from './CarlaCoordinates.ts';
import {
  EXECUTOR_STEP_S,
  MAX_DURATION_S,
  type PreparedScenario,
  prepareOpenScenario,
} from './OpenScenario.ts';
import type { OscExecutor } from './OscExecutor.ts';

/** One storyboard agent's runtime: the entity it is a stretch of and which stretch (1 = the first). */
interface AgentOf {
  id: string;
  entity: string;
  stretch: number;
}

export class LiveStoryboard implements StoryboardAgentSource {
  readonly agentIds: ReadonlySet<string>;
  private readonly exec: OscExecutor;
  private readonly egoEntity: string;
  private readonly agents: AgentOf[];
  private readonly out = new Map<string, StoryboardAgent>();
  /** Per entity: the stretch it is in (0 before it first enters the scene) and whether it was in at the last read. */
  private readonly stretch = new Map<string, number>();
  private readonly wasActive = new Map<string, boolean>();
  private readonly started: StoryboardEventStart[] = [];
  private readonly seenStarts = new Map<string, number>();
  private readonly egoIn = { x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0 };

  /**
   * @param prep the file read up to its storyboard (`prepareOpenScenario`), not yet run
   * @param scenario the imported scenario: its agent ids and duration
   */
  constructor(prep: PreparedScenario, spec: ScenarioStoryboard, scenario: Scenario) {
    this.exec = prep.exec;
    // a file written for CARLA ScenarioRunner (its "CARLA:" header) runs as ScenarioRunner reads its conditions
    if (usesCarlaFrame(prep.root)) this.exec.dialect = 'scenario_runner';
    this.egoEntity = spec.egoEntity;
    const names = new Set(prep.entities.map((e) => e.name));
    this.agents = [];
    for (const a of scenario.agents) {
      const m = /^(.*)#(\d+)$/.exec(a.id);
      if (names.has(a.id) && a.id !== spec.egoEntity)
        this.agents.push({ id: a.id, entity: a.id, stretch: 1 });
      else if (m && names.has(m[1]!) && m[1] !== spec.egoEntity)
        this.agents.push({ id: a.id, entity: m[1]!, stretch: Number(m[2]) });
    }
    this.agentIds = new Set(this.agents.map((a) => a.id));
    for (const a of this.agents)
      this.out.set(a.id, { present: false, kind: 'static', x: 0, y: 0, headingRad: 0, speedMps: 0 });
    // The storyboard runs past the scenario's end (its StopTrigger ends nothing the simulation still shows).
    const endS = Math.min(scenario.durationS, MAX_DURATION_S) + 1;
    this.exec.begin(kid(prep.storyboard, 'StopTrigger'), {
      dtS: EXECUTOR_STEP_S,
      maxDurationS: endS,
      minDurationS: endS,
    });
  }

  start(ego: EgoState): ReadonlyMap<string, StoryboardAgent> {
    this.drive(ego, ego, 1);
    this.exec.frame();
    return this.read();
  }

  step(_tS: number, dtS: number, egoFrom: EgoState, egoTo: EgoState): ReadonlyMap<string, StoryboardAgent> {
    const n = Math.max(1, Math.round(dtS / EXECUTOR_STEP_S));
    for (let j = 1; j <= n; j++) {
      this.drive(egoFrom, egoTo, j / n);
      this.exec.frame();
    }
    return this.read();
  }

  eventStarts(): StoryboardEventStart[] {
    return this.started.map((e) => ({ ...e }));
  }

  /** Sets the ego `u` of the way from `a` to `b` (its rear axle: the OpenSCENARIO reference point). */
  private drive(a: EgoState, b: EgoState, u: number): void {
    const e = this.egoIn;
    e.x = a.x + u * (b.x - a.x);
    e.y = a.y + u * (b.y - a.y);
    e.headingRad = a.headingRad + u * normalizeAngle(b.headingRad - a.headingRad);
    e.speedMps = a.speedMps + u * (b.speedMps - a.speedMps);
    e.accelMps2 = a.accelMps2 + u * (b.accelMps2 - a.accelMps2);
    this.exec.drive(this.egoEntity, e);
  }

  /** The agents as the executor last recorded them (the state at the frame's time, before its storyboard step). */
  private read(): ReadonlyMap<string, StoryboardAgent> {
    const states = this.exec.entityStates;
    for (const [name, st] of states) {
      const k = st.activeTrack.length - 1;
      const active = k >= 0 && st.activeTrack[k] !== false;
      if (active && !this.wasActive.get(name)) this.stretch.set(name, (this.stretch.get(name) ?? 0) + 1);
      this.wasActive.set(name, active);
    }
    for (const a of this.agents) {
      const st = states.get(a.entity)!;
      const o = this.out.get(a.id)!;
      const p = st.track[st.track.length - 1];
      o.present = !!p && this.wasActive.get(a.entity) === true && this.stretch.get(a.entity) === a.stretch;
      if (!p) continue;
      const c = st.entity.centerOffsetM;
      o.kind = st.entity.kind;
      o.x = p.x + c * Math.cos(p.headingRad);
      o.y = p.y + c * Math.sin(p.headingRad);
      o.headingRad = normalizeAngle(p.headingRad);
      o.speedMps = Math.abs(p.speedMps);
    }
    for (const [name, tS] of this.exec.eventStartTimes)
      if (this.seenStarts.get(name) !== tS) {
        this.seenStarts.set(name, tS);
        this.started.push({ name, tS });
      }
    return this.out;
  }
}

/**
 * The source factory for a scenario whose agents are storyboard-driven: reads the `.xosc` once now
 * (an error names the file and field) and again for each further run (the first run takes the one
 * read now). Throws only if a file that read once no longer does.
 */
export function liveStoryboardFactory(
  spec: ScenarioStoryboard,
  scenario: Scenario,
): Result<StoryboardSourceFactory> {
  const read = (): Result<PreparedScenario> =>
    prepareOpenScenario(spec.path, {
      ...(spec.mapPath ? { mapPath: spec.mapPath } : {}),
      ...(spec.parameters ? { parameters: spec.parameters } : {}),
    });
  const first = read();
  if (!first.ok) return first;
  if (!first.value.entities.some((e) => e.name === spec.egoEntity))
    return fail(
      'INVALID_INPUT',
      `${spec.path}:storyboard.egoEntity`,
      `no entity ${spec.egoEntity} in the file`,
    );
  let spare: PreparedScenario | undefined = first.value;
  return ok((s: Scenario) => {
    let prep = spare;
    spare = undefined;
    if (!prep) {
      const again = read();
      if (!again.ok) throw new Error(`live storyboard ${spec.path}: ${again.error.message}`);
      prep = again.value;
    }
    return new LiveStoryboard(prep, spec, s ?? scenario);
  });
}
