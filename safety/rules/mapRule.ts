/**
 * Map rules over the roll-out: every footprint corner stays on the drivable area, the ego does not
 * drive against a lane's direction (nuPlan `drivable_area_compliance`, `driving_direction_compliance`)
 * and keeps the speed limit (nuPlan `speed_limit_compliance`).
 */
import { angleDiff } from '../../core/index.ts';
import { pieceAt } from '../LanePath.ts';
import { type CheckContext, egoCentre, type RuleSink, round } from './CheckContext.ts';

const e = { x: 0, y: 0, c: 0, s: 0 };

export function mapRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, map, vehicle: veh, params } = ctx;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  let offAt = -1;
  let cornerX = 0;
  let cornerY = 0;
  for (let k = 0; k < r.n && offAt < 0; k++) {
    egoCentre(ctx, k, e);
    for (let q = 0; q < 4; q++) {
      const sl = q < 2 ? hl : -hl;
      const sw = q === 0 || q === 3 ? hw : -hw;
      const x = e.x + e.c * sl - e.s * sw;
      const y = e.y + e.s * sl + e.c * sw;
      if (!map.isDrivable(x, y)) {
        offAt = k;
        cornerX = x;
        cornerY = y;
        break;
      }
    }
  }
  if (offAt >= 0) {
    const laneChanging = Math.abs(r.targetOffsetM - r.d[0]!) > 0.5;
    sink.fail(
      'map.drivableArea',
      `footprint leaves the drivable area at t+${round(offAt * r.dtS, 1)} s (corner ${round(cornerX, 1)}, ${round(cornerY, 1)})`,
      { atS: round(offAt * r.dtS, 2), cornerX: round(cornerX, 1), cornerY: round(cornerY, 1) },
      laneChanging ? { postponeLaneChange: true } : { stopBeforeS: r.s[Math.max(0, offAt - 1)]! - 1 },
    );
  } else sink.pass('map.drivableArea', 'footprint on the drivable area over the horizon');

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
      const against = Math.abs(angleDiff(r.h[k]!, path.line.headingAt(Math.max(0, r.s[k]!)))) > Math.PI / 2;
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

  // Speed limit of the lane under the ego at each step (the ego may be slowing down towards it).
  let worst = -Infinity;
  let limitAtWorst = 0;
  for (let k = 1; k < r.n && path; k++) {
    const lane = map.lane(pieceAt(path, r.s[k]!).laneId);
    if (!lane) continue;
    const over = r.v[k]! - lane.data.speedLimitMps;
    if (r.a[k]! < -0.3) continue;
    if (over > worst) {
      worst = over;
      limitAtWorst = lane.data.speedLimitMps;
    }
  }
  if (worst > params.speedLimitToleranceMps)
    sink.fail(
      'speedLimit',
      `roll-out reaches ${round(limitAtWorst + worst)} m/s over the ${round(limitAtWorst)} m/s limit`,
      { speedMps: round(limitAtWorst + worst), limitMps: round(limitAtWorst) },
      { capSpeedMps: limitAtWorst },
    );
  else
    sink.pass(
      'speedLimit',
      'within the speed limit',
      Number.isFinite(worst) ? { worstExcessMps: round(worst) } : {},
    );
}
