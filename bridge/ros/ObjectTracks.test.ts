import { describe, expect, it } from 'vitest';
import {
  OBJECT_TRACKS_INITIAL,
  type ObjectTracksState,
  objectTracksStep,
  type PlacedObject,
} from './ObjectTracks.ts';

const car = (x: number, headingRad = 0, id?: string): PlacedObject => ({
  id,
  kind: 'vehicle',
  x,
  y: 0,
  headingRad,
  speedMps: undefined,
});

/** Steps `frames` (objects per message, 0.1 s apart); the speeds of each message. */
function run(frames: PlacedObject[][]): { speeds: number[][]; ids: string[][]; state: ObjectTracksState } {
  let state = OBJECT_TRACKS_INITIAL;
  const speeds: number[][] = [];
  const ids: string[][] = [];
  frames.forEach((objs, k) => {
    const r = objectTracksStep(state, objs, 100 + 0.1 * k);
    state = r.state;
    speeds.push(r.objects.map((o) => o.speedMps));
    ids.push(r.objects.map((o) => o.id));
  });
  return { speeds, ids, state };
}

describe('ObjectTracks', () => {
  it('associates anonymous detections by position, not by their place in the list', () => {
    // two parked cars 30 m apart, listed in alternating order (review 14 H1: read as 294 m/s)
    const frames = Array.from({ length: 6 }, (_, k) => (k % 2 ? [car(160), car(130)] : [car(130), car(160)]));
    const { speeds, ids } = run(frames);
    for (const s of speeds.slice(1)) for (const v of s) expect(v).toBeLessThan(0.01);
    // each car keeps its id across the swaps
    expect(ids[1]).toEqual([ids[0]![1], ids[0]![0]]);
  });

  it('measures an anonymous car from its second sighting on, without low-passing up from a guess', () => {
    const frames = Array.from({ length: 4 }, (_, k) => [car(100 + 2 * k)]); // 20 m/s away from the ego
    const { speeds } = run(frames);
    expect(speeds[1]![0]).toBeCloseTo(20, 6);
    expect(speeds[3]![0]).toBeCloseTo(20, 6);
  });

  it('says a first-seen object has no speed measured, whichever way it heads (no invented speed)', () => {
    const r = objectTracksStep(OBJECT_TRACKS_INITIAL, [car(80, Math.PI), car(80.0, 0, 'lead')], 100);
    expect(r.objects.map((o) => [o.speedMps, o.speedKnown, o.seenForS])).toEqual([
      [0, false, 0],
      [0, false, 0],
    ]);
  });

  it('an oncoming tracked car reads its speed at its second message (review 14: 0, 10, 15, … before), measured from then on', () => {
    const frames = Array.from({ length: 3 }, (_, k) => [car(300 - 2 * k, Math.PI, 'onc')]);
    const { speeds } = run(frames);
    expect(speeds[0]![0]).toBe(0); // first seen: the placeholder, speedKnown false
    expect(speeds[1]![0]).toBeCloseTo(20, 6);
  });

  it('never pairs a detection with one no plausible speed reaches: a new object, not a 300 m/s one', () => {
    const { speeds, ids } = run([[car(100)], [car(130)]]);
    expect(ids[1]![0]).not.toBe(ids[0]![0]);
    expect(speeds[1]![0]).toBe(0); // first seen: no speed measured
    // an id whose object jumps 30 m in 0.1 s is an id switch: first seen again
    const named = run([[car(100, 0, 'a')], [car(130, 0, 'a')]]);
    expect(named.speeds[1]![0]).toBe(0);
  });

  it('keeps an object a detector missed for a message: back, it is the same object, not first seen again', () => {
    const { speeds, ids } = run([[car(100)], [car(102)], [], [car(106)]]);
    expect(ids[3]![0]).toBe(ids[0]![0]);
    expect(speeds[3]![0]).toBeCloseTo(20, 6);
    const named = run([[car(100, 0, 'a')], [], [car(104, 0, 'a')]]);
    expect(named.speeds[2]![0]).toBeCloseTo(20, 6);
  });

  it('looks for a measured object where its velocity takes it: a parked car that vanishes is not the one appearing 30 m off', () => {
    // 0.5 s gap: the speed gate alone (70 m/s × 0.5 s) would pair them and read 60 m/s
    let state = objectTracksStep(OBJECT_TRACKS_INITIAL, [car(130)], 100).state;
    state = objectTracksStep(state, [car(130)], 100.1).state;
    const r = objectTracksStep(state, [car(160)], 100.6);
    expect(r.objects[0]).toMatchObject({ speedMps: 0, speedKnown: false });
  });

  it('takes a speed the message carries as it is', () => {
    const r = objectTracksStep(OBJECT_TRACKS_INITIAL, [{ ...car(50, Math.PI), speedMps: 4 }], 100);
    expect(r.objects[0]).toMatchObject({ speedMps: 4, speedKnown: true });
  });
});
