import { describe, expect, it } from 'vitest';
import { boxesOverlap, createRng, type OrientedBox, type Polyline } from '../index.ts';
import { pointAbout, windingPath } from '../testFixtures.ts';
import { findLead, type LeadInfo, type Obstacle } from './idm.ts';

/** `findLead` as it reads without its broad phase: every body projected and tested. */
function findLeadBrute(
  path: Polyline,
  fromS: number,
  lookM: number,
  halfWidthM: number,
  obstacles: ReadonlyArray<Obstacle>,
): LeadInfo {
  const out: LeadInfo = { sM: Infinity, speedMps: 0, index: -1 };
  const pose = { x: 0, y: 0, headingRad: 0 };
  for (let i = 0; i < obstacles.length; i++) {
    const o = obstacles[i]!;
    const reach = Math.max(o.box.lengthM, o.box.widthM) / 2;
    const f = path.project(o.box.cx, o.box.cy, undefined, fromS - 10, fromS + lookM + 10);
    if (f.sM + reach < fromS || f.sM - reach > fromS + lookM) continue;
    if (Math.abs(f.dM) > halfWidthM + reach + 0.5) continue;
    path.poseAt(f.sM, pose);
    const corridor: OrientedBox = {
      cx: pose.x,
      cy: pose.y,
      headingRad: pose.headingRad,
      lengthM: 2 * reach + 1,
      widthM: 2 * halfWidthM,
    };
    if (!boxesOverlap(corridor, o.box)) continue;
    const rel = o.box.headingRad - pose.headingRad;
    const rearS = f.sM - reach * Math.abs(Math.cos(rel)) - (o.box.widthM / 2) * Math.abs(Math.sin(rel));
    if (f.sM < fromS - 3) continue;
    if (rearS < out.sM) {
      out.sM = rearS;
      out.speedMps = Math.max(0, o.speedMps * Math.cos(rel));
      out.index = i;
    }
  }
  return out;
}

describe('findLead', () => {
  it('skips only bodies that could not pass its tests: the same lead as projecting every body (3000 random scenes)', () => {
    const r = createRng(42);
    let leads = 0;
    for (let n = 0; n < 3000; n++) {
      // a winding 1 m path, bodies scattered around and on it, some long (trucks), some tiny
      const path = windingPath(r);
      const fromS = r() * 80 - 10;
      const lookM = 20 + r() * 60;
      const halfWidthM = 0.5 + r() * 1.5;
      const obstacles: Obstacle[] = [];
      for (let i = 0; i < 12; i++) {
        const at = pointAbout(path, r);
        obstacles.push({
          box: {
            cx: at.x,
            cy: at.y,
            headingRad: r() * 2 * Math.PI,
            lengthM: 0.3 + r() * 14,
            widthM: 0.3 + r() * 3,
          },
          speedMps: r() * 15,
        });
      }
      const got = findLead(path, fromS, lookM, halfWidthM, obstacles, { sM: 0, speedMps: 0, index: 0 });
      const want = findLeadBrute(path, fromS, lookM, halfWidthM, obstacles);
      expect(got).toEqual(want);
      if (want.index >= 0) leads++;
    }
    // the scenes are not trivially empty
    expect(leads).toBeGreaterThan(1000);
  });
});
