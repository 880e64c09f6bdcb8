/**
 * Traffic lights for lanes the map does not have. A light is applied to the lane it names; a lane
 * id the map does not know (a typo, another map's ids, an Autoware group id with no
 * `signalGroups` entry) means a red light is never applied. The bridges take such lights (the
 * others in the message still count) and say so once per unknown id on their error channel.
 */
import type { TrafficLightState } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';

const NONE: readonly string[] = [];

/** Remembers which unknown lane ids were reported, so each is reported once. */
export class LightLanes {
  private readonly reported = new Set<string>();

  constructor(private readonly map: Pick<RoadMap, 'lane'>) {}

  /** The lane ids in `lights` that are not on the map and were not reported before (now reported). */
  newUnknown(lights: readonly TrafficLightState[]): readonly string[] {
    let out: string[] | undefined;
    for (const l of lights) {
      if (this.map.lane(l.laneId) !== undefined || this.reported.has(l.laneId)) continue;
      this.reported.add(l.laneId);
      (out ??= []).push(l.laneId);
    }
    return out ?? NONE;
  }
}

/** The warning for unknown lane ids, the same on every bridge. */
export function unknownLightLanesMessage(ids: readonly string[]): string {
  const list = ids.map((id) => JSON.stringify(id)).join(', ');
  return `${ids.length === 1 ? 'lane' : 'lanes'} ${list} not on the map: ${ids.length === 1 ? 'its light is' : 'their lights are'} ignored (said once per id)`;
}
