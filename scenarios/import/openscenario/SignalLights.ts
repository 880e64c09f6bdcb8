/**
 * OpenSCENARIO traffic-signal states as the lights the planner sees. A TrafficSignalStateAction
 * sets an OpenDRIVE signal's lamps with a string of one mode per lamp, top to bottom
 * ("on;off;off"); which colour each lamp has follows from the signal's type and subtype (esmini's
 * traffic_light_type_map in RoadManager.hpp, learnt from its source, no code taken). A vehicle
 * light becomes one SignalTimeline on the lanes whose stop line it governs; pedestrian, bicycle
 * and tram heads say nothing about vehicle lanes and are left out with a warning.
 */
import type { SignalState, SignalTimeline } from '../../../core/index.ts';
import type { SignalHead } from '../opendrive/OpenDriveMap.ts';

type Colour = 'red' | 'yellow' | 'green';

/** Lamp colours, top to bottom, of the vehicle traffic lights esmini knows (type[.subtype]). */
const VEHICLE_LAMPS: Readonly<Record<string, readonly Colour[]>> = {
  '1000001': ['red', 'yellow', 'green'],
  // Arrow lights (left, right, straight, straight-left, straight-right) and the bus/tram 1000013.10:
  // three lamps in the same order.
  '1000011.10': ['red', 'yellow', 'green'],
  '1000011.20': ['red', 'yellow', 'green'],
  '1000011.30': ['red', 'yellow', 'green'],
  '1000011.40': ['red', 'yellow', 'green'],
  '1000011.50': ['red', 'yellow', 'green'],
};

/** esmini's combined key: the type, with ".subtype" unless the subtype is -1 or empty. */
function typeKey(h: Pick<SignalHead, 'type' | 'subtype'>): string {
  return h.subtype === '' || h.subtype === '-1' ? h.type : `${h.type}.${h.subtype}`;
}

/**
 * The light a vehicle lamp-state string shows: red lit or flashing → RED (stop); else yellow lit →
 * YELLOW; else green lit or flashing → GREEN; anything else (all off, flashing yellow, unknown,
 * broken, a wrong number of lamps) → UNKNOWN.
 */
export function vehicleLightState(lamps: readonly Colour[], state: string): SignalState {
  const modes = state
    .split(';')
    .map((m) => m.trim().toLowerCase())
    .filter((m) => m !== '');
  if (modes.length !== lamps.length) return 'UNKNOWN';
  const lit = (c: Colour, ...how: string[]) => lamps.some((l, i) => l === c && how.includes(modes[i]!));
  if (lit('red', 'on', 'flashing')) return 'RED';
  if (lit('yellow', 'on')) return 'YELLOW';
  if (lit('green', 'on', 'flashing')) return 'GREEN';
  return 'UNKNOWN';
}

/**
 * One timeline per vehicle light that a TrafficSignalStateAction set (states by signal name, in
 * the order set, with their times): UNKNOWN until the first state, then each change. Warnings
 * name the signals left out (unknown id, not a vehicle light, no lane).
 */
export function signalTimelines(
  states: ReadonlyMap<string, readonly { tS: number; state: string }[]>,
  heads: readonly SignalHead[],
): { signals: SignalTimeline[]; warnings: string[] } {
  const signals: SignalTimeline[] = [];
  const warnings: string[] = [];
  for (const [name, log] of states) {
    const head = heads.find((h) => h.id === name);
    if (!head) {
      warnings.push(`traffic signal ${name}: no dynamic signal with that id in the road network`);
      continue;
    }
    const lamps = VEHICLE_LAMPS[typeKey(head)];
    if (!lamps) {
      warnings.push(
        `traffic signal ${name} (type ${typeKey(head)}): not a vehicle light, its states are not lights for the ego`,
      );
      continue;
    }
    if (head.laneIds.length === 0) {
      warnings.push(`traffic signal ${name}: governs no driving lane we model`);
      continue;
    }
    // a signal whose log holds no state yet has no timeline to give
    if (log.length === 0) continue;
    const phases: SignalTimeline['phases'] = [];
    for (const { tS, state } of log) {
      const s = vehicleLightState(lamps, state);
      // states set before the start all hold from t = 0: the later one replaces the earlier, as
      // two states set at one time do (two phases at one fromS left the light ambiguous)
      const fromS = Math.max(tS, 0);
      const last = phases[phases.length - 1];
      if (last && Math.abs(last.fromS - fromS) < 1e-9) {
        last.state = s;
        // the replaced phase may now repeat the one before it
        if (phases.length > 1 && phases[phases.length - 2]!.state === s) phases.pop();
      } else if (!last || last.state !== s) phases.push({ fromS, state: s });
    }
    if (phases[0]!.fromS > 0) phases.unshift({ fromS: 0, state: 'UNKNOWN' });
    signals.push({ laneIds: [...new Set(head.laneIds)], phases });
  }
  return { signals, warnings };
}
