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
import { strokesOf } from './markStrokes.ts';
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

/** Width of a stop line, m (a stop line is 0.3–0.6 m wide: StVO Zeichen 294 0.5 m, MUTCD 3B.16 12–24 in). */
const STOP_LINE_WIDTH_M = 0.4;

/** A solid line of `widthM` along the flat polyline, its centre `centreLeftM` left of it. */
function addStroke(
  soup: TriangleSoup,
  flat: ReadonlyArray<number>,
  widthM: number,
  centreLeftM: number,
  zM: number,
  hex: number,
): void {
  const n = flat.length / 2;
  if (n < 2) return;
  const v = new Float32Array(n * 6);
  writeRibbon(flat, n, widthM, zM, v, centreLeftM);
  soup.ribbon(v, 0, n - 1, hex);
}

/** The colour a marking is painted in (curbs and grass by their material). */
export function markHex(type: string, color: string): number {
  if (type === 'curb') return PALETTE.lineCurb;
  if (type === 'grass') return PALETTE.lineGrass;
  return PALETTE.marks[color as keyof typeof PALETTE.marks] ?? PALETTE.marks.other;
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
    // Each boundary line once, per stretch of its marking: dashes to scale, double lines side by side.
    for (const l of map.lanes)
      for (const m of l.marks) {
        const hex = markHex(m.type, m.color);
        for (const st of strokesOf(m)) addStroke(paint, st.pts, st.widthM, st.centreLeftM, 0.04, hex);
      }
    for (const s of map.stopLines) {
      const c = Math.cos(s.headingRad);
      const d = Math.sin(s.headingRad);
      const h = s.widthM / 2;
      // across the lane (right edge to left edge), its far side at the stop position
      addStroke(
        paint,
        [s.x + d * h, s.y - c * h, s.x - d * h, s.y + c * h],
        STOP_LINE_WIDTH_M,
        STOP_LINE_WIDTH_M / 2,
        0.05,
        PALETTE.stopLine,
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
