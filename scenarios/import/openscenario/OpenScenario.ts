/**
 * OpenSCENARIO 1.x (.xosc) → Scenario. Parameters and expressions are resolved, catalogs looked
 * up, the road network loaded from its OpenDRIVE file, and the storyboard run by `OscExecutor`:
 * the ego's scripted motion becomes the expert, every other entity a replay track. Everything
 * the subset does not cover is listed in `unsupported` with its element path.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  type AgentSubclass,
  angleDiff,
  fail,
  normalizeAngle,
  ok,
  Polyline,
  type Result,
  type RoadMapData,
  type Scenario,
  type ScenarioAgent,
  ScenarioSchema,
  type TrackPoint,
  unwrap,
  type Vec2,
  VehicleParamsSchema,
} from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { RoutePath } from '../../../core/map/RoutePath.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import { findTown, townFromMapOption } from '../carla/index.ts';
import { coverEgoSpeed, egoSpeeds } from '../EgoTopSpeed.ts';
import { esminiOffsetPoint, loadOpenDrive, type OpenDriveResult } from '../opendrive/index.ts';
import type { RoadGeometry } from '../opendrive/RoadGeometry.ts';
import { attr, guard, ImportError, kid, kids, num, parseXml, type XNode } from '../opendrive/XmlTree.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { carlaPositionsToMapFrame, usesCarlaFrame } from './CarlaCoordinates.ts';
import {
  EGO_TRIGGERS_UNFIRED_TAG,
  egoConditionNames,
  egoControllerOf,
  eventCount,
  isExternalController,
  STORYBOARD_LIVE_TAG,
} from './EgoTriggers.ts';
import { type FreeSpaceBody, freeSpaceLaneWidthM } from './FreeSpaceLane.ts';
import { liveOnlyAgents } from './LiveOnlyAgents.ts';
import {
  type EntityState,
  type OscEntity,
  OscExecutor,
  type PathBuilder,
  type PositionResolver,
} from './OscExecutor.ts';
import { checkOscNumbers } from './OscNumbers.ts';
import { type Distribution, expandDistribution } from './ParameterDistribution.ts';
import { declare, resolveTree } from './Parameters.ts';
import { scenarioRunnerHeadingPath } from './ScenarioRunnerControllers.ts';
import { scenarioRunnerPositions } from './ScenarioRunnerPositions.ts';
import { heroRoute } from './ScenarioRunnerRoute.ts';
import { signalTimelines } from './SignalLights.ts';
import { startApron } from './StartApron.ts';
import { storyboardValues } from './StoryboardValues.ts';
import { trafficRuleByHeading } from './TrafficRule.ts';
import { boxCenterOffsetM, vehicleBodyOf } from './VehicleBody.ts';

/** Simulation step and limits (nuPlan 0.1 s; at least 15 s so a closed-loop run has tracks; at most 60 s). */
const DT_S = 0.1;
/**
 * The step the storyboard is run at, s; its states are kept every DT_S. Triggers are evaluated
 * and triggered actions start once per step, so each waits up to a step: esmini's player steps
 * 1 ms – 0.1 s in real time (≈ 17 ms with its viewer), its test suites 0.01 – 0.05 s, and a file's
 * timings are written for that. At 0.1 s the scripted motions lagged esmini's 0.05 s run by a
 * whole extra step per triggered action and missed reach-position windows narrower than a step
 * (scripts/compare-esmini.ts: 74 → 107 of the 134 shared tracks within 0.1 m).
 */
export const EXECUTOR_STEP_S = 0.05;
const MIN_DURATION_S = 15;
export const MAX_DURATION_S = 60;
/** An ego whose scripted motion stays within this of its start does not move, m (our choice: well under a car length). */
const EGO_STILL_M = 1;

/** The OpenDRIVE importer's limit where a road posts none, m/s (opendrive/OpenDriveMap.ts). */
const UNPOSTED_DEFAULT_MPS = 50 / 3.6;
/** The highest limit that holds without a sign (DE StVO §3(3): 100 km/h outside built-up areas for cars), m/s. */
const STATUTORY_UNPOSTED_MAX_MPS = 100 / 3.6;
/** Lane paths entities follow: up to this long, m. */
const PATH_MAX_M = 1500;

type Pose = { x: number; y: number; headingRad: number };

/** Loads catalogs lazily: every .xosc in the CatalogLocations directories, entries by catalog and name. */
class Catalogs {
  private loaded = false;
  private readonly entries = new Map<string, XNode>();
  constructor(
    private readonly dirs: string[],
    private readonly warnings: string[],
  ) {}

  find(catalog: string, entry: string): XNode | undefined {
    if (!this.loaded) this.load();
    return this.entries.get(`${catalog}/${entry}`) ?? this.entries.get(`*/${entry}`);
  }

  private load(): void {
    this.loaded = true;
    for (const d of this.dirs) {
      if (!existsSync(d)) {
        this.warnings.push(`catalog directory ${d} not found`);
        continue;
      }
      for (const f of readdirSync(d).filter((x) => x.endsWith('.xosc'))) {
        const p = join(d, f);
        const r = parseXml(readFileSync(p, 'utf8'), p, 'OpenSCENARIO');
        if (!r.ok) {
          this.warnings.push(`catalog ${p}: ${r.error.message}`);
          continue;
        }
        for (const cat of kids(r.value, 'Catalog')) {
          const cname = attr(cat, 'name') ?? '';
          for (const [tag, list] of Object.entries(cat)) {
            if (tag === '$' || !Array.isArray(list)) continue;
            for (const e of list as XNode[]) {
              const name = attr(e, 'name');
              if (!name) continue;
              const v = { ...e, __tag: [tag] } as XNode;
              this.entries.set(`${cname}/${name}`, v);
              if (!this.entries.has(`*/${name}`)) this.entries.set(`*/${name}`, v);
            }
          }
        }
      }
    }
  }
}

/** The catalog entry for a reference, with its parameters resolved (assignments override defaults). */
function resolveReference(
  ref: XNode,
  catalogs: Catalogs,
  path: string,
  outer: ReadonlyMap<string, string> = new Map(),
): { tag: string; node: XNode } | undefined {
  const entry = catalogs.find(attr(ref, 'catalogName') ?? '', attr(ref, 'entryName') ?? '');
  if (!entry) return undefined;
  const node = structuredClone(entry);
  const tag = (node.__tag as string[])[0]!;
  const assigned = new Map<string, string>();
  kids(kid(ref, 'ParameterAssignments'), 'ParameterAssignment').forEach((a) => {
    // parameterRef names a parameter, with or without the "$" (1.0 files write both).
    const n = attr(a, 'parameterRef')?.replace(/^\$/, '');
    if (n) assigned.set(n, attr(a, 'value') ?? '');
  });
  // Defaults from the entry, then the reference's assignments.
  // The scenario's global parameters are visible inside the entry (esmini resolves them too).
  const scope = declare(node, outer, path);
  for (const [k, v] of assigned) scope.set(k, v);
  delete node.ParameterDeclarations;
  resolveTree(node, scope, path);
  // the entry's numbers as this reference resolves them (its notes are the scenario's own checks')
  checkOscNumbers(node, path, [], [tag]);
  return { tag, node };
}

/** OpenSCENARIO vehicleCategory / pedestrianCategory → our subclass. */
const OSC_SUBCLASS: Record<string, AgentSubclass> = {
  car: 'car',
  van: 'van',
  truck: 'truck',
  trailer: 'trailer',
  semitrailer: 'trailer',
  bus: 'bus',
  motorbike: 'motorcycle',
  bicycle: 'bicycle',
  train: 'train',
  tram: 'tram',
  pedestrian: 'adult',
  wheelchair: 'wheelchair',
  animal: 'animal',
};

function entityOf(name: string, tag: string, node: XNode): OscEntity {
  const bb = kid(node, 'BoundingBox');
  const dim = kid(bb, 'Dimensions');
  const centre = kid(bb, 'Center');
  const cat = (attr(node, 'vehicleCategory') ?? attr(node, 'pedestrianCategory') ?? '').toLowerCase();
  const kind: OscEntity['kind'] =
    tag === 'Pedestrian'
      ? 'pedestrian'
      : tag === 'MiscObject'
        ? 'static'
        : cat === 'bicycle' || cat === 'motorbike'
          ? 'cyclist'
          : 'vehicle';
  const def = kind === 'pedestrian' ? [0.5, 0.6] : kind === 'cyclist' ? [1.8, 0.7] : [4.5, 1.9];
  // OpenSCENARIO 1.2 Vehicle@role (ambulance, fire, police) marks an emergency vehicle
  const role = (attr(node, 'role') ?? '').toLowerCase();
  const emergency = role === 'ambulance' || role === 'fire' || role === 'police';
  const subclass = emergency ? 'emergency' : tag === 'MiscObject' ? undefined : OSC_SUBCLASS[cat];
  return {
    name,
    kind,
    ...(subclass ? { attributes: { subclass } } : {}),
    lengthM: Math.max(Number(attr(dim, 'length') ?? def[0]) || def[0]!, 0.1),
    widthM: Math.max(Number(attr(dim, 'width') ?? def[1]) || def[1]!, 0.1),
    centerOffsetM: tag === 'Vehicle' ? boxCenterOffsetM(node) : Number(attr(centre, 'x') ?? 0) || 0,
    ...(tag === 'Vehicle' ? { performance: performanceOf(node), ...vehicleOf(node) } : {}),
    ...trailerOf(node),
    ...refpointOf(node),
    ...trajectoryPropertiesOf(node),
  };
}

/** A Vehicle's own body and limits as VehicleParams fields, and what of them was out of range. */
function vehicleOf(node: XNode): Pick<OscEntity, 'vehicle' | 'vehicleWarnings'> {
  const body = vehicleBodyOf(node);
  return { vehicle: body.params, ...(body.warnings.length > 0 ? { vehicleWarnings: body.warnings } : {}) };
}

