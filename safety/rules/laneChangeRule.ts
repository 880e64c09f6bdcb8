/**
 * Lane-change rules: the marking must permit the change (or the borrow), the target lane must
 * offer an acceptable gap in front and behind (gap acceptance with a critical headway), and no
 * cyclist may ride in the ego's blind spot on that side (MSSBench-style situational rule).
 */
import { angleDiff } from '../../core/index.ts';
import { longitudinalSameDirection, rssVehicleAtRest } from '../rss.ts';
import { type CheckContext, frontOffset, q, type RuleSink, round } from './CheckContext.ts';

const fp = { sM: 0, dM: 0, segment: 0 };

export function laneChangeRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, command, map, forecast: f, snapshot, params, vehicle: veh } = ctx;
  const kind = command.path;
  // (a planner's trajectory that ends in the next lane is a lane change too: `deriveCommand` names it,
  // and the roll-out follows the trajectory's own lateral move)
  if (kind === 'FOLLOW_LANE') {
    sink.pass('laneChange.permitted', 'no lane change');
    sink.pass('laneChange.gap', 'no lane change');
    sink.pass('situational.cyclistBlindSpot', 'no lane change');
    return;
  }
  const lane = map.lane(r.startLaneId);
  const left = kind === 'LEFT_CHANGE' || kind === 'LEFT_BORROW';
  const nb = lane ? (left ? lane.data.left : lane.data.right) : undefined;
  const borrow = kind === 'LEFT_BORROW' || kind === 'RIGHT_BORROW';
  const nbLane = nb ? map.lane(nb.laneId) : undefined;
  let permitted = !!nb && !!nbLane && nbLane.drivable && nb.changeAllowed;
  let why =
    !nb || !nbLane
      ? `no ${left ? 'left' : 'right'} neighbour lane`
      : !nbLane.drivable
        ? `${q(nb.laneId)} is not drivable (${nbLane.data.type})`
        : !nb.changeAllowed
          ? `marking towards ${q(nb.laneId)} forbids crossing`
          : '';
  if (permitted && nb?.opposite && !borrow) {
    permitted = false;
    why = `${q(nb.laneId)} carries oncoming traffic: only a borrow may enter it`;
  }
  if (!permitted) {
    sink.fail(
      'laneChange.permitted',
      `${kind} not permitted: ${why}`,
      { fromLaneId: r.startLaneId, toLaneId: nb?.laneId ?? 'none' },
      { postponeLaneChange: true },
    );
  } else
    sink.pass('laneChange.permitted', `${kind} into ${q(nb!.laneId)} permitted`, { toLaneId: nb!.laneId });
  const path = r.path;
  if (!path || !permitted) {
    sink.pass('laneChange.gap', 'not evaluated');
    sink.pass('situational.cyclistBlindSpot', 'not evaluated');
    return;
  }
  const v = r.v[0]!;
  const sE = r.s[0]!;
  const front = frontOffset(veh);
  const rear = veh.lengthM - front;
  let frontGap = Infinity;
  let rearGap = Infinity;
  let frontNeed = 0;
  let rearNeed = 0;
  let frontId = '';
  let rearId = '';
  let blind = '';
  let merging = '';
  const tgt = r.targetOffsetM;
  for (let j = 0; j < f.count; j++) {
    const ag = snapshot.agents[f.index[j]!]!;
    const b = j * f.capacity;
    path.line.project(f.x[b]!, f.y[b]!, fp, sE - 60, sE + 200);
    const inTarget = Math.abs(fp.dM - tgt) < (nbLane!.data.widthM + ag.widthM) / 2;
    const between =
      Math.sign(fp.dM) === Math.sign(tgt) &&
      Math.abs(fp.dM) < Math.abs(tgt) &&
      Math.abs(fp.dM) > veh.widthM / 2;
    const lon = fp.sM - (sE + veh.rearAxleToCenterM);
    if (
      ag.kind === 'cyclist' &&
      (inTarget || between) &&
      lon > -params.blindSpotBehindM &&
      lon < params.blindSpotAheadM
    )
      blind = ag.id;
    // a vehicle one lane beyond the target, indicating towards it, alongside: both would merge into it
    const towardsTarget = tgt > 0 ? 'RIGHT' : 'LEFT';
    if (
      !merging &&
      ag.indicator === towardsTarget &&
      Math.abs(fp.dM - 2 * tgt) < (nbLane!.data.widthM + ag.widthM) / 2 &&
      Math.abs(lon) < (veh.lengthM + ag.lengthM) / 2 + params.gapMinM + v * params.gapFrontHeadwayS
    )
      merging = ag.id;
    if (!inTarget || ag.kind === 'pedestrian') continue;
    const same = Math.cos(angleDiff(f.h[b]!, path.line.headingAt(Math.max(0, fp.sM)))) > 0;
    const va = ag.kind === 'static' ? 0 : ag.speedMps;
    if (lon >= 0) {
      const gap = fp.sM - ag.lengthM / 2 - (sE + front);
      const closing = same ? Math.max(0, v - va) : v + va;
      const need =
        params.gapMinM + v * params.gapFrontHeadwayS + (closing * closing) / (2 * params.commandDecelMps2);
      if (gap - need < frontGap - frontNeed) {
        frontGap = gap;
        frontNeed = need;
        frontId = ag.id;
      }
    } else if (same) {
      // from the ego's rear bumper (rear axle − (length − front overhang)) to the follower's front
      const gap = sE - rear - (fp.sM + ag.lengthM / 2);
      const closing = Math.max(0, va - v);
      const need =
        params.gapMinM + va * params.gapRearHeadwayS + (closing * closing) / (2 * params.commandDecelMps2);
      if (gap - need < rearGap - rearNeed) {
        rearGap = gap;
        rearNeed = need;
        rearId = ag.id;
      }
    }
  }
  const changeLeft = Math.abs(tgt - r.d[0]!) > 0.5;
  const rearRss = changeLeft ? followerRss(ctx, nbLane!.data.widthM) : undefined;
  if (changeLeft && merging)
    sink.fail(
      'laneChange.merging',
      `${q(merging)} one lane beyond indicates into the same target lane alongside`,
      { agentId: merging },
      { postponeLaneChange: true },
    );
  else if (changeLeft)
    sink.pass('laneChange.merging', 'no one else indicating into the target lane alongside');
  if (changeLeft && (frontGap < frontNeed || rearGap < rearNeed)) {
    const which =
      frontGap < frontNeed
        ? `front gap to ${q(frontId)} ${round(frontGap)} m < ${round(frontNeed)} m`
        : `rear gap to ${q(rearId)} ${round(rearGap)} m < ${round(rearNeed)} m`;
    sink.fail(
      'laneChange.gap',
      `target lane gap not acceptable: ${which}`,
      {
        frontGapM: round(frontGap),
        frontNeedM: round(frontNeed),
        rearGapM: round(rearGap),
        rearNeedM: round(rearNeed),
      },
      { postponeLaneChange: true },
    );
  } else
    sink.pass('laneChange.gap', 'target lane gaps acceptable', {
      frontGapM: Number.isFinite(frontGap) ? round(frontGap) : 'none',
      rearGapM: Number.isFinite(rearGap) ? round(rearGap) : 'none',
    });
  if (rearRss)
    sink.fail(
      'rss.longitudinalRear',
      `follower ${q(rearRss.id)} in the target lane: gap ${round(rearRss.gapM)} m < RSS safe distance ${round(rearRss.safeM)} m when the ego enters the lane at t+${round(rearRss.atS, 1)} s (${round(rearRss.followerMps)} m/s behind ${round(rearRss.egoMps)} m/s)`,
      {
        agentId: rearRss.id,
        gapM: round(rearRss.gapM),
        safeDistanceM: round(rearRss.safeM),
        followerSpeedMps: round(rearRss.followerMps),
        egoSpeedMps: round(rearRss.egoMps),
        atS: round(rearRss.atS, 2),
      },
      { postponeLaneChange: true },
    );
  else if (changeLeft)
    sink.pass('rss.longitudinalRear', 'followers in the target lane at an RSS-safe distance');
  if (changeLeft && blind)
    sink.fail(
      'situational.cyclistBlindSpot',
      `cyclist ${q(blind)} in the blind spot on the ${left ? 'left' : 'right'}`,
      { agentId: blind },
      { postponeLaneChange: true },
    );
  else sink.pass('situational.cyclistBlindSpot', 'no cyclist in the blind spot');
}

