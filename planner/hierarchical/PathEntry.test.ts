import { describe, expect, it } from 'vitest';
import { Polyline } from '../../core/index.ts';
import { pathEntry, pathMeeting } from './PathEntry.ts';

/** A left turn: 20 m north up x = 1.75, then a quarter circle of radius 15.75 m to the west. */
function leftTurn(): Polyline {
  const pts = [];
  for (let y = -40; y < -14; y += 2) pts.push({ x: 1.75, y });
  const cx = -14;
  const cy = -14;
  const r = 15.75;
  for (let k = 0; k <= 16; k++) {
    const a = (k / 16) * (Math.PI / 2);
    pts.push({ x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
  }
  return new Polyline(pts);
}

const EGO = { sM: 10, lengthM: 5, widthM: 2, rearAxleToCenterM: 1.5 };
/** An oncoming car in the lane x = −1.75 heading south, 30 m up the road. */
const ONCOMING = { x: -1.75, y: 30, headingRad: -Math.PI / 2, lengthM: 4.8, widthM: 1.9 };

describe('path entry of a crossing agent', () => {
  it('on a left turn the front corner enters the oncoming strip before the centreline does', () => {
    const line = leftTurn();
    const e = pathEntry(line, EGO, ONCOMING, 60, 0.3)!;
    expect(e).toBeDefined();
    // the centreline reaches x = −1.75 + 1.25 (the strip edge) only further on: find that arc length
    let sEdge = 0;
    const p = { x: 0, y: 0, headingRad: 0 };
    for (let s = EGO.sM; s < line.length; s += 0.05) {
      line.poseAt(s, p);
      if (p.x < -1.75 + 1.25) {
        sEdge = s;
        break;
      }
    }
    // rear axle arc length at the entry is short of where the centreline reaches the strip minus the front overhang
    expect(EGO.sM + e.egoEntryM).toBeLessThan(sEdge - 2);
    // the oncoming car's front is some 30 m from our swept footprint
    expect(e.agentToEntryM).toBeGreaterThan(20);
    expect(e.agentToEntryM).toBeLessThan(40);
  });

  it('no entry when the agent drives away from our path or its strip misses it', () => {
    const line = leftTurn();
    expect(pathEntry(line, EGO, { ...ONCOMING, headingRad: Math.PI / 2 }, 60, 0.3)).toBeUndefined();
    expect(pathEntry(line, EGO, { ...ONCOMING, x: 40, y: -60 }, 60, 0.3)).toBeUndefined();
  });

  it('an ego already in the strip enters it at once', () => {
    const line = leftTurn();
    const e = pathEntry(line, { ...EGO, sM: 30 }, ONCOMING, 60, 0.3);
    expect(e?.egoEntryM).toBe(0);
  });

  it('the rear has to travel past every part of our footprint in its strip, and the footprint leaves the strip further on', () => {
    const line = leftTurn();
    const e = pathEntry(line, EGO, ONCOMING, 60, 0.3)!;
    // past our footprint: more than its own length beyond the front's distance to it
    expect(e.agentClearM).toBeGreaterThan(e.agentToEntryM + ONCOMING.lengthM);
    // across a 2.5 m strip at an angle: the footprint is in it for metres, not for ever
    expect(e.egoExitM).toBeGreaterThan(e.egoEntryM + 2);
    expect(Number.isFinite(e.egoExitM)).toBe(true);
  });

  it('a car whose rear is past the part of our footprint in its strip has gone by, though our rear corner is level with it', () => {
    const line = leftTurn();
    // the ego 2 m short of the strip, the car's rear level with our footprint's rear corners: whole
    // footprints would overlap it (the corners beside its lane are ahead of its rear), the part in its lane does not
    const ego = { ...EGO, sM: 18 };
    const at = pathEntry(line, ego, { ...ONCOMING, y: 10 }, 60, 0.3)!;
    expect(at).toBeDefined();
    // centre 12.5 m short of the corner's start: its rear is 2 m past where our footprint is in its
    // strip; the old whole-footprint test still called that an entry (our rear corners, beside its
    // lane, are ahead of its rear)
    const gone = pathMeeting(line, ego, { ...ONCOMING, y: -12.5 }, 60, 0.3);
    expect(gone.entry).toBeUndefined();
    expect(gone.rearPastM).toBeCloseTo(2, 1);
    // 2.5 m further up it is still to pass: an entry, its rear half a metre from clearing
    const still = pathMeeting(line, ego, { ...ONCOMING, y: -10 }, 60, 0.3).entry;
    expect(still?.agentClearM).toBeCloseTo(0.5, 1);
    // one that drives away from our path has gone by too; one whose strip misses it meets nothing
    expect(
      pathMeeting(line, EGO, { ...ONCOMING, headingRad: Math.PI / 2 }, 60, 0.3).rearPastM,
    ).toBeGreaterThan(0);
    expect(pathMeeting(line, EGO, { ...ONCOMING, x: 40, y: -60 }, 60, 0.3)).toEqual({});
  });
});

/**
 * The oncoming lane x = −1.75 turning to its right (west) before our turn: south to y = 25, a
 * quarter circle of radius 10 m about (−11.75, 25), then west along y = 15.
 */
function oncomingTurningAway(): Polyline {
  const pts = [];
  for (let y = 60; y > 25; y -= 5) pts.push({ x: -1.75, y });
  for (let k = 0; k <= 12; k++) {
    const a = (k / 12) * (Math.PI / 2);
    pts.push({ x: -11.75 + 10 * Math.cos(a), y: 25 - 10 * Math.sin(a) });
  }
  for (let x = -16.75; x > -60; x -= 5) pts.push({ x, y: 15 });
  return new Polyline(pts);
}

describe('path entry along a crossing agent’s lane path', () => {
  const path = (line: Polyline) => {
    const f = line.project(ONCOMING.x, ONCOMING.y);
    return { line, sM: f.sM, dM: f.dM };
  };

  it('the oncoming car whose lane turns away before our turn never meets our footprint; its straight strip would', () => {
    const line = leftTurn();
    expect(pathEntry(line, EGO, ONCOMING, 60, 0.3)).toBeDefined();
    expect(pathMeeting(line, EGO, ONCOMING, 60, 0.3, [path(oncomingTurningAway())])).toEqual({});
  });

  it('along a straight lane path the entry is the straight strip’s', () => {
    const line = leftTurn();
    const straight = new Polyline([
      { x: -1.75, y: 60 },
      { x: -1.75, y: -60 },
    ]);
    const onLane = pathEntry(line, EGO, ONCOMING, 60, 0.3)!;
    const e = pathMeeting(line, EGO, ONCOMING, 60, 0.3, [path(straight)]).entry!;
    expect(e.egoEntryM).toBeCloseTo(onLane.egoEntryM, 6);
    expect(e.agentToEntryM).toBeCloseTo(onLane.agentToEntryM, 6);
    expect(e.agentClearM).toBeCloseTo(onLane.agentClearM, 6);
    expect(e.egoExitM).toBeCloseTo(onLane.egoExitM, 6);
  });

  it('with several branches the earliest entry counts', () => {
    const line = leftTurn();
    const straight = new Polyline([
      { x: -1.75, y: 60 },
      { x: -1.75, y: -60 },
    ]);
    const both = pathMeeting(line, EGO, ONCOMING, 60, 0.3, [path(oncomingTurningAway()), path(straight)]);
    expect(both.entry?.egoEntryM).toBeCloseTo(pathEntry(line, EGO, ONCOMING, 60, 0.3)!.egoEntryM, 6);
    // two branches that both meet us, at different points: the nearer entry wins in either order
    const across = new Polyline([
      { x: -4.5, y: 60 },
      { x: -4.5, y: -60 },
    ]);
    const a = pathMeeting(line, EGO, ONCOMING, 60, 0.3, [path(straight)]).entry!.egoEntryM;
    const b = pathMeeting(line, EGO, ONCOMING, 60, 0.3, [path(across)]).entry!.egoEntryM;
    expect(Math.abs(a - b)).toBeGreaterThan(0.5);
    for (const order of [
      [path(straight), path(across)],
      [path(across), path(straight)],
    ])
      expect(pathMeeting(line, EGO, ONCOMING, 60, 0.3, order).entry?.egoEntryM).toBeCloseTo(
        Math.min(a, b),
        6,
      );
  });
});
