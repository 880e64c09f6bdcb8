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
  fail,
  normalizeAngle,
  ok,
  Polyline,
  type Result,
  type Scenario,
  type ScenarioAgent,
  ScenarioSchema,
} from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { RoutePath } from '../../../core/map/RoutePath.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import { findTown } from '../carla/index.ts';
import { loadOpenDrive, type OpenDriveResult } from '../opendrive/index.ts';
import { attr, guard, ImportError, kid, kids, num, parseXml, type XNode } from '../opendrive/XmlTree.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { type EntityState, type OscEntity, OscExecutor, type PositionResolver } from './OscExecutor.ts';
import { declare, resolveTree } from './Parameters.ts';

/** Simulation step and limits (nuPlan 0.1 s; at least 15 s so a closed-loop run has tracks; at most 60 s). */
const DT_S = 0.1;
const MIN_DURATION_S = 15;
const MAX_DURATION_S = 60;
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
): { tag: string; node: XNode } | undefined {
  const entry = catalogs.find(attr(ref, 'catalogName') ?? '', attr(ref, 'entryName') ?? '');
  if (!entry) return undefined;
  const node = structuredClone(entry);
  const tag = (node.__tag as string[])[0]!;
  const assigned = new Map<string, string>();
  kids(kid(ref, 'ParameterAssignments'), 'ParameterAssignment').forEach((a) => {
    const n = attr(a, 'parameterRef');
    if (n) assigned.set(n, attr(a, 'value') ?? '');
  });
  // Defaults from the entry, then the reference's assignments.
  const scope = declare(node, new Map(), path);
  for (const [k, v] of assigned) scope.set(k, v);
  delete node.ParameterDeclarations;
  resolveTree(node, scope, path);
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
    centerOffsetM: Number(attr(centre, 'x') ?? 0) || 0,
  };
}

const fp = (root: XNode): string | undefined => attr(kid(kid(root, 'RoadNetwork'), 'LogicFile'), 'filepath');

/** Finds the OpenDRIVE file of the RoadNetwork (relative to the .xosc, or a CARLA town name). */
function mapFileOf(root: XNode, xoscPath: string, opts: ImportOptions): string | undefined {
  if (opts.mapPath) return opts.mapPath;
  const fp = attr(kid(kid(root, 'RoadNetwork'), 'LogicFile'), 'filepath');
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

export function importOpenScenario(path: string, opts: ImportOptions = {}): Result<ImportResult> {
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
    resolveTree(root, new Map(), '/OpenSCENARIO');
    const unsupported: string[] = [];
    const warnings: string[] = [];
    const dir = dirname(resolve(path));
    const catDirs: string[] = [];
    for (const [tag, list] of Object.entries(kid(root, 'CatalogLocations') ?? {})) {
      if (tag === '$' || !Array.isArray(list)) continue;
      for (const loc of list as XNode[])
        for (const d of kids(loc, 'Directory')) {
          const p = attr(d, 'path');
          if (p) catDirs.push(resolve(dir, p));
        }
    }
    const catalogs = new Catalogs(catDirs, warnings);

    const mapPath = mapFileOf(root, path, opts);
    if (!mapPath)
      return fail(
        'NOT_FOUND',
        `${path}:/OpenSCENARIO/RoadNetwork/LogicFile`,
        'no OpenDRIVE road network found (pass a map)',
      );
    const odr = loadOpenDrive(mapPath);
    if (!odr.ok) return odr;
    const map = new RoadMap(odr.value.map);
    if (fp(root) && resolve(mapPath) !== resolve(dirname(resolve(path)), fp(root)!) && !opts.mapPath)
      warnings.push(`RoadNetwork ${fp(root)} resolved to ${mapPath}`);

    // Entities.
    const entities: OscEntity[] = [];
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
    });
    kids(kid(root, 'Entities'), 'EntitySelection').forEach((_, i) => {
      unsupported.push(`/OpenSCENARIO/Entities/EntitySelection[${i}]: not supported`);
    });
    if (entities.length === 0) throw new ImportError('/OpenSCENARIO/Entities', 'no ScenarioObject');

    const resolvePos = positionResolver(map, odr.value, unsupported);
    const buildPath = pathBuilder(map);
    const exec = new OscExecutor(map, resolvePos, buildPath, unsupported);
    for (const e of entities) exec.addEntity(e);
    const init = kid(storyboard, 'Init');
    if (init) exec.init(init);
    exec.load(storyboard);
    const res = exec.run(kid(storyboard, 'StopTrigger'), {
      dtS: DT_S,
      maxDurationS: MAX_DURATION_S,
      minDurationS: MIN_DURATION_S,
    });
    const durationS = Math.min(Math.max(res.endS, MIN_DURATION_S), MAX_DURATION_S);

    const egoName =
      entities.find((e) => /^(ego|hero|egovehicle)$/i.test(e.name))?.name ??
      entities.find((e) => e.kind === 'vehicle')?.name ??
      entities[0]!.name;
    const ego = res.states.get(egoName)!;
    const cut = (st: EntityState) => st.track.filter((p) => p.tS <= durationS + 1e-9);
    const expert = cut(ego);
    if (expert.length < 2) throw new ImportError('/OpenSCENARIO/Storyboard', 'the ego has no motion samples');
    const laneIds = egoRoute(map, ego, expert);
    if (laneIds.length === 0)
      return fail(
        'NOT_FOUND',
        `${path}:/OpenSCENARIO/Storyboard/Init`,
        `ego ${egoName} does not start on or near a lane`,
      );
    const agents: ScenarioAgent[] = [];
    for (const st of res.states.values()) {
      if (st.entity.name === egoName) continue;
      const track = cut(st).map((p) => ({
        ...p,
        x: p.x + st.entity.centerOffsetM * Math.cos(p.headingRad),
        y: p.y + st.entity.centerOffsetM * Math.sin(p.headingRad),
        headingRad: normalizeAngle(p.headingRad),
      }));
      const first = track[0]!;
      const moves = track.some((p) => Math.hypot(p.x - first.x, p.y - first.y) > 0.05);
      agents.push({
        id: st.entity.name,
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
    }
    const e0 = expert[0]!;
    const desc = attr(kid(root, 'FileHeader'), 'description') ?? '';
    const scenario: Scenario = ScenarioSchema.parse({
      formatVersion: 1,
      id: `xosc_${basename(path, extname(path))}`.replace(/[^\w.-]/g, '_'),
      description: `${desc} (OpenSCENARIO ${attr(kid(root, 'FileHeader'), 'revMajor') ?? '1'}.${attr(kid(root, 'FileHeader'), 'revMinor') ?? '0'}; events: ${[
        ...res.eventStarts,
      ]
        .map(([n, t]) => `${n}@${t.toFixed(1)}s`)
        .join(', ')})`,
      tags: ['openscenario'],
      map: { kind: 'file', path: resolve(mapPath), format: 'opendrive' },
      egoStart: { tS: 0, x: e0.x, y: e0.y, headingRad: normalizeAngle(e0.headingRad), speedMps: e0.speedMps },
      route: { laneIds },
      expert: expert.map((p) => ({ ...p, headingRad: normalizeAngle(p.headingRad) })),
      agents,
      durationS,
      dtS: DT_S,
      source: { origin: resolve(path), license: 'see the source repository' },
    });
    return ok({
      map: odr.value.map,
      scenarios: [scenario],
      unsupported,
      warnings,
      events: [...res.eventStarts].map(([name, tS]) => ({ scenarioId: scenario.id, name, tS })),
    });
  });
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

