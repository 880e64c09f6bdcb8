/**
 * One run in its own three.js scene: ground, map, agents, ego, selection marker. `setTime(tS)`
 * shows the run at any time (interpolated between the two surrounding ticks).
 */
import {
  AmbientLight,
  BoxGeometry,
  Color,
  DirectionalLight,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  Scene,
} from 'three';
import type { RunTick } from '../../sim/export/index.ts';
import type { RunView } from '../server/protocol.ts';
import { AgentLayer } from './AgentLayer.ts';
import { EgoLayer } from './EgoLayer.ts';
import { mapToThree } from './frames.ts';
import { MapLayer } from './MapLayer.ts';
import { kindIndex, PALETTE } from './palette.ts';

function maxPerKind(ticks: ReadonlyArray<RunTick>): number {
  const c = new Int32Array(5);
  let best = 1;
  for (const t of ticks) {
    c.fill(0);
    for (const a of t.agents) c[kindIndex(a.kind)]!++;
    for (const v of c) best = Math.max(best, v);
  }
  return best;
}

export class RunScene {
  readonly scene = new Scene();
  readonly map: MapLayer;
  readonly agents: AgentLayer;
  readonly ego: EgoLayer;
  private readonly marker: Mesh;
  /** Index of the tick shown (the one at or before the time set). */
  tick = 0;
  selected: string | undefined;
  agentsEnabled = true;

  constructor(readonly view: RunView) {
    this.scene.background = new Color(PALETTE.background);
    const b = view.map.bounds;
    const ground = new Mesh(
      new PlaneGeometry(b.maxX - b.minX + 400, b.maxY - b.minY + 400),
      new MeshBasicMaterial({ color: PALETTE.ground }),
    );
    ground.rotation.x = -Math.PI / 2;
    mapToThree((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, -0.02, ground.position);
    this.scene.add(ground);
    this.scene.add(new AmbientLight(0xffffff, 1.6));
    const sun = new DirectionalLight(0xffffff, 1.8);
    sun.position.set(30, 80, 20);
    this.scene.add(sun);

    this.map = new MapLayer(view.map);
    this.agents = new AgentLayer(maxPerKind(view.log.ticks));
    this.ego = new EgoLayer(view.log.vehicle, view.refPath);
    this.marker = new Mesh(
      new BoxGeometry(1, 1, 1),
      new MeshBasicMaterial({ color: PALETTE.select, wireframe: true }),
    );
    this.marker.visible = false;
    this.scene.add(this.map.group, this.agents.group, this.ego.group, this.marker);
  }

  get ticks(): RunTick[] {
    return this.view.log.ticks;
  }

  /** Time of the last tick, s. */
  get durationS(): number {
    const t = this.ticks;
    return t.length ? t[t.length - 1]!.tS : 0;
  }

  /** Shows the run at time tS; returns the index of the tick at or before tS. */
  setTime(tS: number): number {
    const ticks = this.ticks;
    if (ticks.length === 0) return 0;
    const dt = this.view.log.dtS;
    const t0 = ticks[0]!.tS;
    const k = Math.max(0, Math.min(ticks.length - 1, Math.floor((tS - t0) / dt + 1e-6)));
    const a = ticks[k]!;
    const b = ticks[k + 1];
    const alpha = b ? Math.max(0, Math.min(1, (tS - a.tS) / (b.tS - a.tS))) : 0;
    this.agents.update(a, b, alpha, this.agentsEnabled);
    this.ego.update(a, b, alpha);
    if (k !== this.tick || this.tick === 0) this.map.setLights(a.lights);
    this.tick = k;
    this.placeMarker(a);
    return k;
  }

  private placeMarker(t: RunTick): void {
    this.marker.visible = false;
    if (!this.selected) return;
    for (const a of t.agents) {
      if (a.id !== this.selected) continue;
      mapToThree(a.x, a.y, 1.2, this.marker.position);
      this.marker.rotation.y = a.headingRad;
      this.marker.scale.set(a.lengthM + 0.8, 2.4, a.widthM + 0.8);
      this.marker.visible = true;
      return;
    }
  }
}
