/**
 * The environment transform (PlanAgent's environment transformation): snapshot + map + route →
 * SceneContext (BEV raster, local lane graph, scene text). One instance per map and platform;
 * `transform` is called every tick and reuses the raster's buffer.
 */
import {
  fail,
  ok,
  parseWith,
  type Result,
  type Route,
  type VehicleParams,
  VehicleParamsSchema,
  type WorldSnapshot,
  WorldSnapshotSchema,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { AgentAccelHistory } from './AgentAccelHistory.ts';
import { BevRaster } from './BevRaster.ts';
import { LaneChunks } from './LaneChunks.ts';
import { LaneGraphBuilder } from './LaneGraphBuilder.ts';
import {
  type PerceptionParams,
  type PerceptionParamsInput,
  PerceptionParamsSchema,
  perceptionDefaultsFor,
} from './PerceptionParams.ts';
import type { SceneContext } from './SceneContext.ts';
import { sceneToText } from './sceneToText.ts';

/** Largest raster side accepted from untrusted params, cells (4096² × 12 channels ≈ 200 MB). */
const MAX_CELLS_PER_SIDE = 4096;

export class EnvironmentTransform {
  readonly params: PerceptionParams;
  readonly raster: BevRaster;
  readonly platform: 'car' | 'robot';
  private readonly laneGraph: LaneGraphBuilder;
  /** The agents' speeds of recent ticks (their sustained accelerations for the crossing forecast). */
  private readonly accel = new AgentAccelHistory();
  private readonly map: RoadMap;

  /**
   * `params` are applied on top of the platform defaults (`perceptionDefaultsFor(vehicle.kind)`);
   * invalid params throw (a programming error: use `createEnvironmentTransform` for untrusted input).
   */
  constructor(
    map: RoadMap,
    params: PerceptionParamsInput = {},
    vehicle: VehicleParams = VehicleParamsSchema.parse({}),
  ) {
    this.map = map;
    this.platform = vehicle.kind;
    this.params = perceptionDefaultsFor(vehicle.kind, params);
    const chunks = new LaneChunks(map);
    this.raster = new BevRaster(map, this.params, vehicle, chunks);
    this.laneGraph = new LaneGraphBuilder(map, this.params, vehicle, chunks);
  }

  /**
   * One tick: redraws the raster (valid until the next call), adds the agents' speeds to their
   * history where `useVehicleAcceleration` reads it (a snapshot no newer than the last adds none)
   * and builds the lane graph and text.
   * `prevEgoLaneId` is the previous tick's ego lane and `routeIndex` the ego's route position (the
   * caller's state): see `LaneGraphBuilder.build`.
   */
  transform(
    snap: WorldSnapshot,
    route: Route = snap.route,
    prevEgoLaneId?: string,
    routeIndex?: number,
  ): SceneContext {
    this.raster.render(snap, route);
    const accel = this.params.useVehicleAcceleration ? this.accel.step(snap) : undefined;
    const laneGraph = this.laneGraph.build(snap, route, prevEgoLaneId, routeIndex, accel);
    const text = sceneToText(snap, laneGraph, this.params, this.map.id, this.platform);
    const r = this.raster;
    return {
      tS: snap.tS,
      mapId: this.map.id,
      platform: this.platform,
      laneGraph,
      text,
      bev: {
        widthPx: r.widthPx,
        heightPx: r.heightPx,
        resolutionM: this.params.resolutionM,
        forwardOffsetM: this.params.forwardOffsetM,
        channels: r.channels.map((c) => ({ ...c })),
      },
      raster: r,
    };
  }
}

/** Builds a transform from untrusted params; errors name the field (`perception.params:resolutionM`). */
export function createEnvironmentTransform(
  map: RoadMap,
  params: unknown = {},
  vehicle: VehicleParams = VehicleParamsSchema.parse({}),
): Result<EnvironmentTransform> {
  const parsed = parseWith(PerceptionParamsSchema, params ?? {}, 'perception.params');
  if (!parsed.ok) return parsed;
  const input = (params ?? {}) as PerceptionParamsInput;
  const full = perceptionDefaultsFor(vehicle.kind, input);
  const cells = Math.max(full.lengthM, full.widthM) / full.resolutionM;
  // A typo in resolutionM (0.0025 for 0.25) would allocate gigabytes: refuse it by name.
  if (cells > MAX_CELLS_PER_SIDE)
    return fail(
      'INVALID_INPUT',
      'perception.params:resolutionM',
      `raster of ${Math.round(cells)} cells a side is too large (at most ${MAX_CELLS_PER_SIDE})`,
    );
  return ok(new EnvironmentTransform(map, input, vehicle));
}

/**
 * `transformEnvironment(snapshot, map, route, params)`: the one-shot form of
 * `new EnvironmentTransform(map, params).transform(snapshot, route)`. Parses the snapshot (errors
 * name the field). For a loop, keep an `EnvironmentTransform` (it reuses the raster; motion
 * history needs it).
 */
export function transformEnvironment(
  snapshot: unknown,
  map: RoadMap,
  route?: Route,
  params: unknown = {},
  vehicle: VehicleParams = VehicleParamsSchema.parse({}),
): Result<SceneContext> {
  const snap = parseWith(WorldSnapshotSchema, snapshot, 'snapshot');
  if (!snap.ok) return snap;
  const t = createEnvironmentTransform(map, params, vehicle);
  if (!t.ok) return t;
  return ok(t.value.transform(snap.value, route ?? snap.value.route));
}