/**
 * esmini's trajectory properties of an entity: `ignoreHeadingForTrajMotion` (vertex headings set
 * the facing only, not the direction of travel) and `plineInterpolation` (how the heading blends
 * between polyline vertices: `segment`, `corner`, anything else keeps each vertex's).
 */
function trajectoryPropertiesOf(node: XNode): Pick<OscEntity, 'trajectoryProps'> {
  const props = kids(kid(node, 'Properties'), 'Property');
  const value = (name: string) =>
    attr(
      props.find((p) => attr(p, 'name') === name),
      'value',
    );
  const ignore = value('ignoreHeadingForTrajMotion');
  const interp = value('plineInterpolation');
  // Another value (`off`, `none`) leaves the polyline's own mode: no blend.
  const mode =
    interp === undefined ? undefined : interp === 'segment' || interp === 'corner' ? interp : 'none';
  if (ignore === undefined && mode === undefined) return {};
  return {
    trajectoryProps: {
      ...(ignore !== undefined ? { ignoreHeadingForMotion: ignore === 'true' } : {}),
      ...(mode ? { plineInterpolation: mode } : {}),
    },
  };
}

/** esmini's `refpoint_x_offset` property: the reference point that far ahead of the rear axle, m. */
function refpointOf(node: XNode): Pick<OscEntity, 'refpointXOffsetM'> {
  const prop = kids(kid(node, 'Properties'), 'Property').find((p) => attr(p, 'name') === 'refpoint_x_offset');
  const v = Number(attr(prop, 'value'));
  return prop && Number.isFinite(v) && v !== 0 ? { refpointXOffsetM: v } : {};
}

/**
 * The trailers a Vehicle definition tows (OpenSCENARIO 1.3 `Vehicle/Trailer`): an inline
 * `Trailer/Trailer` (a Vehicle or a catalog reference, itself perhaps towing another) becomes an
 * entity `<tow>_<name>` hitched to it; a `TrailerRef` hitches an entity of the scenario. Without
 * them a tractor's semi-trailer (esmini's semi_truck: 5.7 m tractor, 11.2 m trailer) was missing
 * from the agents, and so from what the planner and the gate see.
 */
function inlineTrailers(
  tow: string,
  node: XNode | undefined,
  catalogs: Catalogs,
  path: string,
  entities: OscEntity[],
  hitches: { tow: string; trailer: string }[],
  unsupported: string[],
): void {
  const t = kid(node, 'Trailer');
  if (!t) return;
  const ref = attr(kid(t, 'TrailerRef'), 'entityRef');
  if (ref) {
    hitches.push({ tow, trailer: ref });
    return;
  }
  const inner = kid(t, 'Trailer');
  if (!inner) return;
  let tnode = kid(inner, 'Vehicle');
  const cat = kid(inner, 'CatalogReference');
  if (!tnode && cat) {
    const r = resolveReference(cat, catalogs, `${path}/Trailer/Trailer/CatalogReference`);
    if (r?.tag === 'Vehicle') tnode = r.node;
  }
  if (!tnode) {
    unsupported.push(`${path}/Trailer/Trailer: no Vehicle found; the trailer is left out`);
    return;
  }
  let name = `${tow}_${attr(inner, 'name') ?? 'trailer'}`;
  while (entities.some((e) => e.name === name)) name = `${name}_`;
  entities.push(entityOf(name, 'Vehicle', tnode));
  hitches.push({ tow, trailer: name });
  inlineTrailers(name, tnode, catalogs, `${path}/Trailer/Trailer`, entities, hitches, unsupported);
}

/** OpenSCENARIO 1.3 TrailerHitch / TrailerCoupler dx (m from the reference point, forward). */
function trailerOf(node: XNode): Pick<OscEntity, 'hitchDxM' | 'couplerDxM'> {
  const h = Number(attr(kid(node, 'TrailerHitch'), 'dx'));
  const c = Number(attr(kid(node, 'TrailerCoupler'), 'dx'));
  return {
    ...(Number.isFinite(h) && kid(node, 'TrailerHitch') ? { hitchDxM: h } : {}),
    ...(Number.isFinite(c) && kid(node, 'TrailerCoupler') ? { couplerDxM: c } : {}),
  };
}

/**
 * A Vehicle's Performance (maxSpeed m/s, maxAcceleration / maxDeceleration m/s²); esmini's
 * defaults (100, 10, 10) for a missing element or attribute. Other entity kinds are unlimited.
 */
function performanceOf(node: XNode): NonNullable<OscEntity['performance']> {
  const perf = kid(node, 'Performance');
  const get = (k: string, def: number): number => {
    const v = Number(attr(perf, k));
    return attr(perf, k) !== undefined && Number.isFinite(v) ? v : def;
  };
  return {
    maxSpeedMps: get('maxSpeed', 100),
    maxAccelMps2: get('maxAcceleration', 10),
    maxDecelMps2: get('maxDeceleration', 10),
  };
}

const fp = (root: XNode): string | undefined => attr(kid(kid(root, 'RoadNetwork'), 'LogicFile'), 'filepath');

/** Finds the OpenDRIVE file of the RoadNetwork (relative to the .xosc, or a CARLA town name). */
function mapFileOf(root: XNode, xoscPath: string, opts: ImportOptions): string | undefined {
  const fp = attr(kid(kid(root, 'RoadNetwork'), 'LogicFile'), 'filepath');
  // a folder of towns: the one the LogicFile names (scenario_runner's "Town01")
  if (opts.mapPath) return townFromMapOption(opts.mapPath, fp ? basename(fp, extname(fp)) : '');
  if (!fp) return undefined;
  const dir = dirname(resolve(xoscPath));
  const direct = resolve(dir, fp);
  if (existsSync(direct)) return direct;
  // Absolute paths from the author's machine (esmini car_walk.xosc): try the file name in the
  // usual esmini layout (../xodr beside the xosc folder) and beside the scenario.
  for (const c of [resolve(dir, '../xodr', basename(fp)), resolve(dir, basename(fp))])
    if (existsSync(c)) return c;
  // scenario_runner names CARLA towns ("Town01"); look them up like the routes importer.
  const town = basename(fp, extname(fp));
  return findTown(xoscPath, town);
}

/** A scenario file read up to the point where its storyboard can run. */
export interface PreparedScenario {
  root: XNode;
  storyboard: XNode;
  /** The OpenDRIVE file; undefined for a scenario without a road network (entities move in free space). */
  mapPath?: string;
  odr?: OpenDriveResult;
  map: RoadMap;
  entities: OscEntity[];
  /** Trailers hitched at load (a Vehicle's own Trailer), tow vehicle first. */
  hitches: { tow: string; trailer: string }[];
  exec: OscExecutor;
  /** The position reader the executor was given, and the catalog route lookup. */
  resolvePos: PositionResolver;
  catalogRoute: (ref: XNode | undefined, path: string) => XNode | undefined;
  unsupported: string[];
  warnings: string[];
}

/**
 * Reads an .xosc: parameters, catalogs, road network and entities, and an executor with the Init
 * actions applied and the storyboard loaded (not yet run).
 */
