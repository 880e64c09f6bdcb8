/**
 * The static map as a few merged meshes (roads, crosswalks, markings) plus one instanced mesh of
 * signal bars recoloured by state each tick. Draw calls do not grow with the map size.
 */
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  Color,
  DoubleSide,
  Group,
  InstancedMesh,
  Mesh,
  MeshBasicMaterial,
  ShapeUtils,
  Vector2,
} from 'three';
import type { MapGeometry } from '../server/protocol.ts';
import { writeBoxMatrix, writeRibbon } from './frames.ts';
import { PALETTE } from './palette.ts';

/** Accumulates triangles with per-vertex colours into one geometry. */
class TriangleSoup {
  readonly pos: number[] = [];
  readonly col: number[] = [];
  private readonly c = new Color();

  /** Adds triangle (a, b, c) given as three.js positions. */
  tri(p: ArrayLike<number>, a: number, b: number, d: number, hex: number): void {
    this.c.setHex(hex);
    for (const k of [a, b, d]) {
      this.pos.push(p[3 * k]!, p[3 * k + 1]!, p[3 * k + 2]!);
      this.col.push(this.c.r, this.c.g, this.c.b);
    }
  }

  /** Adds a ribbon (two vertices per point, as written by writeRibbon) from point i0 to i1. */
  ribbon(v: Float32Array, i0: number, i1: number, hex: number): void {
    for (let i = i0; i < i1; i++) {
      const l0 = 2 * i;
      const r0 = 2 * i + 1;
      const l1 = 2 * i + 2;
      const r1 = 2 * i + 3;
      this.tri(v, l0, r0, l1, hex);
      this.tri(v, r0, r1, l1, hex);
    }
  }

  /** Adds a simple polygon (flat map x, y) at height zM, triangulated with three's earcut. */
  polygon(flat: ReadonlyArray<number>, zM: number, hex: number): void {
    const contour: Vector2[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) contour.push(new Vector2(flat[i]!, flat[i + 1]!));
    const tris = ShapeUtils.triangulateShape(contour, []);
    const p = new Float32Array(contour.length * 3);
    contour.forEach((v, i) => {
      p[3 * i] = v.x;
      p[3 * i + 1] = zM;
      p[3 * i + 2] = -v.y;
    });
    for (const [a, b, c] of tris) this.tri(p, a!, b!, c!, hex);
  }

  mesh(transparentOpacity?: number): Mesh {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(new Float32Array(this.pos), 3));
    g.setAttribute('color', new BufferAttribute(new Float32Array(this.col), 3));
    const m = new MeshBasicMaterial({ vertexColors: true, side: DoubleSide });
    if (transparentOpacity !== undefined) {
      m.transparent = true;
      m.opacity = transparentOpacity;
    }
    return new Mesh(g, m);
  }
}

const laneColour = (type: string): number =>
  type === 'sidewalk'
    ? PALETTE.sidewalk
    : type === 'shoulder'
      ? PALETTE.shoulder
      : type === 'driving' || type === 'aisle' || type === 'bus'
        ? PALETTE.road
        : PALETTE.otherLane;

/** Interleaves a lane's left and right edges into ribbon vertices (left, right per point). */
function laneStrip(left: ReadonlyArray<number>, right: ReadonlyArray<number>, zM: number): Float32Array {
  const n = Math.min(left.length, right.length) / 2;
  const v = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    v.set([left[2 * i]!, zM, -left[2 * i + 1]!, right[2 * i]!, zM, -right[2 * i + 1]!], 6 * i);
  }
  return v;
}

/** Dash pattern of dashed lane lines: 3 m paint, 6 m gap (typical urban marking, MUTCD 10/30 ft). */
const DASH_M = 3;
const GAP_M = 6;
const LINE_WIDTH_M = 0.15;

function addLine(soup: TriangleSoup, flat: ReadonlyArray<number>, kind: string, zM: number): void {
  if (kind === 'none') return;
  const hex = kind === 'curb' ? PALETTE.lineCurb : kind === 'centre' ? PALETTE.lineCentre : PALETTE.lineWhite;
  const n = flat.length / 2;
  const v = new Float32Array(n * 6);
  writeRibbon(flat, n, LINE_WIDTH_M, zM, v);
  if (kind !== 'dashed') {
    soup.ribbon(v, 0, n - 1, hex);
    return;
  }
  // Dashes: paint the segments whose start lies in the "on" part of the pattern.
  let s = 0;
  for (let i = 0; i + 1 < n; i++) {
    const len = Math.hypot(flat[2 * i + 2]! - flat[2 * i]!, flat[2 * i + 3]! - flat[2 * i + 1]!);
    if (s % (DASH_M + GAP_M) < DASH_M) soup.ribbon(v, i, i + 1, hex);
    s += len;
  }
}

