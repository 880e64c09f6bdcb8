/**
 * Map rules over the roll-out: every footprint corner stays on the drivable area (the crack between
 * two lanes the map declares side by side is road: `onSeam`), the ego does not
 * drive against a lane's direction (nuPlan `drivable_area_compliance`, `driving_direction_compliance`)
 * and keeps the speed limit (nuPlan `speed_limit_compliance`).
 */
import { angleDiff, CentreScratch, type FrenetPoint, FrenetQuery } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { pieceAt } from '../LanePath.ts';
import { changesLane } from '../Rollout.ts';
import { type CheckContext, egoCentre, laterCheckAvoids, type RuleSink, round } from './CheckContext.ts';

/** The highest speed limit that holds without a sign (DE StVO §3(3): 100 km/h outside built-up areas), m/s. */
const STATUTORY_MAX_MPS = 100 / 3.6 - 0.01;
const e = new CentreScratch();
const fpLane: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
const fpNb: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
/** The lane path's heading per roll-out step (`FrenetQuery`: no number boxed per call). */
const heading = new FrenetQuery();
const near = new Set<number>();
/** How far each footprint corner is off the drivable area at the roll-out's start, m. */
const offAtStart = new Float64Array(4);
/** What a corner already off the road may move further off (the roll-out's numerical noise), m. */
const OFF_ROAD_SLACK_M = 0.05;

/**
 * Whether (x, y), in no lane's polygon, lies in the crack between two drivable lanes the map
 * declares side by side (a lane and its left or right neighbour), that crack being at most
 * `maxGapM` wide there: lanelet neighbours share a bound, and the crack is the mean width each
 * lane is drawn at, not an edge of the road. The point must lie on the neighbour's side of the
 * lane, within both lanes' lengths, and outside each polygon by no more than the crack between
 * them — a point beyond the outer edge of either lane never qualifies.
 */
export function onSeam(map: RoadMap, x: number, y: number, maxGapM: number): boolean {
  for (const i of map.lanesNear(x, y, maxGapM, near)) {
    const l = map.lanes[i]!;
    if (!l.drivable) continue;
    l.line.project(x, y, fpLane);
    if (fpLane.sM < 0 || fpLane.sM > l.line.length) continue;
    for (const nb of [l.data.left, l.data.right]) {
      if (!nb) continue;
      // left neighbours lie at positive offsets
      if ((nb === l.data.left) !== fpLane.dM > 0) continue;
      const n = map.lane(nb.laneId);
      if (!n?.drivable) continue;
      n.line.project(x, y, fpNb);
      if (fpNb.sM < 0 || fpNb.sM > n.line.length) continue;
      const outL = Math.abs(fpLane.dM) - (map.laneWidthAt(l.data.id, fpLane.sM) ?? l.data.widthM) / 2;
      const outN = Math.abs(fpNb.dM) - (map.laneWidthAt(n.data.id, fpNb.sM) ?? n.data.widthM) / 2;
      if (outL >= -1e-6 && outN >= -1e-6 && outL + outN <= maxGapM) return true;
    }
  }
  return false;
}

