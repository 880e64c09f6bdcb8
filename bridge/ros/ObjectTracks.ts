/**
 * Speeds of objects whose message carries none (vision_msgs Detection3D has no velocity field), from
 * their positions in successive messages — as a tracker does it: a detection with an id is
 * followed by its id, one without (`Detection3D.id` empty; ROS 1 vision_msgs has none at all) is
 * associated with the nearest anonymous object of the previous message within the distance a
 * plausible speed covers meanwhile. Detectors do not keep their list order: the index is never an
 * identity (two parked cars swapped in the list read 294 m/s, review 14 H1).
 *
 * A speed is only ever a finite difference between two sightings of the same object; an object
 * seen for the first time (or again after a gap, or after a jump no plausible speed explains: an id
 * switch) has no measured speed, and says so: `speedKnown` false (core's `AgentState.speedKnown`),
 * its speed the placeholder 0, its `seenForS` 0 (core's first sighting). The gate then takes it both
 * at rest and at its kind's plausible speed; before, this module invented one — its kind's worst
 * case when it headed towards the ego, 0 when away — which made a car standing across the ego's path
 * facing its side a car that would clear the junction at 13.9 m/s. From its second sighting on its
 * speed is the measured one, never low-passed up from a first value. Pure.
 */
import type { ObjectReading } from './rosMessages.ts';

export interface ObjectTracksParams {
  /** Fastest object taken as real: a jump that needs more is not the same object, m/s (250 km/h). */
  maxSpeedMps: number;
  /**
   * Hardest change of velocity taken as real, m/s²: an object whose velocity is measured is looked
   * for where that velocity takes it, within ½·a·Δt² (plus the box noise) — a standing car is not
   * paired with another that appears 30 m off as it vanishes (a 300 m/s speed before; 60 m/s with
   * the speed gate alone).
   */
  maxAccelMps2: number;
  /** Position noise of a detection's box centre allowed on top of the distance a speed covers, m. */
  gateMarginM: number;
  /** Sightings closer in time than this give no new finite difference (stamps jitter), s. */
  minDtS: number;
  /** An object not seen for this long is first seen again, s. */
  maxGapS: number;
}

/** Defaults. maxAccelMps2: about 1 g, beyond a car's braking on dry asphalt. */
export const OBJECT_TRACKS_DEFAULTS: ObjectTracksParams = {
  maxSpeedMps: 70,
  maxAccelMps2: 10,
  gateMarginM: 1.0,
  minDtS: 0.02,
  maxGapS: 1.0,
};

interface Track {
  id: string;
  x: number;
  y: number;
  tS: number;
  /** Measured velocity (undefined: seen once), map frame, m/s. */
  v: { x: number; y: number } | undefined;
  firstTS: number;
}

/** What is remembered between messages: the objects seen within `maxGapS`, and the counter for new anonymous ids. */
export interface ObjectTracksState {
  readonly named: ReadonlyMap<string, Track>;
  readonly anonymous: ReadonlyArray<Track>;
  readonly nextAnonymous: number;
}

export const OBJECT_TRACKS_INITIAL: ObjectTracksState = { named: new Map(), anonymous: [], nextAnonymous: 0 };

/**
 * One object of a message, placed in the map frame (a reading's pose and kind, without its box);
 * `id` undefined: the message gave none; `speedMps` the message's own speed (Autoware twist), taken as it is.
 */
export type PlacedObject = Pick<ObjectReading, 'id' | 'kind' | 'x' | 'y' | 'headingRad' | 'speedMps'>;

export interface TrackedObject {
  /** The message's id, or `anon-<n>`, stable while the association holds. */
  id: string;
  /** The message's speed, else the measured one, else 0 (`speedKnown` false), m/s. */
  speedMps: number;
  /** False: no speed measured or given (a first sighting): `speedMps` is no measurement. */
  speedKnown: boolean;
  /** Time since the first sighting, s (0: first seen in this message). */
  seenForS: number;
}

/**
 * One message's objects at time `tS` (their stamp, s): each object's id, speed (or that it has none
 * measured yet) and time seen, and the state for the next message.
 */
