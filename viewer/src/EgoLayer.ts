/**
 * The ego (its box from the rear-axle pose), its planned trajectory of the tick, the route's
 * reference path, and a red ring when the safety gate vetoed the tick's command.
 */
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  DoubleSide,
  Group,
  Mesh,
  MeshBasicMaterial,
  RingGeometry,
} from 'three';
import type { VehicleParams } from '../../core/index.ts';
import type { RunTick } from '../../sim/export/index.ts';
import { headingToYaw, mapToThree, writeRibbon } from './frames.ts';
import { PALETTE } from './palette.ts';

/** Enough for an 8 s plan every 0.5 s (the engine logs 17 poses) with room to spare. */
const MAX_PLAN_POINTS = 64;
const EGO_HEIGHT_M = 1.7;

function ribbonGeometry(maxPoints: number): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(maxPoints * 6), 3));
  const idx: number[] = [];
  for (let i = 0; i + 1 < maxPoints; i++) {
    const l0 = 2 * i;
    idx.push(l0, l0 + 1, l0 + 2, l0 + 1, l0 + 3, l0 + 2);
  }
  g.setIndex(idx);
  g.setDrawRange(0, 0);
  return g;
}

export class EgoLayer {
  readonly group = new Group();
  readonly body: Mesh;
  private readonly plan: Mesh;
  private readonly veto: Mesh;
  private readonly rearToCentreM: number;
  /** Map centre of the ego as last drawn (for cameras and distances). */
  readonly centre = { x: 0, y: 0, headingRad: 0 };

  constructor(vehicle: VehicleParams, refPath: ReadonlyArray<number>) {
    this.rearToCentreM = vehicle.rearAxleToCenterM;
    this.body = new Mesh(
      new BoxGeometry(vehicle.lengthM, EGO_HEIGHT_M, vehicle.widthM),
      new MeshBasicMaterial({ color: PALETTE.ego }),
    );
    // A darker roof slab towards the rear shows which way the ego faces.
    const roof = new Mesh(
      new BoxGeometry(vehicle.lengthM * 0.45, 0.12, vehicle.widthM * 0.8),
      new MeshBasicMaterial({ color: PALETTE.egoRoof }),
    );
    roof.position.set(-vehicle.lengthM * 0.12, EGO_HEIGHT_M / 2 + 0.06, 0);
    this.body.add(roof);
    this.group.add(this.body);

    this.plan = new Mesh(
      ribbonGeometry(MAX_PLAN_POINTS),
      new MeshBasicMaterial({ color: PALETTE.plan, transparent: true, opacity: 0.8, side: DoubleSide }),
    );
    this.plan.frustumCulled = false;
    this.group.add(this.plan);

    const n = refPath.length / 2;
    if (n >= 2) {
      const g = ribbonGeometry(n);
      writeRibbon(refPath, n, 0.35, 0.06, g.getAttribute('position').array as Float32Array);
      g.setDrawRange(0, (n - 1) * 6);
      const ref = new Mesh(
        g,
        new MeshBasicMaterial({ color: PALETTE.refPath, transparent: true, opacity: 0.55, side: DoubleSide }),
      );
      this.group.add(ref);
    }

    this.veto = new Mesh(
      new RingGeometry(vehicle.lengthM * 0.75, vehicle.lengthM * 0.9, 40),
      new MeshBasicMaterial({ color: PALETTE.veto, side: DoubleSide }),
    );
    this.veto.rotation.x = -Math.PI / 2;
    this.veto.visible = false;
    this.group.add(this.veto);
  }

  /** Places the ego between ticks a and b and draws tick a's plan and verdict. */
  update(a: RunTick, b: RunTick | undefined, alpha: number): void {
    let x = a.ego.x;
    let y = a.ego.y;
    let h = a.ego.headingRad;
    if (b && alpha > 0) {
      x += (b.ego.x - x) * alpha;
      y += (b.ego.y - y) * alpha;
      h += Math.atan2(Math.sin(b.ego.headingRad - h), Math.cos(b.ego.headingRad - h)) * alpha;
    }
    // The log's ego pose is the rear axle; the box is centred on the footprint.
    this.centre.x = x + this.rearToCentreM * Math.cos(h);
    this.centre.y = y + this.rearToCentreM * Math.sin(h);
    this.centre.headingRad = h;
    mapToThree(this.centre.x, this.centre.y, EGO_HEIGHT_M / 2, this.body.position);
    this.body.rotation.y = headingToYaw(h);
    mapToThree(this.centre.x, this.centre.y, 0.08, this.veto.position);
    this.veto.visible = a.verdict?.decision === 'VETO';

    const g = this.plan.geometry;
    const plan = a.plan;
    const n = plan ? Math.min(MAX_PLAN_POINTS, Math.floor(plan.length / 3)) : 0;
    if (plan && n >= 2) {
      const pos = g.getAttribute('position') as BufferAttribute;
      const v = pos.array as Float32Array;
      // Plan triples are (x, y, heading): write them as (x, y) pairs through a strided view.
      for (let i = 0; i < n; i++) {
        this.xy[2 * i] = plan[3 * i]!;
        this.xy[2 * i + 1] = plan[3 * i + 1]!;
      }
      writeRibbon(this.xy, n, 1.0, 0.1, v);
      pos.needsUpdate = true;
      g.setDrawRange(0, (n - 1) * 6);
    } else g.setDrawRange(0, 0);
  }

  private readonly xy = new Float64Array(MAX_PLAN_POINTS * 2);
}
