/**
 * Lane-change rules: the marking must permit the change (or the borrow), the target lane must
 * offer an acceptable gap in front and behind (gap acceptance with a critical headway), and no
 * cyclist may ride in the ego's blind spot on that side (MSSBench-style situational rule).
 */
import { angleDiff, FrenetQuery, type Lane, type RoadMarkType } from '../../core/index.ts';
import { type LaneInfo, type LaneSide, markAt, roadMarkCrossable } from '../../core/map/index.ts';
import { pieceAt } from '../LanePath.ts';
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
  let permitted = !!nb && !!nbLane && nbLane.drivable;
  let why =
    !nb || !nbLane
      ? `no ${left ? 'left' : 'right'} neighbour lane`
      : !nbLane.drivable
        ? `${q(nb.laneId)} is not drivable (${nbLane.data.type})`
        : '';
  if (permitted && nb?.opposite && !borrow) {
    permitted = false;
    why = `${q(nb.laneId)} carries oncoming traffic: only a borrow may enter it`;
  }
  let passNote = '';
  if (permitted && lane && nb) {
    const line = markingCrossed(ctx, lane, nb, left ? 'left' : 'right');
    if (line) {
      const obstruction =
        borrow && nb.opposite && !line.physical && params.solidLineObstructionPass
          ? obstructionAhead(ctx)
          : undefined;
      if (obstruction)
        passNote = ` across the ${line.type} line to pass ${q(obstruction)}, standing in the lane and blocking it (the oncoming lane's own checks below)`;
      else {
        permitted = false;
        why = Number.isFinite(line.sM)
          ? `the ${line.type} marking of ${q(line.laneId)} at ${round(line.sM, 1)} m forbids crossing towards ${q(nb.laneId)}`
          : `marking towards ${q(nb.laneId)} forbids crossing`;
      }
    }
  }
  if (!permitted) {
    sink.fail(
      'laneChange.permitted',
      `${kind} not permitted: ${why}`,
      { fromLaneId: r.startLaneId, toLaneId: nb?.laneId ?? 'none' },
      { postponeLaneChange: true },
    );
  } else
    sink.pass('laneChange.permitted', `${kind} into ${q(nb!.laneId)} permitted${passNote}`, {
      toLaneId: nb!.laneId,
    });
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
/** Per follower and step (`FrenetQuery`: no number boxed per call). */
const fq = new FrenetQuery();

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
    fq.x = f.x[b]!;
    fq.y = f.y[b]!;
    fq.fromS = r.s[k]! - 150;
    fq.toS = r.s[k]! + 20;
    path.line.projectQuery(fq);
    if (Math.abs(fq.dM - tgt) >= (targetWidthM + ag.widthM) / 2) continue;
    fq.atS = Math.max(0, fq.sM);
    path.line.headingAtQuery(fq);
    if (Math.cos(f.h[b]! - fq.headingRad) < 0.5) continue;
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

const BOUNDARY_MARK: Record<Lane['leftBoundary'], RoadMarkType> = {
  solid: 'solid',
  dashed: 'broken',
  curb: 'curb',
  none: 'none',
};

/**
 * The marking the roll-out's body crosses or straddles on `side` where that forbids it, or
 * undefined. Where lanes carry their markings (`Lane.leftMarks` / `rightMarks`: OpenDRIVE,
 * Lanelet2, CommonRoad) the stretch in force where the body is over the line decides — at its
 * front and rear bumper, on the lane of the path there (`roadMarkCrossable`: the source's
 * `crossable`, else broken / botts dots / none may be crossed, StVO Zeichen 295 / 340, MUTCD 3B):
 * the lane-level `changeAllowed` an importer reads from a section's first mark said nothing of a
 * broken line that turns solid before a junction, nor of a double line's two sides. On maps without
 * markings, the start lane's `changeAllowed` as before. `physical`: a kerb or grass, not paint.
 */
function markingCrossed(
  ctx: CheckContext,
  lane: LaneInfo,
  nb: NonNullable<Lane['left']>,
  side: LaneSide,
): { type: RoadMarkType; physical: boolean; sM: number; laneId: string } | undefined {
  const { rollout: r, map, vehicle: veh } = ctx;
  const path = r.path;
  const startMarks = side === 'left' ? lane.data.leftMarks : lane.data.rightMarks;
  let explicit = !!startMarks;
  if (path) {
    const sign = side === 'left' ? 1 : -1;
    const front = frontOffset(veh);
    const rear = veh.lengthM - front;
    // a move the roll-out does not carry over the line within its horizon (an ego at rest closes no
    // offset) but whose target lies beyond it crosses it next where the roll-out ends: judged there
    const half0 = (map.laneWidthAt(lane.data.id, 0) ?? lane.data.widthM) / 2;
    const reachesOver = sign * r.shiftToM + veh.widthM / 2 > half0;
    let crossed = false;
    for (let k = 0; k <= r.n; k++) {
      const last = k === r.n;
      if (last && (crossed || !reachesOver || r.n === 0)) break;
      const kk = last ? r.n - 1 : k;
      const s = r.s[kk]!;
      const yaw = angleDiff(r.h[kk]!, path.line.headingAt(Math.max(0, s)));
      const sin = Math.sin(yaw);
      const outer =
        sign * r.d[kk]! +
        Math.max(sign * front * sin, -sign * rear * sin) +
        (veh.widthM / 2) * Math.abs(Math.cos(yaw));
      // the body's edge nearest the lane it leaves: past the line, the body is over the next lane,
      // not over the line (the line further on is no longer the move's to cross)
      const inner =
        sign * r.d[kk]! +
        Math.min(sign * front * sin, -sign * rear * sin) -
        (veh.widthM / 2) * Math.abs(Math.cos(yaw));
      for (let e = 0; e < 2; e++) {
        const sx = e === 0 ? s + front : s - rear;
        const piece = pieceAt(path, sx);
        const L = map.lane(piece.laneId);
        if (!L) continue;
        const local = Math.min(Math.max(sx - piece.fromS, 0), L.line.length);
        const half = (map.laneWidthAt(L.data.id, local) ?? L.data.widthM) / 2;
        if (!last && (outer <= half || inner >= half)) continue;
        crossed = true;
        const marks = side === 'left' ? L.data.leftMarks : L.data.rightMarks;
        if (!marks) continue;
        explicit = true;
        const m = markAt(marks, local);
        if (!roadMarkCrossable(m))
          return {
            type: m.type,
            physical: m.type === 'curb' || m.type === 'grass',
            sM: local,
            laneId: L.data.id,
          };
      }
    }
  }
  if (explicit || nb.changeAllowed) return undefined;
  const b = side === 'left' ? lane.data.leftBoundary : lane.data.rightBoundary;
  return { type: BOUNDARY_MARK[b], physical: b === 'curb', sM: Number.NaN, laneId: lane.data.id };
}