/** Resamples a flat polyline so that no segment is longer than stepM (dashes need short segments). */
function densify(flat: ReadonlyArray<number>, stepM: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < flat.length; i += 2) {
    const x0 = flat[i]!;
    const y0 = flat[i + 1]!;
    const x1 = flat[i + 2]!;
    const y1 = flat[i + 3]!;
    const k = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / stepM));
    for (let j = 0; j < k; j++) out.push(x0 + ((x1 - x0) * j) / k, y0 + ((y1 - y0) * j) / k);
  }
  out.push(flat[flat.length - 2]!, flat[flat.length - 1]!);
  return out;
}

export class MapLayer {
  readonly group = new Group();
  private readonly signals: InstancedMesh;
  private readonly signalIndex = new Map<string, number>();
  private readonly marks: MapGeometry['signals'];
  private readonly colour = new Color();

  constructor(map: MapGeometry) {
    const road = new TriangleSoup();
    for (const a of map.drivableAreas) road.polygon(a, 0, PALETTE.road);
    // Non-driving lanes first and slightly lower, so that driving lanes win where they overlap.
    for (const l of map.lanes) {
      const z = l.type === 'driving' ? 0.02 : 0.01;
      const v = laneStrip(l.left, l.right, z);
      road.ribbon(v, 0, v.length / 6 - 1, laneColour(l.type));
    }
    this.group.add(road.mesh());

    const paint = new TriangleSoup();
    for (const c of map.crosswalks) paint.polygon(c, 0.03, PALETTE.crosswalk);
    for (const l of map.lanes) {
      if (l.inJunction) continue;
      addLine(paint, densify(l.left, 1.5), l.leftKind, 0.04);
      addLine(paint, densify(l.right, 1.5), l.rightKind, 0.04);
    }
    for (const s of map.stopLines) {
      const c = Math.cos(s.headingRad);
      const d = Math.sin(s.headingRad);
      const h = s.widthM / 2;
      addLine(paint, [s.x + d * h, s.y - c * h, s.x - d * h, s.y + c * h], 'solid', 0.05);
      // A stop line is 0.3–0.6 m wide; draw it thicker than a lane line.
      addLine(
        paint,
        [s.x + d * h - c * 0.2, s.y - c * h - d * 0.2, s.x - d * h - c * 0.2, s.y + c * h - d * 0.2],
        'solid',
        0.05,
      );
    }
    const paintMesh = paint.mesh(0.85);
    paintMesh.renderOrder = 1;
    this.group.add(paintMesh);

    this.marks = map.signals;
    for (const [i, s] of map.signals.entries()) this.signalIndex.set(s.laneId, i);
    this.signals = new InstancedMesh(
      new BoxGeometry(1, 1, 1),
      new MeshBasicMaterial(),
      Math.max(1, map.signals.length),
    );
    this.signals.count = 0;
    this.signals.frustumCulled = false;
    this.group.add(this.signals);
  }

  /** Shows the signals of one tick: a coloured bar across each signalled lane at its stop line. */
  setLights(lights: ReadonlyArray<{ laneId: string; state: string }>): void {
    let n = 0;
    const m = this.signals.instanceMatrix.array as Float32Array;
    for (const l of lights) {
      const i = this.signalIndex.get(l.laneId);
      if (i === undefined) continue;
      const s = this.marks[i]!;
      writeBoxMatrix(m, 16 * n, s.x, s.y, s.headingRad, 1.0, s.widthM * 0.6, 0.4);
      this.colour.setHex(PALETTE.signal[l.state as keyof typeof PALETTE.signal] ?? PALETTE.signal.UNKNOWN);
      this.signals.setColorAt(n, this.colour);
      n++;
    }
    this.signals.count = n;
    this.signals.instanceMatrix.needsUpdate = true;
    if (this.signals.instanceColor) this.signals.instanceColor.needsUpdate = true;
  }
}