/** Builds the path an entity follows from a pose: its lane forward (or the given route), else a straight line. */
function pathBuilder(map: RoadMap) {
  return (x: number, y: number, headingRad: number, routeLanes?: string[]) => {
    const cands: string[] = [];
    for (const k of map.lanesNear(x, y, 8)) cands.push(map.lanes[k]!.data.id);
    const loc = map.locate(x, y, headingRad, 5, routeLanes && routeLanes.length > 0 ? routeLanes : cands);
    const lane = loc ? map.lane(loc.laneId) : undefined;
    if (!loc || !lane || Math.abs(loc.headingErrRad) > Math.PI / 2) {
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
    let len = 0;
    for (const id of lanes) len += map.lane(id)!.line.length;
    const seen = new Set(lanes);
    let cur = lanes[lanes.length - 1]!;
    while (len < PATH_MAX_M && lanes.length < 400) {
      const next = straightest(map, cur, new Set()) ?? undefined;
      if (!next || (seen.has(next) && lanes.length > 200)) break;
      lanes.push(next);
      seen.add(next);
      len += map.lane(next)!.line.length;
      cur = next;
    }
    const s0 = Math.min(Math.max(loc.sM, 0), lane.line.length - 0.01);
    const path = RoutePath.build(map, lanes, s0);
    const f = path.line.project(x, y);
    return { path: path.line, lanes, sM: Math.max(f.sM, 0), dM: f.dM };
  };
}

/** Resolves OpenSCENARIO positions on the map (OpenDRIVE frame, as esmini and scenario_runner use). */
function positionResolver(map: RoadMap, odr: OpenDriveResult, unsupported: string[]): PositionResolver {
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
    const road = odr.roadPose(l.data.roadId ?? '', 0, 0);
    if (!road) return id < 0;
    const hs = odr.laneAt(l.data.roadId ?? '', id, 0)?.forward;
    return hs ?? id < 0;
  };
  const resolveFn: PositionResolver = (pos, path, states) => {
    const w = kid(pos, 'WorldPosition');
    if (w)
      return {
        x: num(w, 'x', `${path}/WorldPosition`),
        y: num(w, 'y', `${path}/WorldPosition`),
        headingRad: num(w, 'h', `${path}/WorldPosition`, 0),
      };
    const lp = kid(pos, 'LanePosition');
    if (lp) {
      const p = `${path}/LanePosition`;
      const roadId = attr(lp, 'roadId') ?? '';
      const laneId = Math.round(num(lp, 'laneId', p));
      const s = num(lp, 's', p);
      const off = num(lp, 'offset', p, 0);
      const at = odr.laneAt(roadId, laneId, s);
      if (!at) return note(p, `road ${roadId} lane ${laneId} not in the map`);
      const l = map.lane(at.laneId)!;
      const c = l.line.toCartesian(Math.min(Math.max(at.sM, 0), l.line.length), at.forward ? off : -off);
      return { x: c.x, y: c.y, headingRad: orient(lp, c.headingRad, false) };
    }
    const rp = kid(pos, 'RoadPosition');
    if (rp) {
      const p = `${path}/RoadPosition`;
      const r = odr.roadPose(attr(rp, 'roadId') ?? '', num(rp, 's', p), num(rp, 't', p, 0));
      if (!r) return note(p, `road ${attr(rp, 'roadId')} not in the map`);
      return { ...r, headingRad: orient(rp, r.headingRad, false) };
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
    const name = Object.keys(pos).find((k) => k !== '$') ?? '(empty)';
    return note(`${path}/${name}`, 'position type not supported');
  };
  return resolveFn;
}

export type { Pose };
