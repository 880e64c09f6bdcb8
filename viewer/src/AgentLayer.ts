/**
 * Agents as one InstancedMesh per kind, so draw calls stay the same for 2 or 2000 agents. Each
 * frame writes the instance matrices in place (interpolating between two ticks); no allocation.
 */
import {
  BoxGeometry,
  CylinderGeometry,
  Group,
  InstancedMesh,
  type Intersection,
  MeshLambertMaterial,
  type Object3D,
  type Raycaster,
} from 'three';
import type { RunTick } from '../../sim/export/index.ts';
import { writeBoxMatrix } from './frames.ts';
import { KIND_HEIGHT_M, KINDS, kindIndex, PALETTE } from './palette.ts';

const wrapPi = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

export class AgentLayer {
  readonly group = new Group();
  readonly meshes: InstancedMesh[] = [];
  /** Agent id of each drawn instance, per kind (refilled every frame, never reallocated). */
  private ids: string[][] = [];
  private readonly counts = new Int32Array(KINDS.length);
  private readonly hits: Intersection<Object3D>[] = [];

  /** `capacity`: the most agents of one kind present at once (grows later if needed). */
  constructor(capacity: number) {
    for (const kind of KINDS) {
      const geo = kind === 'pedestrian' ? new CylinderGeometry(0.5, 0.5, 1, 10) : new BoxGeometry(1, 1, 1);
      const mesh = new InstancedMesh(
        geo,
        new MeshLambertMaterial({ color: PALETTE.kinds[kind] }),
        Math.max(1, capacity),
      );
      mesh.count = 0;
      // Instances move every frame: a bounding sphere computed once would cull or miss them.
      mesh.frustumCulled = false;
      mesh.name = kind;
      this.meshes.push(mesh);
      this.ids.push(new Array<string>(Math.max(1, capacity)).fill(''));
      this.group.add(mesh);
    }
  }

  /** Makes room for `n` agents of one kind (live runs: ticks may bring more agents than seen). */
  ensureCapacity(n: number): void {
    const cap = this.meshes[0]!.instanceMatrix.count;
    if (n <= cap) return;
    const next = Math.max(n, 2 * cap);
    this.meshes.forEach((old, k) => {
      const mesh = new InstancedMesh(old.geometry, old.material, next);
      mesh.count = 0;
      mesh.frustumCulled = false;
      mesh.name = old.name;
      this.group.remove(old);
      old.dispose();
      this.group.add(mesh);
      this.meshes[k] = mesh;
      this.ids[k] = new Array<string>(next).fill('');
    });
  }

  /**
   * Places the agents of tick `a`, moved a fraction `alpha` ∈ [0, 1) towards tick `b` for agents
   * that sit at the same index in both (the engine keeps agent order stable).
   */
  update(a: RunTick, b: RunTick | undefined, alpha: number, enabled: boolean): void {
    this.counts.fill(0);
    if (enabled) {
      const next = b?.agents;
      for (let i = 0; i < a.agents.length; i++) {
        const p = a.agents[i]!;
        const k = kindIndex(p.kind);
        const n = this.counts[k]!;
        const mesh = this.meshes[k]!;
        if (n >= mesh.instanceMatrix.count) continue;
        let x = p.x;
        let y = p.y;
        let h = p.headingRad;
        const q = next?.[i];
        if (q !== undefined && q.id === p.id && alpha > 0) {
          x += (q.x - x) * alpha;
          y += (q.y - y) * alpha;
          h += wrapPi(q.headingRad - h) * alpha;
        }
        const kind = KINDS[k]!;
        writeBoxMatrix(
          mesh.instanceMatrix.array as Float32Array,
          16 * n,
          x,
          y,
          h,
          p.lengthM,
          p.widthM,
          KIND_HEIGHT_M[kind],
        );
        this.ids[k]![n] = p.id;
        this.counts[k] = n + 1;
      }
    }
    for (let k = 0; k < this.meshes.length; k++) {
      const mesh = this.meshes[k]!;
      mesh.count = this.counts[k]!;
      mesh.instanceMatrix.needsUpdate = true;
    }
  }

  /** Id of the nearest agent the ray hits, or undefined. */
  pick(raycaster: Raycaster): string | undefined {
    this.hits.length = 0;
    for (const m of this.meshes) {
      // The instances moved since the last pick: recompute the bounds the raycast tests first.
      m.boundingSphere = null;
      m.boundingBox = null;
    }
    raycaster.intersectObjects(this.meshes, false, this.hits);
    let best: { d: number; id: string } | undefined;
    for (const h of this.hits) {
      const k = this.meshes.indexOf(h.object as InstancedMesh);
      if (k < 0 || h.instanceId === undefined) continue;
      if (!best || h.distance < best.d) best = { d: h.distance, id: this.ids[k]![h.instanceId]! };
    }
    return best?.id;
  }
}
