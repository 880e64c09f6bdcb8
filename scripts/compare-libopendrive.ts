/**
 * Our OpenDRIVE importer beside the original libOpenDRIVE (pageldev/libOpenDRIVE) on the same
 * .xodr files: road lengths, the reference line (plan-view position and heading, elevation) at the
 * same s, lane ids and types per lane section, lane widths and outer borders (t, the plan-view
 * point and the surface point with elevation and superelevation), and the lane successors between
 * driving lanes (our RoadMap beside libOpenDRIVE's routing graph). libOpenDRIVE's reading comes
 * from scripts/reference/libopendrive-dump.cpp (build it with
 * scripts/reference/build-libopendrive-dump.sh). Prints one row per road whose worst error exceeds
 * `--show` (default 0.01 m), then how many roads agree within 1 cm and 10 cm, the worst quantities
 * by kind and the lane successors one side has and the other not.
 *
 *   npx tsx scripts/compare-libopendrive.ts [--dump /tmp/libopendrive-dump] [--show 0.01] [--json OUT]
 *     FILE.xodr|DIR …   (a folder is searched for .xodr files, recursively)
 *
 * Heading is compared in rad and reported beside the metre quantities (it does not enter "max m").
 * `<border>` records: libOpenDRIVE reads such lanes as zero width, as we do.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GeometryRecord, loadOpenDrive } from '../scenarios/import/opendrive/index.ts';

interface LodrLane {
  id: number;
  type: string;
  /** [s, width, outer t, plan-view x, y, surface x, y, z] */
  samples: [number, number, number, number, number, number, number, number][];
}
interface LodrRoad {
  id: string;
  length: number;
  junction: string;
  /** [s, x, y, hdg, z] */
  ref: [number, number, number, number, number][];
  sections: { s0: number; s1: number; lanes: LodrLane[] }[];
  /** Samples libOpenDRIVE could not evaluate (it throws, e.g. a paramPoly3 beyond its table). */
  unevaluated?: number;
}

/** One road's comparison: the worst error per quantity (m; heading in rad) and where. */
export interface RoadDiff {
  file: string;
  road: string;
  maxM: number;
  worst: string;
  where: string;
  headingRad: number;
  byQuantity: Record<string, number>;
  /**
   * Lanes not compared because they, or a lane inside them, are given by `<border>` records, which
   * libOpenDRIVE does not read (width 0 there; ours from the border, OpenDRIVE 1.8 §11.6.2).
   */
  borderLanes?: number;
  /** Samples libOpenDRIVE could not evaluate (left out). */
  unevaluated?: number;
  /**
   * Largest |arc length − @length| of the road's paramPoly3 records, m, where over 1 mm (a file the
   * spec's length rule rejects): esmini stretches the curve onto @length (ParamPoly3::calcS2PMap),
   * as we do; libOpenDRIVE runs it by arc length and jumps to its end point at @length.
   */
  paramPoly3LengthMismatchM?: number;
}

function argValue(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
}

function xodrFiles(p: string): string[] {
  if (statSync(p).isDirectory())
    return readdirSync(p)
      .sort()
      .flatMap((f) => xodrFiles(join(p, f)));
  return p.endsWith('.xodr') ? [p] : [];
}

const angleDiff = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

/** Lane successors between driving lanes of our RoadMap, as `from>to` lane keys. */
export interface LinkDiff {
  file: string;
  compared: number;
  /** libOpenDRIVE's junction edges whose incoming lane leaves the junction, compared reversed. */
  reversed: number;
  /** libOpenDRIVE's edges inside a road between lanes of opposite sides (left out). */
  opposite: number;
  /** In libOpenDRIVE's routing graph, not among our successors. */
  lodrOnly: string[];
  /** Our successors through a direct junction (libOpenDRIVE reads none), left out of `oursOnly`. */
  oursOnlyDirect: number;
  /** Among our successors, not in libOpenDRIVE's routing graph (direct junctions left out). */
  oursOnly: string[];
}