export function prepareOpenScenario(path: string, opts: ImportOptions = {}): Result<PreparedScenario> {
  const read = readTextFile(path);
  if (!read.ok) return read;
  const text = read.value;
  return guard(path, () => {
    const parsed = parseXml(text, path, 'OpenSCENARIO');
    if (!parsed.ok) return parsed;
    const root = parsed.value;
    if (kid(root, 'ParameterValueDistribution'))
      return fail(
        'UNSUPPORTED',
        `${path}:/OpenSCENARIO/ParameterValueDistribution`,
        'parameter distributions are not supported (import the referenced scenario)',
      );
    if (kid(root, 'Catalog'))
      return fail('UNSUPPORTED', `${path}:/OpenSCENARIO/Catalog`, 'this is a catalog, not a scenario');
    const storyboard = kid(root, 'Storyboard');
    if (!storyboard) throw new ImportError('/OpenSCENARIO/Storyboard', 'missing <Storyboard>');
    if (opts.parameters) {
      const decls = kids(kid(root, 'ParameterDeclarations'), 'ParameterDeclaration');
      for (const [name, value] of Object.entries(opts.parameters)) {
        const d = decls.find((x) => attr(x, 'name')?.replace(/^\$/, '') === name.replace(/^\$/, ''));
        if (!d?.$)
          throw new ImportError('/OpenSCENARIO/ParameterDeclarations', `no global parameter ${name} to set`);
        d.$.value = value;
      }
    }
    resolveTree(root, new Map(), '/OpenSCENARIO');
    const unsupported: string[] = [];
    const warnings: string[] = [];
    checkOscNumbers(root, '/OpenSCENARIO', warnings);
    // scenario_runner's "CARLA:" files write positions in CARLA's mirrored frame (CarlaCoordinates.ts).
    if (usesCarlaFrame(root) && carlaPositionsToMapFrame(root) > 0)
      warnings.push(
        'FileHeader description "CARLA:…": positions read in CARLA coordinates (y and headings mirrored)',
      );
    const dir = dirname(resolve(path));
    const catDirs: string[] = [];
    for (const [tag, list] of Object.entries(kid(root, 'CatalogLocations') ?? {})) {
      if (tag === '$' || !Array.isArray(list)) continue;
      for (const loc of list as XNode[])
        for (const d of kids(loc, 'Directory')) {
          const p = attr(d, 'path');
          if (!p) continue;
          catDirs.push(esminiCatalogFallback(dir, p) ?? resolve(dir, p));
        }
    }
    const catalogs = new Catalogs(catDirs, warnings);

    const mapPath = mapFileOf(root, path, opts);
    if (!mapPath && fp(root))
      return fail(
        'NOT_FOUND',
        `${path}:/OpenSCENARIO/RoadNetwork/LogicFile`,
        opts.mapPath
          ? `needs ${basename(fp(root)!, extname(fp(root)!))}.xodr (filepath "${fp(root)}"); the map folder ${opts.mapPath} has none`
          : `needs ${basename(fp(root)!, extname(fp(root)!))}.xodr (filepath "${fp(root)}", looked at ${resolve(dirname(resolve(path)), fp(root)!)}, in ../xodr, beside the scenario and in the CARLA town folders); pass --map <file.xodr or a folder of towns>`,
      );
    let odrValue: OpenDriveResult | undefined;
    if (mapPath) {
      // esmini moves the map by the header <offset> and every WorldPosition with it (RoadManager,
      // ScenarioReader::parseOSCPosition): its output, and ours, are in that frame.
      const odr = loadOpenDrive(mapPath, { headerOffset: 'esmini' });
      if (!odr.ok) return odr;
      odrValue = odr.value;
    } else
      warnings.push('no road network: entities move in free space; the map is one lane along the ego path');
    if (
      mapPath &&
      fp(root) &&
      resolve(mapPath) !== resolve(dirname(resolve(path)), fp(root)!) &&
      !opts.mapPath
    )
      warnings.push(`RoadNetwork ${fp(root)} resolved to ${mapPath}`);

    // Entities (a vehicle's own trailers, OpenSCENARIO 1.3 Vehicle/Trailer, are entities of their own).
    const entities: OscEntity[] = [];
    const hitches: { tow: string; trailer: string }[] = [];
    kids(kid(root, 'Entities'), 'ScenarioObject').forEach((so, i) => {
      const p = `/OpenSCENARIO/Entities/ScenarioObject[${i}]`;
      const name = attr(so, 'name') ?? `entity${i}`;
      let tag = ['Vehicle', 'Pedestrian', 'MiscObject'].find((t) => kid(so, t));
      let node = tag ? kid(so, tag) : undefined;
      const ref = kid(so, 'CatalogReference');
      if (!node && ref) {
        const r = resolveReference(ref, catalogs, `${p}/CatalogReference`);
        if (r) {
          tag = r.tag;
          node = r.node;
        } else
          unsupported.push(
            `${p}/CatalogReference: entry ${attr(ref, 'catalogName')}/${attr(ref, 'entryName')} not found; default car size used`,
          );
      }
      if (kid(so, 'ObjectController'))
        unsupported.push(`${p}/ObjectController: controllers are not simulated`);
      entities.push(entityOf(name, tag ?? 'Vehicle', node ?? {}));
      if (tag === 'Vehicle') inlineTrailers(name, node, catalogs, p, entities, hitches, unsupported);
    });
    kids(kid(root, 'Entities'), 'EntitySelection').forEach((_, i) => {
      unsupported.push(`/OpenSCENARIO/Entities/EntitySelection[${i}]: not supported`);
    });
    // esmini's road tests (sign_test.xosc, traffic_light_tests.xosc) run a road network with
    // no entities: a valid file, but nothing for a planner to drive.
    if (entities.length === 0)
      return fail('UNSUPPORTED', `${path}:/OpenSCENARIO/Entities`, 'no ScenarioObject: nothing to drive');

    const catalogRoute = (ref: XNode | undefined, p: string): XNode | undefined => {
      if (!ref) return undefined;
      const r = resolveReference(ref, catalogs, p, declare(root, new Map(), '/OpenSCENARIO'));
      return r?.tag === 'Route' ? r.node : undefined;
    };
    const init = kid(storyboard, 'Init');
    // Positions keep the file's own rules (a relative Orientation turns from the lane's driving
    // direction under the road's rule, as esmini reads it); the lanes the entities drive follow
    // the side the scenario's vehicles start on (TrafficRule.ts).
    const odrOfPositions = odrValue;
    if (mapPath && odrValue && init) {
      const vote = trafficRuleByHeading(
        startPoses(init, entities, positionResolver(new RoadMap(odrValue.map), odrValue, [], catalogRoute)),
        odrValue.geometry,
      );
      if (vote.rule === 'LHT') {
        const lht = loadOpenDrive(mapPath, { defaultRule: 'LHT', headerOffset: 'esmini' });
        if (!lht.ok) return lht;
        odrValue = lht.value;
        warnings.push(
          `left-hand traffic on roads without a rule attribute: ${vote.lht} of ${vote.lht + vote.rht} vehicles start facing that way`,
        );
      }
    }
    const map = new RoadMap(odrValue?.map ?? EMPTY_MAP);
    const standardPos = positionResolver(map, odrOfPositions, unsupported, catalogRoute);
    // scenario_runner's files: relative and lane positions placed as ScenarioRunner places them
    const carla = usesCarlaFrame(root);
    const resolvePos = carla
      ? scenarioRunnerPositions(standardPos, odrOfPositions, map, unsupported)
      : standardPos;
    const buildPath = pathBuilder(map, odrValue?.geometry);
    const exec = new OscExecutor(map, resolvePos, buildPath, unsupported);
    if (carla) exec.headingPath = scenarioRunnerHeadingPath(init, entities);
    const globals = declare(root, new Map(), '/OpenSCENARIO');
    if (odrValue) exec.roads = odrValue.geometry;
    exec.values = storyboardValues(root, globals);
    exec.catalogRoute = catalogRoute;
    exec.catalogManeuver = (ref, p) => {
      const r = resolveReference(ref, catalogs, p, globals);
      return r?.tag === 'Maneuver' ? r.node : undefined;
    };
    for (const e of entities) exec.addEntity(e);
    // Trailers are connected before Init runs (esmini connects them as it reads the entities), so
    // an Init teleport of a chain's head lines its trailers up behind it; one the Init left
    // unplaced stands behind its tow vehicle after it.
    for (const h of hitches) exec.hitch(h.tow, h.trailer);
    if (init) exec.init(init, storyboard);
    for (const h of hitches) exec.hitch(h.tow, h.trailer);
    exec.load(storyboard);
    return ok({
      root,
      storyboard,
      ...(mapPath ? { mapPath } : {}),
      ...(odrValue ? { odr: odrValue } : {}),
      map,
      entities,
      hitches,
      exec,
      resolvePos,
      catalogRoute,
      unsupported,
      warnings,
    });
  });
}

/** Keeps the recorded states (track, scene presence, attitude) at multiples of `stepS` only. */
function keepEvery(states: Iterable<EntityState>, stepS: number): void {
  const onGrid = (tS: number) => Math.abs(tS / stepS - Math.round(tS / stepS)) < 1e-6;
  for (const st of states) {
    const keep = st.track.map((p) => onGrid(p.tS));
    st.track = st.track.filter((_, k) => keep[k]);
    st.activeTrack = st.activeTrack.filter((_, k) => keep[k]);
    st.attitude = st.attitude.filter((_, k) => keep[k]);
  }
}

/** Whether two entity states start at one pose (reference points within 0.5 m, headings within 0.2 rad). */
function sameStartPose(
  a: { x: number; y: number; headingRad: number },
  b: { x: number; y: number; headingRad: number },
): boolean {
  return (
    Math.hypot(a.x - b.x, a.y - b.y) < 0.5 && Math.abs(normalizeAngle(a.headingRad - b.headingRad)) < 0.2
  );
}

