import { describe, expect, it } from 'vitest';
import { boxesOverlap, type OrientedBox, Polyline } from '../index.ts';
import { findLead, type LeadInfo, type Obstacle } from './idm.ts';

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    const r = rng(42);
    let leads = 0;
    for (let n = 0; n < 3000; n++) {
      // a winding 1 m path, bodies scattered around and on it, some long (trucks), some tiny
      const pts = [{ x: 0, y: 0 }];
      let h = r() * 2 * Math.PI;
      const bend = (r() - 0.5) * 0.08;
      for (let k = 1; k < 160; k++) {
        h += bend + (r() - 0.5) * 0.02;
        pts.push({ x: pts[k - 1]!.x + Math.cos(h), y: pts[k - 1]!.y + Math.sin(h) });
      }
      const path = new Polyline(pts);
      const fromS = r() * 80 - 10;
      const lookM = 20 + r() * 60;
      const halfWidthM = 0.5 + r() * 1.5;
      const obstacles: Obstacle[] = [];
      for (let i = 0; i < 12; i++) {
        const at = path.poseAt(r() * 180 - 10);
        const off = (r() - 0.5) * 2 * (2 + r() * 14);
        obstacles.push({
          box: {
            cx: at.x - off * Math.sin(at.headingRad),
            cy: at.y + off * Math.cos(at.headingRad),
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