/** Compares one file; `error` when either side cannot read it. */
function compareFile(file: string, dump: string): { diffs: RoadDiff[]; links?: LinkDiff; error?: string } {
  let lodr: { roads: LodrRoad[]; edges: [string, number, number, string, number, number][] };
  try {
    const out = execFileSync(dump, [file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    lodr = JSON.parse(out.toString());
  } catch (e) {
    return { diffs: [], error: `libOpenDRIVE: ${(e as Error).message.split('\n')[0]}` };
  }
  const r = loadOpenDrive(file);
  if (!r.ok) return { diffs: [], error: `ours: ${r.error.message}` };
  const geo = r.value.geometry;
  const diffs: RoadDiff[] = [];
  for (const lr of lodr.roads) {
    const d: RoadDiff = { file, road: lr.id, maxM: 0, worst: '', where: '', headingRad: 0, byQuantity: {} };
    if (lr.unevaluated) d.unevaluated = lr.unevaluated;
    const note = (q: string, err: number, where: string) => {
      if (!(err <= (d.byQuantity[q] ?? 0))) d.byQuantity[q] = Number.isFinite(err) ? err : Infinity;
      if (q === 'heading') {
        if (err > d.headingRad) d.headingRad = err;
        return;
      }
      if (!(err <= d.maxM)) {
        d.maxM = Number.isFinite(err) ? err : Infinity;
        d.worst = q;
        d.where = where;
      }
    };
    const road = geo.road(lr.id);
    if (!road) {
      note('road missing', Infinity, '');
      diffs.push(d);
      continue;
    }
    note('length', Math.abs(road.length - lr.length), '');
    for (const [s, x, y, hdg, z] of lr.ref) {
      const p = geo.pose(lr.id, s, 0);
      if (!p.ok) {
        note('reference line', Infinity, `s ${s.toFixed(2)}`);
        continue;
      }
      note('reference line', Math.hypot(p.value.x - x, p.value.y - y), `s ${s.toFixed(2)}`);
      note('heading', angleDiff(p.value.hRoad, hdg), `s ${s.toFixed(2)}`);
      note('elevation', Math.abs(p.value.z - z), `s ${s.toFixed(2)}`);
    }
    if (lr.sections.length !== new Set(road.sections.map((sec) => sec.s)).size)
      note('lane sections', Infinity, `${lr.sections.length} vs ${road.sections.length}`);
    for (const sec of lr.sections) {
      // The nearest start: files hold sections a few nm apart (poly3_and_border_record.xodr).
      const ours = road.sections.reduce<(typeof road.sections)[number] | undefined>(
        (b, x) =>
          Math.abs(x.s - sec.s0) < 1e-6 && (!b || Math.abs(x.s - sec.s0) < Math.abs(b.s - sec.s0)) ? x : b,
        undefined,
      );
      if (!ours) {
        note('lane sections', Infinity, `section s0 ${sec.s0}`);
        continue;
      }
      for (const lane of sec.lanes) {
        // libOpenDRIVE reads an absent `type` as "", we as `none` (no type given).
        const lodrType = (lane.type || 'none').toLowerCase();
        if (lane.id === 0) {
          if (ours.center.type.toLowerCase() !== lodrType) note('lane type', Infinity, `lane 0 @${sec.s0}`);
          continue;
        }
        const ol = ours.lanes.find((l) => l.id === lane.id);
        if (!ol) {
          note('lane ids', Infinity, `lane ${lane.id} @${sec.s0}`);
          continue;
        }
        if (ol.type.toLowerCase() !== lodrType) note('lane type', Infinity, `lane ${lane.id} @${sec.s0}`);
        const side = Math.sign(lane.id);
        if (
          ours.lanes.some(
            (l) =>
              Math.sign(l.id) === side &&
              Math.abs(l.id) <= Math.abs(lane.id) &&
              l.widths.length === 0 &&
              (l.borders?.length ?? 0) > 0,
          )
        ) {
          d.borderLanes = (d.borderLanes ?? 0) + 1;
          continue;
        }
        for (const [s, w, t, x, y, sx, sy, sz] of lane.samples) {
          const where = `lane ${lane.id} s ${s.toFixed(2)}`;
          const c = geo.laneCenterT(lr.id, lane.id, s);
          const p = geo.pose(lr.id, s, 0);
          if (!c || !p.ok) {
            note('lane border', Infinity, where);
            continue;
          }
          const tOuter = c.tM + (Math.sign(lane.id) * c.widthM) / 2;
          if (w < 0) {
            // A width polynomial below 0 (fitted records): libOpenDRIVE's lane folds over its inner
            // border; ours keeps width 0 at its inner border (the lanes outside move in alike).
            note('negative width in file', Math.abs(c.widthM), where);
            note('negative width in file', Math.abs(tOuter - (t - Math.sign(lane.id) * w)), where);
            continue;
          }
          note('lane width', Math.abs(c.widthM - w), where);
          note('border t', Math.abs(tOuter - t), where);
          const h = p.value.hRoad;
          note(
            'lane border',
            Math.hypot(p.value.x - tOuter * Math.sin(h) - x, p.value.y + tOuter * Math.cos(h) - y),
            where,
          );
          // The surface point at t (elevation, superelevation), as pose() places OpenSCENARIO positions.
          const q = geo.pose(lr.id, s, tOuter);
          if (q.ok) note('surface point', Math.hypot(q.value.x - sx, q.value.y - sy, q.value.z - sz), where);
        }
      }
      for (const l of ours.lanes)
        if (!sec.lanes.some((x) => x.id === l.id))
          note('lane ids', Infinity, `extra lane ${l.id} @${sec.s0}`);
    }
    const mismatch = paramPoly3LengthMismatchM(road.line.records);
    if (mismatch > 1e-3) d.paramPoly3LengthMismatchM = mismatch;
    diffs.push(d);
  }
  for (const road of geo.roads)
    if (!lodr.roads.some((x) => x.id === road.id))
      diffs.push({
        file,
        road: road.id,
        maxM: Infinity,
        worst: 'road extra',
        where: '',
        headingRad: 0,
        byQuantity: { 'road extra': Infinity },
      });
  return { diffs, links: compareLinks(file, lodr.edges, r.value) };
}

/**
 * Our RoadMap's lane successors beside libOpenDRIVE's routing graph, on the lanes we model and on
 * roads without rule="LHT" (libOpenDRIVE reads every road as right-hand traffic).
 */
function compareLinks(
  file: string,
  edges: [string, number, number, string, number, number][],
  ours: {
    map: { lanes: { id: string; type: string; successors: string[] }[] };
    geometry: { roads: readonly RoadDefLike[]; junction(id: string): { type: string } | undefined };
  },
): LinkDiff {
  const byId = new Map(ours.geometry.roads.map((r) => [r.id, r]));
  const key = (road: string, s0: number, lane: number): string | undefined => {
    const r = byId.get(road);
    if (!r || r.lht) return undefined;
    let best = -1;
    r.sections.forEach((sec, i) => {
      if (
        Math.abs(sec.s - s0) < 1e-6 &&
        (best < 0 || Math.abs(sec.s - s0) < Math.abs(r.sections[best]!.s - s0))
      )
        best = i;
    });
    return best < 0 ? undefined : `${road}_${best}_${lane}`;
  };
  // Driving lanes only: libOpenDRIVE links a junction's lanes incoming -> connecting whatever their
  // direction, which on CARLA's sidewalks and shoulders (no driving direction) names lanes that
  // both leave the contact.
  const lanes = new Map(ours.map.lanes.filter((l) => l.type === 'driving').map((l) => [l.id, l]));
  const theirs = new Set<string>();
  let reversed = 0;
  let opposite = 0;
  for (const [r0, s0, l0, r1, s1, l1] of edges) {
    const a = key(r0, s0, l0);
    const b = key(r1, s1, l1);
    if (!(a && b && lanes.has(a) && lanes.has(b))) continue;
    // A lane link inside a road between lanes of opposite sides (qc-opendrive's lane-link examples:
    // lane -1 with predecessor 1): both lanes leave the section boundary, no successor either way;
    // libOpenDRIVE links it by the ids.
    if (r0 === r1 && Math.sign(l0) !== Math.sign(l1)) {
      opposite++;
      continue;
    }
    // libOpenDRIVE links a junction's lanes incoming -> connecting whatever the incoming lane's
    // driving direction (OpenDriveMap::get_routing_graph); where the incoming lane leaves the
    // junction, the connection is the connecting lane's successor in driving direction.
    if (junctionEdgeLeaves(byId.get(r0), byId.get(r1), l0)) {
      reversed++;
      theirs.add(`${b}>${a}`);
    } else theirs.add(`${a}>${b}`);
  }
  const roadOf = (id: string) => id.slice(0, id.lastIndexOf('_', id.lastIndexOf('_') - 1));
  const rhtLane = (id: string) => !byId.get(roadOf(id))?.lht;
  const mine = new Set<string>();
  for (const l of lanes.values())
    if (rhtLane(l.id)) for (const b of l.successors) if (lanes.has(b) && rhtLane(b)) mine.add(`${l.id}>${b}`);
  // libOpenDRIVE reads no direct junction (`linkedRoad`); ours links their lanes (OpenDRIVE 1.7).
  const viaDirect = (e: string): boolean => {
    const [a, b] = e.split('>') as [string, string];
    const ra = byId.get(roadOf(a));
    const rb = byId.get(roadOf(b));
    const direct = (l?: { type: string; id: string }) =>
      l?.type === 'junction' && ours.geometry.junction(l.id)?.type === 'direct';
    return !!ra && !!rb && (direct(ra.succ) || direct(ra.pred)) && (direct(rb.succ) || direct(rb.pred));
  };
  const oursOnly = [...mine].filter((e) => !theirs.has(e));
  return {
    file,
    compared: theirs.size,
    reversed,
    opposite,
    lodrOnly: [...theirs].filter((e) => !mine.has(e)),
    oursOnly: oursOnly.filter((e) => !viaDirect(e)),
    oursOnlyDirect: oursOnly.filter(viaDirect).length,
  };
}

/** Largest |arc length − @length| of a road's paramPoly3 records, m (midpoint rule, 4000 steps). */
function paramPoly3LengthMismatchM(records: readonly GeometryRecord[]): number {
  let worst = 0;
  for (const r of records) {
    if (r.kind !== 'paramPoly3') continue;
    const pEnd = r.normalized ? 1 : r.length;
    const n = 4000;
    let arc = 0;
    for (let i = 0; i < n; i++) {
      const p = ((i + 0.5) / n) * pEnd;
      arc += Math.hypot(r.bU + p * (2 * r.cU + 3 * r.dU * p), r.bV + p * (2 * r.cV + 3 * r.dV * p));
    }
    worst = Math.max(worst, Math.abs((arc * pEnd) / n - r.length));
  }
  return worst;
}

interface RoadDefLike {
  id: string;
  lht: boolean;
  junction: string;
  pred?: { type: string; id: string };
  succ?: { type: string; id: string };
  sections: readonly { s: number }[];
}

/**
 * Whether a libOpenDRIVE routing edge from lane `fromLane` of road `from` to road `to` is a
 * junction connection (`to` a connecting road of a junction that `from` links to) whose incoming
 * lane drives away from the junction: right lanes (negative ids) drive along s, so they reach the
 * junction only if it is the road's successor, left lanes only if it is its predecessor.
 */
function junctionEdgeLeaves(
  from: RoadDefLike | undefined,
  to: RoadDefLike | undefined,
  fromLane: number,
): boolean {
  // `from` may itself be a connecting road of another junction (junctions linked back to back).
  if (!from || !to || to.junction === '-1') return false;
  const isJ = (l?: { type: string; id: string }) => l?.type === 'junction' && l.id === to.junction;
  if (!isJ(from.succ) && !isJ(from.pred)) return false;
  // libOpenDRIVE takes the incoming road's last section when its successor is the junction.
  const atEnd = isJ(from.succ);
  return atEnd ? fromLane > 0 : fromLane < 0;
}

function main(): void {
  const dump = argValue('--dump', '/tmp/libopendrive-dump');
  const show = Number(argValue('--show', '0.01'));
  const jsonOut = argValue('--json', '');
  const skip = new Set(['--dump', '--show', '--json']);
  const inputs = process.argv.slice(2).filter((a, i, all) => !skip.has(a) && !skip.has(all[i - 1] ?? ''));
  const files = inputs.flatMap(xodrFiles);
  const all: RoadDiff[] = [];
  const links: LinkDiff[] = [];
  const errors: string[] = [];
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'inf');
  console.log('| file | road | max m | worst | where | heading rad |');
  console.log('|---|---|---:|---|---|---:|');
  for (const f of files) {
    const { diffs, links: l, error } = compareFile(f, dump);
    if (error) errors.push(`${f}: ${error}`);
    if (l) links.push(l);
    for (const d of diffs) {
      all.push(d);
      if (d.maxM > show || d.headingRad > show)
        console.log(`| ${f} | ${d.road} | ${fmt(d.maxM)} | ${d.worst} | ${d.where} | ${fmt(d.headingRad)} |`);
    }
  }
  const within = (m: number) => all.filter((d) => d.maxM <= m).length;
  console.log(
    `\n${files.length} files (${errors.length} not compared), ${all.length} roads: ` +
      `${within(0.01)} within 1 cm, ${within(0.1)} within 10 cm, ${all.length - within(0.1)} beyond`,
  );
  const unevaluated = all.filter((d) => d.unevaluated);
  if (unevaluated.length > 0)
    console.log(
      `${unevaluated.reduce((a, d) => a + d.unevaluated!, 0)} samples on ${unevaluated.length} roads libOpenDRIVE ` +
        `could not evaluate (left out): ${unevaluated.map((d) => `${d.file}#${d.road}`).join(' ')}`,
    );
  const borderLanes = all.reduce((a, d) => a + (d.borderLanes ?? 0), 0);
  if (borderLanes > 0)
    console.log(`${borderLanes} lanes by <border> records not compared (libOpenDRIVE reads them as width 0)`);
  const kinds = new Map<string, number>();
  for (const d of all) if (d.maxM > 0.01) kinds.set(d.worst, (kinds.get(d.worst) ?? 0) + 1);
  const pp3 = all.filter((d) => d.maxM > 0.01 && d.paramPoly3LengthMismatchM);
  if (pp3.length > 0)
    console.log(
      `roads > 1 cm with a paramPoly3 whose @length is not its arc length (> 1 mm; esmini stretches, ` +
        `libOpenDRIVE does not): ${pp3.length}, mismatch up to ${Math.max(...pp3.map((d) => d.paramPoly3LengthMismatchM!)).toFixed(3)} m`,
    );
  console.log(
    `roads > 1 cm by worst quantity: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
  );
  const sum = (f: (l: LinkDiff) => number) => links.reduce((a, l) => a + f(l), 0);
  console.log(
    `lane successors (driving lanes, right-hand roads): libOpenDRIVE ${sum((l) => l.compared)} ` +
      `(${sum((l) => l.reversed)} junction links against the incoming lane's direction, compared reversed; ` +
      `${sum((l) => l.opposite)} lane links between opposite sides of a road left out), ` +
      `missing in ours ${sum((l) => l.lodrOnly.length)}, ours not in libOpenDRIVE ${sum((l) => l.oursOnly.length)} ` +
      `(and ${sum((l) => l.oursOnlyDirect)} through direct junctions, which libOpenDRIVE does not read)`,
  );
  for (const l of links)
    if (l.lodrOnly.length + l.oursOnly.length > 0)
      console.log(
        `  ${l.file}: missing ${l.lodrOnly.length} (${l.lodrOnly.slice(0, 3).join(' ')}), ` +
          `extra ${l.oursOnly.length} (${l.oursOnly.slice(0, 3).join(' ')})`,
      );
  for (const e of errors) console.log(`not compared: ${e}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ errors, roads: all, links }, null, 1));
}

main();