const followerV = rssVehicleAtRest();
const leaderV = rssVehicleAtRest();
const fq = { sM: 0, dM: 0, segment: 0 };

/**
 * RSS towards a vehicle behind in the target lane: when the ego's centre crosses into the target
 * lane (the moment it becomes that vehicle's leader) the follower, with `rssFollower` dynamics,
 * must be at least the RSS safe distance behind the ego's rear bumper (the ego may brake at its
 * b_max). Returns the worst follower that is too close, or undefined.
 */
function followerRss(
  ctx: CheckContext,
  targetWidthM: number,
): { id: string; gapM: number; safeM: number; atS: number; followerMps: number; egoMps: number } | undefined {
  const { rollout: r, forecast: f, snapshot, params, vehicle: veh } = ctx;
  const path = r.path!;
  const tgt = r.targetOffsetM;
  const d0 = r.d[0]!;
  // halfway through the lateral move the roll-out makes (a borrow's nudge: to `shiftToM` only;
  // towards the lane's centre it never got there, and was judged at the horizon's end)
  let k = 0;
  while (k < r.n - 1 && Math.abs(r.d[k]! - d0) < Math.abs(r.shiftToM - d0) / 2) k++;
  const front = frontOffset(veh);
  const rearS = r.s[k]! - (veh.lengthM - front);
  followerV.dynamics = params.rssFollower;
  leaderV.dynamics = params.rssEgo;
  let worst: ReturnType<typeof followerRss>;
  for (let j = 0; j < f.count; j++) {
    const ag = snapshot.agents[f.index[j]!]!;
    if (ag.kind === 'pedestrian' || ag.kind === 'static' || ag.speedMps < 0.1) continue;
    const b = j * f.capacity + k;
    path.line.project(f.x[b]!, f.y[b]!, fq, r.s[k]! - 150, r.s[k]! + 20);
    if (Math.abs(fq.dM - tgt) >= (targetWidthM + ag.widthM) / 2) continue;
    if (Math.cos(f.h[b]! - path.line.headingAt(Math.max(0, fq.sM))) < 0.5) continue;
    const agFront = fq.sM + ag.lengthM / 2;
    if (agFront > rearS + veh.lengthM / 2) continue; // ahead or alongside: the gap rules cover it
    const gap = rearS - agFront;
    followerV.speedLonMps = ag.speedMps;
    leaderV.speedLonMps = r.v[k]!;
    const safe = longitudinalSameDirection(followerV, leaderV);
    if (gap < safe && (!worst || gap - safe < worst.gapM - worst.safeM))
      worst = {
        id: ag.id,
        gapM: gap,
        safeM: safe,
        atS: k * r.dtS,
        followerMps: ag.speedMps,
        egoMps: r.v[k]!,
      };
  }
  return worst;
}