export function importOpenScenario(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  const dist = distributionOf(path);
  if (dist) return dist.ok ? importVariants(path, dist.value, opts) : dist;
  const prep = prepareOpenScenario(path, opts);
  if (!prep.ok) return prep;
  const { root, storyboard, mapPath, odr, map, entities, hitches, exec, unsupported, warnings } = prep.value;
  return guard(path, () => {
    const res = exec.run(kid(storyboard, 'StopTrigger'), {
      dtS: EXECUTOR_STEP_S,
      maxDurationS: MAX_DURATION_S,
      minDurationS: MIN_DURATION_S,
    });
    keepEvery(res.states.values(), DT_S);
    // on the scenario's grid: the last state kept is at or before the storyboard's end
    const endS = Math.floor(res.endS / DT_S + 1e-6) * DT_S;
    const durationS = Math.min(Math.max(endS, MIN_DURATION_S), MAX_DURATION_S);

    // The ego: an entity named so, else the first vehicle, else the first entity. A vehicle
    // that does not start on a lane (esmini's test files park some on border lanes or off the
    // road) gives way to the next vehicle that does: the planner needs a lane to drive.
    const named = entities.find((e) => /^(ego|hero|egovehicle)$/i.test(e.name));
    const vehicles = entities.filter((e) => e.kind === 'vehicle');
    const candidates = named ? [named] : vehicles.length > 0 ? vehicles : [entities[0]!];
    // Replays carry speed magnitudes (a reversing entity's track still moves it backwards).
    const cut = (st: EntityState) =>
      st.track.filter((p) => p.tS <= durationS + 1e-9).map((p) => ({ ...p, speedMps: Math.abs(p.speedMps) }));
    let chosen: { name: string; expert: TrackPoint[]; laneIds: string[] } | undefined;
    let free: ReturnType<typeof freeSpaceMap> | undefined;
    for (const c of candidates) {
      const st = res.states.get(c.name)!;
      const track = cut(st);
      if (track.length < 2) continue;
      free = odr ? undefined : freeSpaceMap(track, c, `xosc_${basename(path, extname(path))}`);
      const ids = free ? [free.lanes[0]!.id] : egoRoute(map, st, track);
      chosen ??= { name: c.name, expert: track, laneIds: ids };
      if (ids.length > 0) {
        chosen = { name: c.name, expert: track, laneIds: ids };
        break;
      }
    }
    if (!chosen) throw new ImportError('/OpenSCENARIO/Storyboard', 'the ego has no motion samples');
    const { name: egoName, expert, laneIds } = chosen;
    if (laneIds.length === 0)
      return fail(
        'NOT_FOUND',
        `${path}:/OpenSCENARIO/Storyboard/Init`,
        `ego ${egoName} does not start on or near a lane${candidates.length > 1 ? ' (nor does any other vehicle)' : ''}`,
      );
    // The ego's own trailers are no agents: the planner drives the ego alone (a trailer replayed
    // behind it would stand on it from the start).
    const egoTrain = new Set([egoName]);
    for (const h of hitches) if (egoTrain.has(h.tow)) egoTrain.add(h.trailer);
    if (egoTrain.size > 1)
      warnings.push(
        `the ego's trailers (${[...egoTrain].slice(1).join(', ')}) are left out: the ego drives without them`,
      );
    const agents: ScenarioAgent[] = [];
    const ego0 = res.states.get(egoName)!.track[0]!;
    for (const st of res.states.values()) {
      if (egoTrain.has(st.entity.name)) continue;
      const s0 = st.track[0];
      if (s0 && sameStartPose(s0, ego0)) {
        // two bodies cannot start in one place: a second instance of the ego (esmini's tests drive
        // variants of one action side by side this way, e.g. "ego jerk"); in closed loop it would
        // overlap the ego from t = 0 (an emergency stop, a collision at the start)
        warnings.push(
          `entity ${st.entity.name} starts where the ego ${egoName} starts: a second instance of the ego, left out`,
        );
        continue;
      }
      const whole = cut(st).map((p) => ({
        ...p,
        x: p.x + st.entity.centerOffsetM * Math.cos(p.headingRad),
        y: p.y + st.entity.centerOffsetM * Math.sin(p.headingRad),
        headingRad: normalizeAngle(p.headingRad),
      }));
      // An entity added or deleted by an EntityAction is in the scene only while active: one
      // replay agent per stretch (the agent is absent outside its track's time span).
      const spans: (typeof whole)[] = [];
      whole.forEach((p, k) => {
        if (st.activeTrack[k] === false) return;
        if (k > 0 && st.activeTrack[k - 1] !== false && spans.length > 0) spans[spans.length - 1]!.push(p);
        else spans.push([p]);
      });
      const partial = spans.length !== 1 || spans[0]!.length !== whole.length;
      spans.forEach((track, n) => {
        const first = track[0]!;
        const moves = partial || track.some((p) => Math.hypot(p.x - first.x, p.y - first.y) > 0.05);
        agents.push({
          id: n === 0 ? st.entity.name : `${st.entity.name}#${n + 1}`,
          kind:
            st.entity.kind === 'static' || !moves
              ? st.entity.kind === 'pedestrian'
                ? 'pedestrian'
                : 'static'
              : st.entity.kind,
          lengthM: st.entity.lengthM,
          widthM: st.entity.widthM,
          ...(st.entity.attributes ? { attributes: st.entity.attributes } : {}),
          start: { x: first.x, y: first.y, headingRad: first.headingRad, speedMps: first.speedMps },
          behavior: moves ? { type: 'replay', track } : { type: 'static' },
          reactive: 'replay',
        });
      });
    }
    // A storyboard whose triggers read an ego that never moves in it (CARLA ScenarioRunner's hero
    // under external_control) runs, played once here, none of what those triggers start: its actors
    // are imported standing (review 14 M2; said per file and tagged). In closed loop such a
    // storyboard runs live against the planner's ego instead (Scenario.storyboard, LiveStoryboard.ts).
    const egoMovesM = Math.max(...expert.map((p) => Math.hypot(p.x - expert[0]!.x, p.y - expert[0]!.y)));
    const egoReads = [...new Set(egoConditionNames(storyboard, egoName))];
    const unstarted = eventCount(storyboard) - res.eventStarts.size;
    const egoTriggersUnfired = egoMovesM < EGO_STILL_M && egoReads.length > 0 && unstarted > 0;
    // An ego the storyboard reads but does not move is driven from outside: the storyboard runs
    // live against the planner's ego in closed loop (LiveStoryboard.ts), the agents above its fallback.
    // (also an ego under the agent under test's controller that no condition reads: its expert is then driven, liveExpert.ts)
    const live =
      egoMovesM < EGO_STILL_M &&
      (egoReads.length > 0 || isExternalController(egoControllerOf(storyboard, egoName)));
    // ScenarioRunner's external_control hero: routed through where its scenario happens (ScenarioRunnerRoute.ts)
    const heroR =
      live && usesCarlaFrame(root) ? heroRoute(prep.value, res.states, egoName, laneIds[0]!) : undefined;
    if (heroR) warnings.push(heroR.note);
    // entities only the live storyboard brings in (an AddEntityAction the ego triggers) get an agent too
    if (live) agents.push(...liveOnlyAgents(res.states, agents, egoTrain, durationS));
    if (egoTriggersUnfired) {
      const ctrl = egoControllerOf(storyboard, egoName);
      const still = agents.filter((a) => a.behavior.type === 'static').length;
      warnings.push(
        `the ego ${egoName} does not move in the storyboard${ctrl ? ` (assigned controller ${ctrl}: the agent under test drives it)` : ''}, so played without it the conditions that read it (${egoReads.slice(0, 4).join(', ')}${egoReads.length > 4 ? ', …' : ''}) never fire and ${unstarted} event(s) never start (${still} of ${agents.length} actor(s) standing, tag ${EGO_TRIGGERS_UNFIRED_TAG}); in closed loop the storyboard runs live against the planner's ego`,
      );
    }
    const baseMap = odr?.map ?? free!;
    const unposted = new Set(odr ? odr.unpostedSpeedLaneIds : free!.lanes.map((l) => l.id));
    const posted = egoSpeedLimits(baseMap, unposted, expert);
    if (posted.set.length > 0)
      warnings.push(
        `no speed posted on ${posted.set.map(([road, v]) => `road ${road}: ${(v * 3.6).toFixed(1)} km/h`).join(', ')} (the ego's scripted speed there)`,
      );
    const e0 = expert[0]!;
    // the ego is the file's vehicle (its box, axles and Performance), not nuPlan's Pacifica: its
    // footprint is what the metrics and the gate measure (VehicleBody.ts); fields it does not give keep the defaults
    const egoEntity = entities.find((e) => e.name === egoName)!;
    const body = VehicleParamsSchema.parse(egoEntity.kind === 'vehicle' ? (egoEntity.vehicle ?? {}) : {});
    if (egoEntity.kind === 'vehicle')
      for (const w of egoEntity.vehicleWarnings ?? []) warnings.push(`the ego ${egoName}: ${w}`);
    // The executor bounds speed actions by Performance maxSpeed (our top speed, VehicleBody.ts),
    // but not every motion (timed trajectories), and a vehicle without Performance has no bound
    // there while ours defaults to 30 m/s: a start or scripted speed above the top speed raises it.
    const covered = coverEgoSpeed(body, `the ego ${egoName}`, egoSpeeds(e0.speedMps, expert));
    if (covered.warning) warnings.push(covered.warning);
    const vehicle = covered.vehicle;
    // esmini places the rear axle at a road's start (s = 0): the overhang behind it is paved (StartApron.ts)
    const apron = free ? undefined : startApron(posted.map, e0, vehicle);
    const mapData = apron
      ? { ...posted.map, drivableAreas: [...posted.map.drivableAreas, apron] }
      : posted.map;
    if (apron)
      warnings.push(
        `the ego ${egoName} starts hanging over the start of its road: drivable under its start footprint`,
      );
    // Signal states the storyboard set become the ego's traffic lights (OpenDRIVE signal ids).
    const lights = odr ? signalTimelines(res.signalStates, odr.signalHeads) : { signals: [], warnings: [] };
    if (!odr && res.signalStates.size > 0)
      warnings.push('traffic signal states are set but there is no road network: no lights for the ego');
    warnings.push(...lights.warnings);
    const desc = attr(kid(root, 'FileHeader'), 'description') ?? '';
    const scenario: Scenario = ScenarioSchema.parse({
      formatVersion: 1,
      id: `xosc_${basename(path, extname(path))}`.replace(/[^\w.-]/g, '_'),
      description: `${desc} (OpenSCENARIO ${attr(kid(root, 'FileHeader'), 'revMajor') ?? '1'}.${attr(kid(root, 'FileHeader'), 'revMinor') ?? '0'}; events: ${[
        ...res.eventStarts,
      ]
        .map(([n, t]) => `${n}@${t.toFixed(1)}s`)
        .join(', ')})`,
      tags: [
        'openscenario',
        ...(egoTriggersUnfired ? [EGO_TRIGGERS_UNFIRED_TAG] : []),
        ...(live ? [STORYBOARD_LIVE_TAG] : []),
      ],
      map:
        mapPath && !free
          ? {
              kind: 'file',
              path: resolve(mapPath),
              format: 'opendrive',
              ...(odr?.offsetApplied ? { headerOffset: 'esmini' as const } : {}),
              ...(odr?.defaultRule ? { defaultRule: odr.defaultRule } : {}),
            }
          : { kind: 'inline', map: mapData },
      vehicle,
      egoStart: { tS: 0, x: e0.x, y: e0.y, headingRad: normalizeAngle(e0.headingRad), speedMps: e0.speedMps },
      route: { laneIds: heroR?.laneIds ?? laneIds },
      expert: expert.map((p) => ({ ...p, headingRad: normalizeAngle(p.headingRad) })),
      agents,
      signals: lights.signals,
      durationS,
      dtS: DT_S,
      source: { origin: resolve(path), license: 'see the source repository' },
      ...(live
        ? {
            storyboard: {
              format: 'openscenario',
              path: resolve(path),
              ...(opts.mapPath ? { mapPath: resolve(opts.mapPath) } : {}),
              ...(opts.parameters ? { parameters: opts.parameters } : {}),
              egoEntity: egoName,
            },
          }
        : {}),
    });
    return ok({
      map: mapData,
      scenarios: [scenario],
      unsupported,
      warnings,
      events: [...res.eventStarts].map(([name, tS]) => ({ scenarioId: scenario.id, name, tS })),
    });
  });
}

/**
 * esmini looks a catalog up in its Directory path (as given, then beside the scenario) and last in
 * its own `resources/xosc/Catalogs/<last folder of the path>` (ScenarioReader::LoadCatalog, beside
 * its executable). A scenario inside an esmini checkout whose relative path leads nowhere (the
 * code examples' `../xosc/Catalogs/Vehicles`) finds its catalog there: the nearest ancestor folder
 * that has it. Undefined when the given path exists or no ancestor has the folder.
 */