export function mapRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, map, vehicle: veh, params } = ctx;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  let offAt = -1;
  let cornerX = 0;
  let cornerY = 0;
  // a corner off the drivable area where the ego stands now fails only if it goes further off than it
  // is now (by more than `OFF_ROAD_SLACK_M`) before it has come back on (bit q of `onSeen` set once
  // corner q has been on; then the plain rule holds): an ego that starts (or was pushed) partly off
  // the mapped road may drive along it or back onto it — a start pose with a corner 10 cm over a lane
  // edge froze the ego for good (esmini trailer_connect: it stood until a car drove into it)
  let onSeen = 0;
  for (let k = 0; k < r.n && offAt < 0; k++) {
    egoCentre(ctx, k, e);
    for (let q = 0; q < 4; q++) {
      const sl = q < 2 ? hl : -hl;
      const sw = q === 0 || q === 3 ? hw : -hw;
      const x = e.x + e.c * sl - e.s * sw;
      const y = e.y + e.s * sl + e.c * sw;
      // the junction's polygon is drivable (as the metric's DRIVABLE_AREA): a tight turn's corner
      // beyond its connector lane stands on the paved junction
      if (map.isDrivable(x, y) || map.inJunctionArea(x, y) || onSeam(map, x, y, params.drivableSeamMaxGapM)) {
        onSeen |= 1 << q;
        continue;
      }
      const offM = map.distanceToDrivable(x, y);
      if (k === 0) offAtStart[q] = offM;
      // a corner that has been on may stray no further than the map's import precision
      // (`drivableEdgeToleranceM`: mm over an imported lane edge); one off since the start, no
      // further than it was
      else if (
        offM > (onSeen & (1 << q) ? params.drivableEdgeToleranceM : offAtStart[q]! + OFF_ROAD_SLACK_M)
      ) {
        offAt = k;
        cornerX = x;
        cornerY = y;
        break;
      }
    }
  }
  const laneChanging = changesLane(r);
  // an excursion that the ego, braking from the next check on at the budget it stops for a red
  // light with (`signalStopDecelMps2`), still stops short of is left
  // to the later checks (every tick re-checks from where the ego really is: the roll-out's close of
  // an offset is a model, and a wrong one does not stop the ego seconds early); a lane change or
  // borrow is not started towards one
  const deferred =
    offAt >= 2 && r.kind === 'FOLLOW_LANE' && laterCheckAvoids(ctx, offAt - 1, 0, params.signalStopDecelMps2);
  if (offAt >= 0 && !deferred) {
    sink.fail(
      'map.drivableArea',
      `footprint leaves the drivable area at t+${round(offAt * r.dtS, 1)} s (corner ${round(cornerX, 1)}, ${round(cornerY, 1)})`,
      { atS: round(offAt * r.dtS, 2), cornerX: round(cornerX, 1), cornerY: round(cornerY, 1) },
      laneChanging ? { postponeLaneChange: true } : { stopBeforeS: r.s[Math.max(0, offAt - 1)]! - 1 },
    );
  } else if (deferred)
    sink.pass(
      'map.drivableArea',
      `footprint leaves the drivable area at t+${round(offAt * r.dtS, 1)} s, beyond a stop from the next check: left to later checks`,
      { atS: round(offAt * r.dtS, 2) },
    );
  else sink.pass('map.drivableArea', 'footprint on the drivable area over the horizon');

  // Driving direction: the roll-out's heading against the lane it is on.
  const path = r.path;
  let wrongAt = -1;
  if (path) {
    for (let k = 0; k < r.n; k++) {
      const inOpposite =
        r.targetOpposite &&
        Math.abs(r.d[k]! - r.targetOffsetM) < 1.2 &&
        ctx.command.path !== 'LEFT_BORROW' &&
        ctx.command.path !== 'RIGHT_BORROW';
      heading.atS = Math.max(0, r.s[k]!);
      path.line.headingAtQuery(heading);
      const against = Math.abs(angleDiff(r.h[k]!, heading.headingRad)) > Math.PI / 2;
      if (inOpposite || against) {
        wrongAt = k;
        break;
      }
    }
  }
  if (wrongAt >= 0)
    sink.fail(
      'map.drivingDirection',
      `the roll-out drives against the lane direction at t+${round(wrongAt * r.dtS, 1)} s`,
      { atS: round(wrongAt * r.dtS, 2) },
      { postponeLaneChange: true, stopBeforeS: r.s[0]! },
    );
  else sink.pass('map.drivingDirection', 'driving with the lane direction');

  // Speed limit of the lane under the ego at each step (the ego may be slowing down towards it). A
  // lane that posts none: the road class's statutory default from the map, binding (a limit holds
  // without a sign) unless the importer marks it advisory (`speedLimitAdvisory`: no general limit
  // there, the Autobahn's Richtgeschwindigkeit) — by speed alone a USA motorway's binding 65 mph
  // was taken for advice (review 10)
  let worst = -Infinity;
  let limitAtWorst = 0;
  let postedAtWorst = true;
  let advisoryMps = Number.NaN;
  for (let k = 1; k < r.n && path; k++) {
    const lane = map.lane(pieceAt(path, r.s[k]!).laneId);
    if (!lane) continue;
    const posted = lane.data.speedLimitPosted !== false;
    // advice only above the highest limit that binds without a sign (100 km/h, StVO §3(3)): a map
    // is input, and a lane of a town or rural road marked advisory would otherwise cap nothing (review 11)
    if (!posted && lane.data.speedLimitAdvisory === true && lane.data.speedLimitMps >= STATUTORY_MAX_MPS) {
      advisoryMps = lane.data.speedLimitMps;
      continue;
    }
    const over = r.v[k]! - lane.data.speedLimitMps;
    if (r.a[k]! < -0.3) continue;
    if (over > worst) {
      worst = over;
      limitAtWorst = lane.data.speedLimitMps;
      postedAtWorst = posted;
    }
  }
  const kind = postedAtWorst ? 'posted' : 'statutory (no posted limit)';
  if (worst > params.speedLimitToleranceMps)
    sink.fail(
      'speedLimit',
      `roll-out reaches ${round(limitAtWorst + worst)} m/s over the ${round(limitAtWorst)} m/s ${kind} limit`,
      { speedMps: round(limitAtWorst + worst), limitMps: round(limitAtWorst), posted: postedAtWorst },
      { capSpeedMps: limitAtWorst },
    );
  else
    sink.pass(
      'speedLimit',
      Number.isNaN(advisoryMps)
        ? 'within the speed limit'
        : `within the speed limit; no posted limit where the map gives ${round(advisoryMps)} m/s, where the law sets no general limit: advisory, not a limit`,
      {
        ...(Number.isFinite(worst) ? { worstExcessMps: round(worst) } : {}),
        ...(Number.isNaN(advisoryMps) ? {} : { advisoryMps: round(advisoryMps) }),
      },
    );
}