/** A vehicle this slow is standing (our choice: a tracker's noise on a parked car). */
const STANDING_MPS = 0.5;
/** A vehicle standing this close past an obstruction makes it the end of a queue, not a lone blocker, m (our choice). */
const QUEUE_GAP_M = 15;
const fo = { sM: 0, dM: 0, segment: 0 };

/**
 * A stationary obstruction in the ego's lane ahead that a borrow may pass across a solid centre
 * line (Highway Code rule 129: "to pass a stationary vehicle"): an agent known to stand there for
 * good — a `static` object, a vehicle `parked` or with its hazard lights on — no faster than
 * `STANDING_MPS`, its rear within `obstructionPassAheadM` of the ego's front bumper and its front not
 * yet behind the ego, leaving beside it in the lane less than the ego's width plus
 * `corridorMarginM` each side, and not the end of a queue (no other vehicle standing or creeping in
 * the lane within `QUEUE_GAP_M` past it: a queue is waited in). Its id, or undefined.
 */
function obstructionAhead(ctx: CheckContext): string | undefined {
  const { rollout: r, snapshot, vehicle: veh, params } = ctx;
  const path = r.path;
  if (!path) return undefined;
  const sE = r.s[0]!;
  const front = frontOffset(veh);
  const rear = veh.lengthM - front;
  const reach = sE + front + params.obstructionPassAheadM;
  for (const ag of snapshot.agents) {
    if (ag.kind !== 'vehicle' && ag.kind !== 'static') continue;
    if (Math.abs(ag.speedMps) > STANDING_MPS) continue;
    if (!(ag.kind === 'static' || ag.parked === true || ag.indicator === 'HAZARD')) continue;
    const e = laneExtent(ctx, ag, sE - rear - 20, reach + 20);
    if (!e || e.frontS < sE - rear || e.rearS - (sE + front) > params.obstructionPassAheadM) continue;
    const free = Math.max(e.half - e.hi, e.lo + e.half);
    if (e.hi <= -e.half || e.lo >= e.half || free >= veh.widthM + 2 * params.corridorMarginM) continue;
    const frontS = e.frontS; // (laneExtent reuses its result)
    let queue = false;
    for (const other of snapshot.agents) {
      if (other === ag || other.kind !== 'vehicle' || other.parked === true || other.indicator === 'HAZARD')
        continue;
      if (Math.abs(other.speedMps) > params.railQueueSpeedMps) continue;
      const o = laneExtent(ctx, other, frontS - 5, frontS + QUEUE_GAP_M + 20);
      if (!o || o.hi <= -o.half || o.lo >= o.half) continue;
      if (o.rearS >= frontS - 1 && o.rearS - frontS <= QUEUE_GAP_M) queue = true;
    }
    if (!queue) return ag.id;
  }
  return undefined;
}

const extent = { rearS: 0, frontS: 0, lo: 0, hi: 0, half: 0 };

/** An agent's footprint against the ego's lane path between `fromS` and `toS`: arc lengths, lateral extent, the lane's half width there. */
function laneExtent(
  ctx: CheckContext,
  ag: { x: number; y: number; headingRad: number; lengthM: number; widthM: number },
  fromS: number,
  toS: number,
): typeof extent | undefined {
  const path = ctx.rollout.path!;
  path.line.project(ag.x, ag.y, fo, fromS, toS);
  if (fo.sM < fromS - 1 || fo.sM > toS + 1) return undefined;
  const rel = angleDiff(ag.headingRad, path.line.headingAt(Math.max(0, fo.sM)));
  const c = Math.abs(Math.cos(rel));
  const sn = Math.abs(Math.sin(rel));
  const along = (ag.lengthM / 2) * c + (ag.widthM / 2) * sn;
  const across = (ag.widthM / 2) * c + (ag.lengthM / 2) * sn;
  const piece = pieceAt(path, fo.sM);
  const L = ctx.map.lane(piece.laneId);
  const local = L ? Math.min(Math.max(fo.sM - piece.fromS, 0), L.line.length) : 0;
  extent.half = ((L && ctx.map.laneWidthAt(L.data.id, local)) ?? L?.data.widthM ?? 3.5) / 2;
  extent.rearS = fo.sM - along;
  extent.frontS = fo.sM + along;
  extent.lo = fo.dM - across;
  extent.hi = fo.dM + across;
  return extent;
}