function esminiCatalogFallback(scenarioDir: string, path: string): string | undefined {
  if (existsSync(resolve(scenarioDir, path))) return undefined;
  const last = basename(path.replace(/[\\/]+$/, ''));
  if (!last) return undefined;
  for (let d = scenarioDir; ; ) {
    const c = join(d, 'resources', 'xosc', 'Catalogs', last);
    if (existsSync(c)) return c;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The expanded distribution when the file is a ParameterValueDistribution; undefined otherwise. */
function distributionOf(path: string): Result<Distribution> | undefined {
  const read = readTextFile(path);
  if (!read.ok || !read.value.includes('ParameterValueDistribution')) return undefined;
  const parsed = parseXml(read.value, path, 'OpenSCENARIO');
  if (!parsed.ok || !kid(parsed.value, 'ParameterValueDistribution')) return undefined;
  try {
    return ok(expandDistribution(parsed.value));
  } catch (e) {
    return fail('INVALID_INPUT', path, (e as Error).message);
  }
}

/**
 * One scenario per variant of a distribution (ids suffixed _v<k>, the values in the description);
 * with `opts.id`, only the variant of that id (`<file>.xosc#xosc_cut-in_v03`): every `#id` used to
 * load variant 0 under the name asked for. An id naming no variant is NOT_FOUND.
 */
function importVariants(path: string, dist: Distribution, opts: ImportOptions): Result<ImportResult> {
  const file = resolve(dirname(resolve(path)), dist.scenarioFile);
  const scenarios: Scenario[] = [];
  const warnings: string[] = [`${dist.variants.length} variants of ${dist.scenarioFile}`];
  const unsupported = new Set<string>();
  let map: ImportResult['map'];
  const width = String(dist.variants.length - 1).length;
  const suffix = (k: number) => `_v${String(k).padStart(width, '0')}`;
  // the id's suffix names the variant: only that one is imported (each import runs the storyboard)
  const wanted = opts.id === undefined ? undefined : /_v(\d+)$/.exec(opts.id);
  const wantedK = wanted ? Number(wanted[1]) : undefined;
  for (const [k, v] of dist.variants.entries()) {
    if (opts.id !== undefined && (k !== wantedK || !opts.id.endsWith(suffix(k)))) continue;
    const { id: _variantId, ...base } = opts;
    const r = importOpenScenario(file, { ...base, parameters: Object.fromEntries(v) });
    const values = [...v].map(([n, x]) => `${n}=${x}`).join(', ');
    if (!r.ok) return fail(r.error.code, `${path} variant ${k} (${values})`, r.error.message);
    for (const u of r.value.unsupported) unsupported.add(u);
    map ??= r.value.map;
    for (const s of r.value.scenarios)
      scenarios.push({
        ...s,
        id: `${s.id}${suffix(k)}`,
        description: `${s.description} [variant ${k}: ${values}]`,
        tags: [...s.tags, 'parameter-distribution'],
      });
  }
  if (opts.id !== undefined && !scenarios.some((s) => s.id === opts.id))
    return fail(
      'NOT_FOUND',
      `${path}#${opts.id}`,
      `no variant with this id (${dist.variants.length} variants, ids <scenario id>_v${'0'.repeat(width)} to _v${dist.variants.length - 1})`,
    );
  return ok({ ...(map ? { map } : {}), scenarios, unsupported: [...unsupported], warnings });
}

/** A map with no lanes: the executor's view of a scenario without a road network. */
const EMPTY_MAP: RoadMapData = {
  id: 'free_space',
  lanes: [],
  crosswalks: [],
  stopLines: [],
  junctions: [],
  drivableAreas: [],
};

/** The free-space lane reaches this far behind the ego's start, m (past a vehicle's rear overhang; a trailer's too). */
const FREE_LANE_BEHIND_M = 20;

/**
 * Speed limits on the roads the file posts none for. OpenDRIVE without a `<speed>` record (or with
 * `max="no limit"`) sets no limit — esmini's Road::GetSpeedByS returns 0 there and nothing in
 * esmini limits speed by it — but every lane here needs a speed to drive at: the planners take
 * their target speed from it (the lanes stay `speedLimitPosted: false`, so nuPlan's
 * speed_limit_compliance scores none there, as nuplan-devkit with a None limit). The importer's 50 km/h default
 * made the scenario's own scripted ego speed (cut-in_simple's at 72 km/h on a road without a
 * limit) and had the planners brake at the start, or drive faster than the scenario's ego where it
 * is slower. The only speed a scenario gives for the ego on such a road is its scripted one, and
 * the other entities' motions (replayed, triggered by the ego's scripted motion) are timed to it;
 * so the limit of an unposted road the ego drives on is the highest speed its scripted motion has
 * there (every sample, by the lanes it lies in). Roads it does not drive on, or only stands on,
 * keep the default; posted roads keep their limits. Returns the map (the input when nothing
 * changed) and the roads set, in map order.
 */
export function egoSpeedLimits(
  data: RoadMapData,
  unposted: ReadonlySet<string>,
  egoTrack: ReadonlyArray<{ x: number; y: number; speedMps: number }>,
): { map: RoadMapData; set: [string, number][] } {
  if (unposted.size === 0) return { map: data, set: [] };
  const map = new RoadMap(data);
  const roadOf = (l: { id: string; roadId?: string | undefined }): string => l.roadId ?? l.id;
  const fastest = new Map<string, number>();
  for (const p of egoTrack) {
    const v = Math.abs(p.speedMps);
    for (const l of map.lanesAt(p.x, p.y)) {
      if (!unposted.has(l.data.id)) continue;
      const road = roadOf(l.data);
      if (v > (fastest.get(road) ?? 0)) fastest.set(road, v);
    }
  }
  if (fastest.size === 0) return { map: data, set: [] };
  // Where the map says whether a limit binds (the OpenDRIVE importer's `speedLimitAdvisory` from
  // the road's type and `<speed max="no limit">`), it stands. Where it says nothing, read under the
  // German StVO (as CommonRoad's fictional ZAM maps are): an unposted road that the scenario drives
  // faster than the 100 km/h that binds without a sign outside built-up areas can only be a
  // motorway, where no general limit holds — its speed is advice.
  const lanes = data.lanes.map((l) => {
    const v = unposted.has(l.id) ? fastest.get(roadOf(l)) : undefined;
    if (v === undefined) return l;
    return {
      ...l,
      speedLimitMps: v,
      ...(l.speedLimitAdvisory === undefined && v > STATUTORY_UNPOSTED_MAX_MPS
        ? { speedLimitAdvisory: true }
        : {}),
    };
  });
  const set = [...new Set(data.lanes.map(roadOf))]
    .filter((r) => fastest.has(r))
    .map((r): [string, number] => [r, fastest.get(r)!]);
  return { map: { ...data, lanes }, set };
}

/**
 * The map of a scenario without a road network: one driving lane along the ego's scripted path
 * (extended 50 m beyond its last pose), so a planner has a route to follow and the drivable-area
 * metric has an area; as wide as the ego's body sweeps along that path plus a clearance
 * (`FreeSpaceLane.ts`).
 */
function freeSpaceMap(
  track: readonly { x: number; y: number; headingRad: number }[],
  body: FreeSpaceBody,
  id: string,
): RoadMapData {
  const pts: Vec2[] = [];
  for (const p of track) {
    const l = pts[pts.length - 1];
    if (!l || Math.hypot(p.x - l.x, p.y - l.y) > 0.5) pts.push({ x: p.x, y: p.y });
  }
  // The lane begins 20 m behind the start, on the start heading: begun at the reference point
  // (the rear axle), it left the ego's rear overhang off the drivable area from t = 0 (both planners
  // scored 0 on parking_lot, trailer_connect, truck_with_rotating_axle)
  const first = track[0]!;
  const h0 = pts.length >= 2 ? Math.atan2(pts[1]!.y - pts[0]!.y, pts[1]!.x - pts[0]!.x) : first.headingRad;
  pts.unshift({
    x: first.x - FREE_LANE_BEHIND_M * Math.cos(h0),
    y: first.y - FREE_LANE_BEHIND_M * Math.sin(h0),
  });
  const last = track[track.length - 1]!;
  const h =
    pts.length >= 2
      ? Math.atan2(
          pts[pts.length - 1]!.y - pts[pts.length - 2]!.y,
          pts[pts.length - 1]!.x - pts[pts.length - 2]!.x,
        )
      : last.headingRad;
  pts.push({ x: last.x + 50 * Math.cos(h), y: last.y + 50 * Math.sin(h) });
  return {
    id,
    lanes: [
      {
        id: 'free_0',
        type: 'driving',
        centerline: pts,
        widthM: freeSpaceLaneWidthM(track, body, pts),
        speedLimitMps: UNPOSTED_DEFAULT_MPS,
        speedLimitPosted: false,
        successors: [],
        predecessors: [],
        leftBoundary: 'none',
        rightBoundary: 'none',
      },
    ],
    crosswalks: [],
    stopLines: [],
    junctions: [],
    drivableAreas: [],
    source: 'OpenSCENARIO without a road network: one free-space lane along the ego path',
  };
}

/** Route lanes of the ego: the lanes its expert track passes, joined by lane routes, then 100 m further. */
function egoRoute(
  map: RoadMap,
  ego: EntityState,
  track: { x: number; y: number; headingRad: number }[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < track.length; i += 5) {
    const p = track[i]!;
    const cands: string[] = [];
    for (const k of map.lanesNear(p.x, p.y, 6)) if (map.lanes[k]!.drivable) cands.push(map.lanes[k]!.data.id);
    const loc = map.locate(p.x, p.y, p.headingRad, 4, cands);
    if (!loc || !map.lane(loc.laneId)?.drivable) continue;
    const last = out[out.length - 1];
    if (last === undefined) out.push(loc.laneId);
    else if (last !== loc.laneId && !out.includes(loc.laneId)) {
      const r = map.route(last, loc.laneId);
      if (r.ok && r.value.length <= 6) out.push(...r.value.slice(1));
    }
  }
  // Extend along the entity's own path lanes, then by straightest successors, for 100 m.
  let extra = 0;
  let cur = out[out.length - 1];
  const seen = new Set(out);
  while (cur && extra < 100) {
    const l = map.lane(cur)!;
    const next =
      l.data.successors.find((s) => !seen.has(s) && ego.pathLanes.includes(s)) ?? straightest(map, cur, seen);
    if (!next) break;
    out.push(next);
    seen.add(next);
    extra += map.lane(next)!.line.length;
    cur = next;
  }
  return out;
}

function straightest(map: RoadMap, laneId: string, avoid: Set<string>): string | undefined {
  const l = map.lane(laneId)!;
  const h = l.line.headingAt(l.line.length);
  let best: string | undefined;
  let bestErr = Infinity;
  for (const s of l.data.successors) {
    if (avoid.has(s)) continue;
    const o = map.lane(s);
    if (!o) continue;
    const e = Math.abs(normalizeAngle(o.line.headingAt(Math.min(5, o.line.length)) - h));
    if (e < bestErr) {
      bestErr = e;
      best = s;
    }
  }
  return best;
}

/** The lane before `laneId` (against its direction) whose end heading is closest to its start heading. */
function straightestPredecessor(map: RoadMap, laneId: string): string | undefined {
  const l = map.lane(laneId)!;
  const h = l.line.headingAt(0);
  let best: string | undefined;
  let bestErr = Infinity;
  for (const p of l.data.predecessors) {
    const o = map.lane(p);
    if (!o) continue;
    const e = Math.abs(normalizeAngle(o.line.headingAt(Math.max(o.line.length - 5, 0)) - h));
    if (e < bestErr) {
      bestErr = e;
      best = p;
    }
  }
  return best;
}

/**
 * The path of an entity facing against its lane: that lane walked backwards from where it stands,
 * then its predecessors (straightest first) walked backwards, as esmini's MoveAlongS moves an
 * entity along the road in its heading direction (road ends reached through the lane links).
 * Undefined when no lane runs against the heading there. Its lanes are left empty: lane-relative
 * actions read the lanes in their own direction.
 */
function reversePath(
  map: RoadMap,
  x: number,
  y: number,
  headingRad: number,
): { path: Polyline; lanes: string[]; sM: number; dM: number; deadEnd: boolean } | undefined {
  const cands: string[] = [];
  for (const k of map.lanesNear(x, y, 8)) cands.push(map.lanes[k]!.data.id);
  const loc = map.locate(x, y, headingRad + Math.PI, 5, cands);
  const lane = loc ? map.lane(loc.laneId) : undefined;
  if (!loc || !lane || Math.abs(loc.headingErrRad) > Math.PI / 2) return undefined;
  const pts: Vec2[] = [];
  const s0 = Math.min(Math.max(loc.sM, 0), lane.line.length);
  const start = lane.line.poseAt(s0, { x: 0, y: 0, headingRad: 0 });
  pts.push({ x: start.x, y: start.y });
  const line0 = lane.line;
  for (let i = line0.s.length - 1; i >= 0; i--)
    if (line0.s[i]! < s0) pts.push({ x: line0.xs[i]!, y: line0.ys[i]! });
  let len = s0;
  let cur = lane.data.id;
  const seen = new Set([cur]);
  let deadEnd = false;
  while (len < PATH_MAX_M && seen.size < 400) {
    const prev = straightestPredecessor(map, cur);
    if (!prev) {
      deadEnd = true;
      break;
    }
    if (seen.has(prev) && seen.size > 200) break;
    seen.add(prev);
    const l = map.lane(prev)!.line;
    for (let i = l.s.length - 1; i >= 0; i--) pts.push({ x: l.xs[i]!, y: l.ys[i]! });
    len += l.length;
    cur = prev;
  }
  if (pts.length < 2 || len < 1e-3) return undefined;
  const line = new Polyline(pts);
  const f = line.project(x, y, undefined, 0, Math.max(s0, 1));
  return { path: line, lanes: [], sM: Math.max(f.sM, 0), dM: f.dM, deadEnd };
}

/** Builds the path an entity follows from a pose: its lane forward (or the given route), else a straight line. */
/** The road id and OpenDRIVE lane id of one of our lanes (`<road>_<section>_<lane>`). */
function odrLaneOf(map: RoadMap, laneId: string): { roadId: string; lane: number } | undefined {
  const roadId = map.lane(laneId)?.data.roadId;
  const lane = Number(laneId.split('_').pop());
  return roadId !== undefined && Number.isInteger(lane) ? { roadId, lane } : undefined;
}

/**
 * The lanes after `laneId` in esmini's order of a junction's connections
 * (Junction::GetRoadConnectionByIdx: the junction's connections in file order, esmini's counter
 * connections after them, each connection from this road with a lane link from this lane); the
 * lane's successors as they are where it does not end in a default junction.
 */
function connectionsFrom(map: RoadMap, roads: RoadGeometry | undefined, laneId: string): readonly string[] {
  const succ = map.lane(laneId)?.data.successors ?? [];
  const junctionId = succ.length > 1 ? map.lane(succ[0]!)?.data.junctionId : undefined;
  const j = junctionId !== undefined ? roads?.junction(junctionId) : undefined;
  const from = odrLaneOf(map, laneId);
  if (j?.type !== 'default' || !from) return succ;
  const out: string[] = [];
  for (const c of j.connections) {
    if (c.incomingRoadId !== from.roadId) continue;
    for (const ll of c.laneLinks) {
      if (ll.from !== from.lane) continue;
      const to = succ.find((id) => {
        const o = odrLaneOf(map, id);
        return o?.roadId === c.connectingRoadId && o.lane === ll.to;
      });
      if (to !== undefined && !out.includes(to)) out.push(to);
    }
  }
  for (const id of succ) if (!out.includes(id)) out.push(id);
  return out;
}

/** The road at the other end of connecting road `roadId` from road `from`. */
function otherEnd(roads: RoadGeometry, roadId: string, from: string): string | undefined {
  const r = roads.road(roadId);
  if (r?.succ?.type === 'road' && r.succ.id !== from) return r.succ.id;
  if (r?.pred?.type === 'road' && r.pred.id !== from) return r.pred.id;
  return undefined;
}

/**
 * The lane a routed entity takes after `laneId` (esmini's Position::MoveToConnectingRoad with a
 * route): at a junction, of the connections from this lane, the last that leads to the road the
 * route takes beyond the junction from this road (Route::GetRoadAtOtherEndOfIncomingRoad: the first
 * of the route's roads that the junction connects from this road, and the road at its other end);
 * the first connection when none does or the route does not cross the junction from here. An
 * entity changes no lane to follow its route.
 */
function routeSuccessor(
  map: RoadMap,
  roads: RoadGeometry | undefined,
  laneId: string,
  routeRoads: readonly string[],
): string | undefined {
  const conns = connectionsFrom(map, roads, laneId);
  if (conns.length < 2 || !roads) return conns[0];
  const from = odrLaneOf(map, laneId)?.roadId;
  const junctionId = map.lane(conns[0]!)?.data.junctionId;
  const j = junctionId !== undefined ? roads.junction(junctionId) : undefined;
  if (!j || from === undefined) return conns[0];
  const via = routeRoads.find((road) =>
    j.connections.some((c) => c.incomingRoadId === from && c.connectingRoadId === road),
  );
  const target = via !== undefined ? otherEnd(roads, via, from) : undefined;
  if (target === undefined) return conns[0];
  let pick = conns[0];
  for (const id of conns) {
    const c = odrLaneOf(map, id)?.roadId;
    if (c !== undefined && otherEnd(roads, c, from) === target) pick = id;
  }
  return pick;
}

function pathBuilder(map: RoadMap, roads?: RoadGeometry): PathBuilder {
  return (x, y, headingRad, routeLanes, routeRoads) => {
    const cands: string[] = [];
    for (const k of map.lanesNear(x, y, 8)) cands.push(map.lanes[k]!.data.id);
    const loc = map.locate(x, y, headingRad, 5, routeLanes && routeLanes.length > 0 ? routeLanes : cands);
    const lane = loc ? map.lane(loc.laneId) : undefined;
    if (!loc || !lane || Math.abs(loc.headingErrRad) > Math.PI / 2) {
      // esmini moves an entity along its road in the direction it faces (MoveAlongS,
      // HEADING_DIRECTION): one facing against its lane drives back along it, on through the
      // lanes before it, and stops where the road has no predecessor.
      const back = routeLanes && routeLanes.length > 0 ? undefined : reversePath(map, x, y, headingRad);
      if (back) return back;
      const line = new Polyline([
        { x, y },
        { x: x + PATH_MAX_M * Math.cos(headingRad), y: y + PATH_MAX_M * Math.sin(headingRad) },
      ]);
      return { path: line, lanes: [], sM: 0, dM: 0 };
    }
    const lanes = [loc.laneId];
    if (routeLanes) {
      const i = routeLanes.indexOf(loc.laneId);
      if (i >= 0) lanes.push(...routeLanes.slice(i + 1));
    }
    // Length ahead of the entity (its own lane counts from where it is).
    let len = -Math.max(loc.sM, 0);
    for (const id of lanes) len += map.lane(id)!.line.length;
    const seen = new Set(lanes);
    let cur = lanes[lanes.length - 1]!;
    let deadEnd = false;
    // A routed entity takes at each junction the connection towards its route's next road, else the
    // first (routeSuccessor); past lanes given to follow, a junction's first connection; without
    // either the straightest (esmini's junction selector angle 0).
    const afterLanes = routeLanes !== undefined && routeLanes.length > 0;
    while (len < PATH_MAX_M && lanes.length < 400) {
      const succ = map.lane(cur)!.data.successors;
      const next = routeRoads
        ? routeSuccessor(map, roads, cur, routeRoads)
        : afterLanes && succ.length > 0
          ? connectionsFrom(map, roads, cur)[0]
          : straightest(map, cur, new Set());
      if (!next) deadEnd = true;
      if (!next || (seen.has(next) && lanes.length > 200)) break;
      lanes.push(next);
      seen.add(next);
      len += map.lane(next)!.line.length;
      cur = next;
    }
    const s0 = Math.min(Math.max(loc.sM, 0), lane.line.length - 0.01);
    const path = RoutePath.build(map, lanes, s0);
    // The entity stands on the path's first lane: project it there. A path around a loop road
    // (velodrome.xodr's lane is its own successor) passes the same place again, and the nearest
    // point over the whole path may be that later pass (the entity jumped a lap ahead and stopped).
    const f = path.line.project(x, y, undefined, 0, Math.max(lane.line.length - s0, 1));
    const laneFromS = lanes.map(() => Number.NaN);
    for (const p of path.pieces) if (!(laneFromS[p.index]! <= p.fromS)) laneFromS[p.index] = p.fromS;
    return {
      path: path.line,
      lanes,
      ...(laneFromS.every(Number.isFinite) ? { laneFromS } : {}),
      sM: Math.max(f.sM, 0),
      dM: f.dM,
      deadEnd,
    };
  };
}

/**
 * Start poses of the scenario's vehicles: the first Init TeleportAction position of each that
 * resolves without other entities (relative positions follow their reference anyway).
 */
function startPoses(
  init: XNode,
  entities: readonly OscEntity[],
  resolvePos: PositionResolver,
): { x: number; y: number; headingRad: number }[] {
  const out: { x: number; y: number; headingRad: number }[] = [];
  const none = new Map<string, EntityState>();
  kids(kid(init, 'Actions'), 'Private').forEach((pr, i) => {
    const e = entities.find((x) => x.name === attr(pr, 'entityRef'));
    if (e?.kind !== 'vehicle' && e?.kind !== 'cyclist') return;
    for (const [j, pa] of kids(pr, 'PrivateAction').entries()) {
      const pos = kid(kid(pa, 'TeleportAction'), 'Position');
      const p = pos && resolvePos(pos, `/Init/Actions/Private[${i}]/PrivateAction[${j}]`, none);
      if (p) {
        out.push(p);
        return;
      }
    }
  });
  return out;
}

/** Resolves OpenSCENARIO positions on the map (OpenDRIVE frame, as esmini and scenario_runner use). */
function positionResolver(
  map: RoadMap,
  odr: OpenDriveResult | undefined,
  unsupported: string[],
  catalogRoute?: (ref: XNode | undefined, path: string) => XNode | undefined,
): PositionResolver {
  const note = (p: string, m: string): undefined => {
    const msg = `${p}: ${m}`;
    if (!unsupported.includes(msg)) unsupported.push(msg);
    return undefined;
  };
  const orient = (pos: XNode, base: number, absoluteDefault: boolean): number => {
    const o = kid(pos, 'Orientation');
    if (!o) return base;
    const h = Number(attr(o, 'h') ?? 0) || 0;
    const type = attr(o, 'type') ?? (absoluteDefault ? 'absolute' : 'relative');
    return type === 'absolute' ? h : base + h;
  };
  const laneForward = (laneId: string): boolean => {
    const l = map.lane(laneId);
    const id = Number(laneId.split('_').pop());
    if (!l || !Number.isFinite(id)) return true;
    // Our lanes run in driving direction; the road's s-direction is theirs for right lanes (RHT).
    if (!odr) return id < 0;
    const at = odr.laneAt(l.data.roadId ?? '', id, 0);
    return at.ok ? at.value.forward : id < 0;
  };
  /**
   * A road's s must lie on it (OpenDRIVE §8: s ∈ [0, length]). esmini (CheckAndAdjustRoadSValue)
   * logs an s beyond the road as an error and clamps it to the road; so do we, with a note.
   * Undefined when the road is not in the map.
   */
  const sOnRoad = (roadId: string, s: number, p: string): number | undefined => {
    const len = odr?.geometry.roadLength(roadId);
    if (len === undefined) return note(p, `road ${roadId} not in the map`);
    if (s < -1e-6 || s > len + 1e-6)
      note(
        `${p}@s`,
        `s ${s} is beyond road ${roadId} (length ${len.toFixed(3)} m): clamped to the road, as esmini does`,
      );
    return Math.min(Math.max(s, 0), len);
  };
  /**
   * RoutePosition: the route's waypoints joined by lane routes; InRoutePosition FromCurrentEntity
   * (the entity's pose), FromRoadCoordinates (pathS along the route from its first waypoint, t to
   * the left) or FromLaneCoordinates (pathS, laneOffset on the route's lanes; laneId read as the
   * route's own lane).
   */
  const routePosition = (
    rtp: XNode,
    p: string,
    states: ReadonlyMap<string, EntityState>,
  ): { x: number; y: number; headingRad: number } | undefined => {
    const route =
      kid(kid(rtp, 'RouteRef'), 'Route') ?? catalogRoute?.(kid(kid(rtp, 'RouteRef'), 'CatalogReference'), p);
    const irp = kid(rtp, 'InRoutePosition');
    const cur = kid(irp, 'FromCurrentEntity');
    if (cur) {
      const st = states.get(attr(cur, 'entityRef') ?? '');
      if (!st)
        return note(`${p}/InRoutePosition/FromCurrentEntity`, `unknown entity ${attr(cur, 'entityRef')}`);
      return { x: st.x, y: st.y, headingRad: orient(rtp, st.headingRad, false) };
    }
    if (!route) return note(`${p}/RouteRef`, 'no inline Route or catalog route found');
    const wps = kids(route, 'Waypoint')
      .map((w, i) =>
        resolveFn(kid(w, 'Position') ?? {}, `${p}/RouteRef/Route/Waypoint[${i}]/Position`, states),
      )
      .filter((w): w is { x: number; y: number; headingRad: number } => w !== undefined);
    const lanes: string[] = [];
    let s0 = 0;
    for (const w of wps) {
      const loc = map.locate(w.x, w.y, w.headingRad, 5);
      if (!loc) continue;
      const last = lanes[lanes.length - 1];
      if (last === undefined) {
        lanes.push(loc.laneId);
        s0 = loc.sM;
      } else if (last !== loc.laneId) {
        const r = map.route(last, loc.laneId);
        if (r.ok) lanes.push(...r.value.slice(1));
      }
    }
    if (lanes.length === 0) return note(`${p}/RouteRef`, 'no waypoint of the route is on a lane');
    const built = RoutePath.build(map, lanes, Math.max(0, s0));
    const line = built.line;
    const startS = wps[0] ? line.project(wps[0].x, wps[0].y).sM : 0;
    const road = kid(irp, 'FromRoadCoordinates');
    const lane = kid(irp, 'FromLaneCoordinates');
    const at = road ?? lane;
    if (!at)
      return note(
        `${p}/InRoutePosition`,
        'expected FromCurrentEntity, FromRoadCoordinates or FromLaneCoordinates',
      );
    const pathS = num(at, 'pathS', `${p}/InRoutePosition`);
    if (lane && odr) {
      // esmini's Position::SetRouteLanePosition: the route's road and s at pathS, then that road's
      // lane `laneId` (an OpenDRIVE lane id) with `laneOffset` in the road frame (SetLanePos).
      const sOn = Math.min(startS + pathS, line.length);
      const on = line.toCartesian(sOn, 0);
      const piece = built.pieces.find((q) => q.fromS <= sOn && sOn <= q.toS) ?? built.pieces.at(-1);
      const roadId = piece ? map.lane(piece.laneId)?.data.roadId : undefined;
      const rc = roadId !== undefined ? odr.geometry.snapToRoad(roadId, on.x, on.y) : undefined;
      const lp = `${p}/InRoutePosition/FromLaneCoordinates`;
      const laneId = Math.round(num(lane, 'laneId', lp, 0));
      const cT = rc && roadId !== undefined ? odr.geometry.laneCenterT(roadId, laneId, rc.sM) : undefined;
      if (rc && cT && roadId !== undefined) {
        const xy = odr.geometry.planPoint(roadId, rc.sM, cT.tM + num(lane, 'laneOffset', lp, 0));
        if (xy.ok) return { x: xy.value.x, y: xy.value.y, headingRad: orient(rtp, on.headingRad, false) };
      }
      note(lp, `no lane ${laneId} on the route's road at pathS ${pathS}: placed on the route's lane`);
    }
    const d = road
      ? num(road, 't', `${p}/InRoutePosition/FromRoadCoordinates`, 0)
      : num(lane!, 'laneOffset', `${p}/InRoutePosition/FromLaneCoordinates`, 0);
    const c = line.toCartesian(Math.min(startS + pathS, line.length), d);
    return { x: c.x, y: c.y, headingRad: orient(rtp, c.headingRad, false) };
  };
  /**
   * RelativeRoadPosition and RelativeLanePosition in road coordinates, as esmini's
   * Position::EvaluateRelation: from the road position of the reference (its lane by where it is,
   * not by where it faces), `ds` moves along the road's s and `dsLane` along the reference lane's
   * driving direction; `dLane` counts lane ids (left of s positive), mirrored for `dsLane` as esmini
   * does; `dt` adds to t. A relative Orientation turns from the road's s direction (plus π on a lane
   * driving against s, for `dsLane`). Undefined when the target is off the reference's road (the
   * caller then walks the lane graph).
   */
  const roadRelative = (
    n: XNode,
    r: EntityState,
    p: string,
    kind: 'road' | 'lane',
  ): { x: number; y: number; headingRad: number } | undefined => {
    const c = odr?.geometry.worldToRoad(r.x, r.y);
    if (!odr || !c) return undefined;
    const g = odr.geometry;
    const len = g.roadLength(c.roadId) ?? 0;
    const here = unwrap(g.pose(c.roadId, c.sM, c.tM));
    let sM = c.sM;
    let tM: number;
    let extraH = 0;
    if (kind === 'road') {
      sM += num(n, 'ds', p, 0);
      if (sM < 0 || sM > len) return undefined;
      tM = c.tM + num(n, 'dt', p, 0);
    } else {
      if (c.laneId === 0) return undefined;
      const forwardOf = (laneId: number, s: number): boolean => {
        const at = odr.laneAt(c.roadId, laneId, s);
        return at.ok ? at.value.forward : laneId < 0;
      };
      const alongLane = attr(n, 'ds') === undefined && attr(n, 'dsLane') !== undefined;
      let dLane = Math.round(num(n, 'dLane', p, 0));
      let offset = num(n, 'offset', p, 0);
      if (alongLane) {
        const refLaneForward = forwardOf(c.laneId, c.sM);
        sM += refLaneForward ? num(n, 'dsLane', p, 0) : -num(n, 'dsLane', p, 0);
        // esmini keeps dLane and offset for a reference facing along s in a right lane under RHT
        // (against s in a left lane under LHT), and mirrors them otherwise.
        const refFacesS = Math.abs(angleDiff(r.headingRad, here.hRoad)) < Math.PI / 2;
        if (!(refLaneForward && (c.laneId < 0 ? refFacesS : !refFacesS))) {
          dLane = -dLane;
          offset = -offset;
        }
      } else sM += num(n, 'ds', p, 0);
      if (sM < 0 || sM > len) return undefined;
      // Lane ids step over the centre lane 0 (esmini GetRelativeLaneId).
      let laneId = c.laneId + dLane;
      if (laneId === 0 || Math.sign(laneId) !== Math.sign(c.laneId)) laneId += Math.sign(dLane);
      const centre = g.laneCenterT(c.roadId, laneId, sM);
      if (!centre) return note(p, `road ${c.roadId} has no lane ${laneId} at s ${sM.toFixed(2)}`);
      tM = centre.tM + offset;
      if (alongLane && !forwardOf(laneId, sM)) extraH = Math.PI;
    }
    const at = unwrap(g.pose(c.roadId, sM, tM));
    const xy = unwrap(g.planPoint(c.roadId, sM, tM));
    return { x: xy.x, y: xy.y, headingRad: orient(n, at.hRoad + extraH, false) };
  };
  const resolveFn: PositionResolver = (pos, path, states) => {
    const w = kid(pos, 'WorldPosition');
    if (w) {
      const x = num(w, 'x', `${path}/WorldPosition`);
      const y = num(w, 'y', `${path}/WorldPosition`);
      const h = num(w, 'h', `${path}/WorldPosition`, 0);
      // A world position is in the map's own frame: esmini moves it with the map by the header
      // <offset> (ScenarioReader::parseOSCPosition); a RelativeWorldPosition's dx, dy it leaves.
      if (odr?.offsetApplied && odr.geoOffset) {
        const m = esminiOffsetPoint(odr.geoOffset, x, y, h);
        return { x: m.x, y: m.y, headingRad: m.hdg };
      }
      return { x, y, headingRad: h };
    }
    const lp = kid(pos, 'LanePosition');
    if (lp) {
      const p = `${path}/LanePosition`;
      const roadId = attr(lp, 'roadId') ?? '';
      const laneId = Math.round(num(lp, 'laneId', p));
      const off = num(lp, 'offset', p, 0);
      if (!odr) return note(p, 'no road network');
      const s = sOnRoad(roadId, num(lp, 's', p), p);
      if (s === undefined) return undefined;
      // s along the road's reference line; t of the lane centre from the widths at s, plus the
      // offset (road frame: positive to the left of the reference line, as esmini reads it).
      const g = odr.geometry;
      const c = g.laneCenterT(roadId, laneId, s);
      if (!c) return note(p, `road ${roadId} has no lane ${laneId} at s ${s}`);
      // sOnRoad checked s above, so the pose exists.
      const r = unwrap(g.pose(roadId, s, c.tM + off));
      const slope = Math.atan(g.laneCenterSlope(roadId, laneId, s));
      // A lane we do not model (none, median, …) drives as its side does in right-hand traffic.
      const at = odr.laneAt(roadId, laneId, s);
      const forward = at.ok ? at.value.forward : laneId < 0;
      const h = forward ? r.hRoad + slope : r.hRoad - slope + Math.PI;
      // placed where worldToRoad reads it back (on a banked road t·cos(roll) beside the line, as the lanes are)
      const xy = unwrap(g.planPoint(roadId, s, c.tM + off));
      return { x: xy.x, y: xy.y, headingRad: orient(lp, h, false) };
    }
    const rp = kid(pos, 'RoadPosition');
    if (rp) {
      const p = `${path}/RoadPosition`;
      if (!odr) return note(p, 'no road network');
      const roadId = attr(rp, 'roadId') ?? '';
      const s = sOnRoad(roadId, num(rp, 's', p), p);
      if (s === undefined) return undefined;
      const r = unwrap(odr.geometry.pose(roadId, s, num(rp, 't', p, 0)));
      const xy = unwrap(odr.geometry.planPoint(roadId, s, num(rp, 't', p, 0)));
      return { x: xy.x, y: xy.y, headingRad: orient(rp, r.hRoad, false) };
    }
    const rel = (tag: string): [XNode, EntityState] | undefined => {
      const n = kid(pos, tag);
      if (!n) return undefined;
      const ref = states.get(attr(n, 'entityRef') ?? '');
      if (!ref) {
        note(`${path}/${tag}@entityRef`, `unknown entity ${attr(n, 'entityRef')}`);
        return undefined;
      }
      return [n, ref];
    };
    const rw = rel('RelativeWorldPosition');
    if (rw) {
      const [n, r] = rw;
      const p = `${path}/RelativeWorldPosition`;
      return {
        x: r.x + num(n, 'dx', p, 0),
        y: r.y + num(n, 'dy', p, 0),
        headingRad: orient(n, r.headingRad, false),
      };
    }
    const ro = rel('RelativeObjectPosition');
    if (ro) {
      const [n, r] = ro;
      const p = `${path}/RelativeObjectPosition`;
      const dx = num(n, 'dx', p, 0);
      const dy = num(n, 'dy', p, 0);
      const c = Math.cos(r.headingRad);
      const s = Math.sin(r.headingRad);
      return {
        x: r.x + dx * c - dy * s,
        y: r.y + dx * s + dy * c,
        headingRad: orient(n, r.headingRad, false),
      };
    }
    const rr = rel('RelativeRoadPosition');
    if (rr) {
      const [n, r] = rr;
      const p = `${path}/RelativeRoadPosition`;
      const onRoad = roadRelative(n, r, p, 'road');
      if (onRoad) return onRoad;
      const loc = map.locate(r.x, r.y, r.headingRad, 5);
      // Road frame from the reference's lane: ds along the road's s, dt to its left.
      const fwd = loc ? laneForward(loc.laneId) : true;
      const h = fwd ? r.headingRad : r.headingRad + Math.PI;
      const ds = num(n, 'ds', p, 0);
      const dt = num(n, 'dt', p, 0);
      return {
        x: r.x + ds * Math.cos(h) - dt * Math.sin(h),
        y: r.y + ds * Math.sin(h) + dt * Math.cos(h),
        headingRad: orient(n, h, false),
      };
    }
    const rl = rel('RelativeLanePosition');
    if (rl) {
      const [n, r] = rl;
      const p = `${path}/RelativeLanePosition`;
      const onRoad = roadRelative(n, r, p, 'lane');
      if (onRoad) return onRoad;
      const loc = map.locate(r.x, r.y, r.headingRad, 5);
      if (!loc) return note(p, `entity ${attr(n, 'entityRef')} is not on a lane`);
      let lane: string | undefined = loc.laneId;
      const dLane = Math.round(num(n, 'dLane', p, 0));
      for (let k = 0; k < Math.abs(dLane) && lane; k++) {
        const d: { left?: { laneId: string }; right?: { laneId: string } } = map.lane(lane)!.data;
        lane = (dLane > 0 ? d.left : d.right)?.laneId;
      }
      if (!lane) return note(p, `no lane ${dLane} beside ${attr(n, 'entityRef')}'s lane`);
      let l = map.lane(lane)!;
      const ds = Number(attr(n, 'ds') ?? attr(n, 'dsLane') ?? 0) || 0;
      let s = l.line.project(r.x, r.y).sM + ds;
      while (s > l.line.length && l.data.successors[0]) {
        s -= l.line.length;
        l = map.lane(l.data.successors[0])!;
      }
      while (s < 0 && l.data.predecessors[0]) {
        l = map.lane(l.data.predecessors[0])!;
        s += l.line.length;
      }
      const c = l.line.toCartesian(Math.min(Math.max(s, 0), l.line.length), num(n, 'offset', p, 0));
      return { x: c.x, y: c.y, headingRad: orient(n, c.headingRad, false) };
    }
    const rtp = kid(pos, 'RoutePosition');
    if (rtp) return routePosition(rtp, `${path}/RoutePosition`, states);
    const name = Object.keys(pos).find((k) => k !== '$') ?? '(empty)';
    return note(`${path}/${name}`, 'position type not supported');
  };
  // Height above the road and roll: relative positions add dz to their reference's, and a
  // relative Orientation's r adds to the reference's roll (esmini keeps both while it moves).
  const withAttitude: PositionResolver = (pos, path, states) => {
    const r = resolveFn(pos, path, states);
    if (!r) return r;
    const tag = Object.keys(pos).find((k) => k !== '$');
    const n = tag ? kid(pos, tag) : undefined;
    const o = kid(n, 'Orientation');
    const refName = tag?.startsWith('Relative') ? attr(n, 'entityRef') : undefined;
    const ref = refName ? states.get(refName) : undefined;
    const relOrient = (attr(o, 'type') ?? 'relative') === 'relative';
    const rollRad = (relOrient ? (ref?.rollRad ?? 0) : 0) + (Number(attr(o, 'r') ?? 0) || 0);
    const hasDz = tag === 'RelativeObjectPosition' || tag === 'RelativeWorldPosition';
    const zM = hasDz ? (ref?.zOffsetM ?? 0) + (Number(attr(n, 'dz') ?? 0) || 0) : 0;
    return { ...r, rollRad, zM };
  };
  return withAttitude;
}

export type { Pose };
