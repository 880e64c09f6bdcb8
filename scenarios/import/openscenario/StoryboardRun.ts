/**
 * Storyboard mode: every entity, the ego included, follows the scenario's storyboard (esmini's
 * default controller: along its lane at the commanded speed), at any step. The output is what
 * esmini's `dat2csv` and log give, so a run can be held against esmini's own regression values:
 * per step and entity `time,id,name,x,y,z,h,p,r,speed` (h, p, r in [0, 2π)) and the storyboard's
 * transitions `time,kind,name`.
 */
import { fail, ok, type Result } from '../../../core/index.ts';
import { bodyOrientation, type RoadCoord, wrap2Pi } from '../opendrive/RoadGeometry.ts';
import { guard, kid } from '../opendrive/XmlTree.ts';
import type { ImportOptions } from '../types.ts';
import { prepareOpenScenario } from './OpenScenario.ts';
import type { ExecutorMessage, StoryEvent } from './OscExecutor.ts';

export interface StoryboardOptions {
  /** Simulation step, s (esmini's --fixed_timestep). */
  stepS: number;
  /**
   * Ignore controllers assigned in the file (esmini --disable_controllers). Controllers are not
   * simulated here, so every entity uses the default controller either way; the flag is accepted
   * so runs read like esmini's command lines.
   */
  disableControllers?: boolean;
  /** Stop at this time if the storyboard has not ended, s. */
  maxDurationS?: number;
  /**
   * Stepped like esmini's C++ API (`ScenarioEngine::step(dt)` from the first frame) rather than
   * its player (which runs frame 0 with dt = 0): the first step then moves no entity that Init
   * teleported, as the teleport owns that frame.
   */
  engineApi?: boolean;
}

/** One row of esmini's dat2csv output plus the road coordinates of the entity. */
export interface StateRow {
  tS: number;
  id: number;
  name: string;
  x: number;
  y: number;
  z: number;
  /** Heading, pitch, roll in [0, 2π), rad. */
  h: number;
  p: number;
  r: number;
  speedMps: number;
  road?: RoadCoord;
}

export interface StoryboardResult {
  states: StateRow[];
  events: StoryEvent[];
  endS: number;
  stepS: number;
  unsupported: string[];
  /** esmini's log lines that are not storyboard transitions (`ExecutorResult.messages`). */
  messages: ExecutorMessage[];
}

/** Default time limit when the storyboard has no StopTrigger that fires, s. */
export const STORYBOARD_MAX_S = 300;

/** Runs an .xosc storyboard at `stepS` and returns every entity's state per step and the storyboard log. */
export function runStoryboard(
  path: string,
  o: StoryboardOptions,
  imp: ImportOptions = {},
): Result<StoryboardResult> {
  if (!(o.stepS > 0) || o.stepS > 1)
    return fail('INVALID_INPUT', 'step', `step must be in (0, 1] s, got ${o.stepS}`);
  const prep = prepareOpenScenario(path, imp);
  if (!prep.ok) return prep;
  const { storyboard, odr, entities, exec, unsupported } = prep.value;
  return guard(path, () => {
    const res = exec.run(kid(storyboard, 'StopTrigger'), {
      dtS: o.stepS,
      maxDurationS: o.maxDurationS ?? STORYBOARD_MAX_S,
      minDurationS: 0,
      ...(o.engineApi ? { engineApi: true } : {}),
    });
    const geo = odr?.geometry;
    const states: StateRow[] = [];
    const lastRoad = new Map<string, string>();
    const n = Math.max(...entities.map((e) => res.states.get(e.name)?.track.length ?? 0));
    for (let k = 0; k < n; k++)
      entities.forEach((e, id) => {
        const est = res.states.get(e.name);
        const p = est?.track[k];
        // dat2csv lists the objects in the scene: none while an entity is added later or deleted.
        if (!p || est?.activeTrack[k] === false) return;
        const att = est?.attitude[k];
        const road = geo?.worldToRoad(p.x, p.y, lastRoad.get(e.name));
        let z = 0;
        let h = wrap2Pi(p.headingRad);
        let pitch = 0;
        let roll = 0;
        const x = p.x;
        const y = p.y;
        if (geo && road && road.laneId !== 0) {
          lastRoad.set(e.name, road.roadId);
          const rq = geo.pose(road.roadId, road.sM, road.tM);
          if (rq.ok) {
            const rp = rq.value;
            z = rp.z;
            // A superelevation that changes along s tilts the surface at t along s too: the body
            // pitches by that slope as far as it faces along s (esmini Position::GetPOffset).
            const hRel = p.headingRad - rp.hRoad;
            const pBody = Math.cos(hRel) * geo.superelevationPitch(road.roadId, road.sM, road.tM);
            const o3 = bodyOrientation(rp.hRoad, rp.pRoad, rp.rRoad, hRel, pBody);
            h = o3.h;
            pitch = o3.p;
            roll = o3.r;
          }
        }
        z += att?.zM ?? 0;
        roll = wrap2Pi(roll + (att?.rollRad ?? 0));
        states.push({
          tS: p.tS,
          id,
          name: e.name,
          x,
          y,
          z,
          h,
          p: pitch,
          r: roll,
          speedMps: p.speedMps,
          ...(road ? { road } : {}),
        });
      });
    return ok({
      states,
      events: exec.log,
      endS: res.endS,
      stepS: o.stepS,
      unsupported,
      messages: res.messages,
    });
  });
}

const f3 = (v: number): string => v.toFixed(3);

/** dat2csv's columns: `time,id,name,x,y,z,h,p,r,speed`. */
export function statesCsv(rows: readonly StateRow[]): string {
  const out = ['time,id,name,x,y,z,h,p,r,speed'];
  for (const r of rows)
    out.push(
      [f3(r.tS), r.id, r.name, f3(r.x), f3(r.y), f3(r.z), f3(r.h), f3(r.p), f3(r.r), f3(r.speedMps)].join(
        ',',
      ),
    );
  return `${out.join('\n')}\n`;
}

/** `time,kind,name` (a name with a comma is quoted). */
export function eventsCsv(rows: readonly StoryEvent[]): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${['time,kind,name', ...rows.map((e) => `${f3(e.tS)},${e.kind},${q(e.name)}`)].join('\n')}\n`;
}