export function objectTracksStep(
  state: ObjectTracksState,
  objects: ReadonlyArray<PlacedObject>,
  tS: number,
  p: ObjectTracksParams = OBJECT_TRACKS_DEFAULTS,
): { state: ObjectTracksState; objects: TrackedObject[] } {
  const out: TrackedObject[] = new Array(objects.length);
  const named = new Map<string, Track>();
  const anonymous: Track[] = [];
  let nextAnonymous = state.nextAnonymous;
  /**
   * How far (x, y) is from where `prev` would be now — at its measured velocity, within what a
   * plausible change of it allows; unmeasured, anywhere a plausible speed reaches — or undefined
   * when it is beyond that (dt outside [0, maxGap]: undefined too).
   */
  const reachable = (prev: Track, x: number, y: number): number | undefined => {
    const dt = tS - prev.tS;
    if (!(dt >= 0) || dt > p.maxGapS) return undefined;
    if (prev.v) {
      const d = Math.hypot(x - prev.x - prev.v.x * dt, y - prev.y - prev.v.y * dt);
      return d <= p.gateMarginM + 0.5 * p.maxAccelMps2 * dt * dt ? d : undefined;
    }
    const d = Math.hypot(x - prev.x, y - prev.y);
    return d <= p.maxSpeedMps * dt + p.gateMarginM ? d : undefined;
  };
  const follow = (o: PlacedObject, i: number, id: string, prev: Track | undefined): Track => {
    let v: Track['v'];
    if (prev) {
      const dt = tS - prev.tS;
      if (dt > p.minDtS) {
        const raw = { x: (o.x - prev.x) / dt, y: (o.y - prev.y) / dt };
        // low-pass a measured velocity (box centres jitter by centimetres); the first measurement as it is
        v = prev.v ? { x: 0.5 * prev.v.x + 0.5 * raw.x, y: 0.5 * prev.v.y + 0.5 * raw.y } : raw;
      } else v = prev.v;
    }
    const t: Track = { id, x: o.x, y: o.y, tS, v, firstTS: prev ? prev.firstTS : tS };
    const speed = v ? Math.hypot(v.x, v.y) : undefined;
    const given = o.speedMps;
    const measured = given ?? speed;
    out[i] = { id, speedMps: measured ?? 0, speedKnown: measured !== undefined, seenForS: tS - t.firstTS };
    return t;
  };
  // objects with ids: by id, unless the jump is no plausible motion (an id switch: first seen again)
  const anon: number[] = [];
  objects.forEach((o, i) => {
    if (o.id === undefined) {
      anon.push(i);
      return;
    }
    const prev = state.named.get(o.id);
    const kept = prev && reachable(prev, o.x, o.y) !== undefined ? prev : undefined;
    named.set(o.id, follow(o, i, o.id, kept));
  });
  // anonymous ones: nearest pairs first, each previous object taken once (global nearest neighbour)
  const pairs: { i: number; j: number; d: number }[] = [];
  for (const i of anon) {
    const o = objects[i]!;
    state.anonymous.forEach((prev, j) => {
      const d = reachable(prev, o.x, o.y);
      if (d !== undefined) pairs.push({ i, j, d });
    });
  }
  pairs.sort((a, b) => a.d - b.d);
  const takenPrev = new Set<number>();
  const matched = new Map<number, Track>();
  for (const { i, j } of pairs) {
    if (matched.has(i) || takenPrev.has(j)) continue;
    takenPrev.add(j);
    matched.set(i, state.anonymous[j]!);
  }
  for (const i of anon) {
    const prev = matched.get(i);
    const id = prev ? prev.id : `anon-${nextAnonymous++}`;
    anonymous.push(follow(objects[i]!, i, id, prev));
  }
  // an object missing from this message (a detector misses a frame) is kept for maxGapS: back, it
  // is the same object — a new id would be a first sighting again, and the gate grants a newly
  // perceived lead RSS's response time
  const coasting = (t: Track): boolean => tS - t.tS >= 0 && tS - t.tS <= p.maxGapS;
  for (const [id, t] of state.named) if (!named.has(id) && coasting(t)) named.set(id, t);
  state.anonymous.forEach((t, j) => {
    if (!takenPrev.has(j) && coasting(t)) anonymous.push(t);
  });
  return { state: { named, anonymous, nextAnonymous }, objects: out };
}
