/**
 * Lane-change rules: the marking must permit the change (or the borrow), the target lane must
 * offer an acceptable gap in front and behind (gap acceptance with a critical headway), and no
 * cyclist may ride in the ego's blind spot on that side (MSSBench-style situational rule).
 */
import { angleDiff } from '../../core/index.ts';
import { type CheckContext, frontOffset, type RuleSink, round } from './CheckContext.ts';

const fp = { sM: 0, dM: 0, segment: 0 };

export function laneChangeRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, command, map, forecast: f, snapshot, params, vehicle: veh } = ctx;
  const kind = command.path;
  if (kind === 'FOLLOW_LANE' || ctx.fromTrajectory) {
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
        ? `${nb.laneId} is not drivable (${nbLane.data.type})`
        : !nb.changeAllowed
          ? `marking towards ${nb.laneId} forbids crossing`
          : '';
  if (permitted && nb?.opposite && !borrow) {
    permitted = false;
    why = `${nb.laneId} carries oncoming traffic: only a borrow may enter it`;
  }
  if (!permitted) {
    sink.fail(
      'laneChange.permitted',
      `${kind} not permitted: ${why}`,
      { fromLaneId: r.startLaneId, toLaneId: nb?.laneId ?? 'none' },
      { postponeLaneChange: true },
    );
  } else sink.pass('laneChange.permitted', `${kind} into ${nb!.laneId} permitted`, { toLaneId: nb!.laneId });
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
      const gap = sE + veh.rearAxleToCenterM - rear + veh.lengthM / 2 - (fp.sM + ag.lengthM / 2);
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
  if (changeLeft && (frontGap < frontNeed || rearGap < rearNeed)) {
    const which =
      frontGap < frontNeed
        ? `front gap to ${frontId} ${round(frontGap)} m < ${round(frontNeed)} m`
        : `rear gap to ${rearId} ${round(rearGap)} m < ${round(rearNeed)} m`;
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
  if (changeLeft && blind)
    sink.fail(
      'situational.cyclistBlindSpot',
      `cyclist ${blind} in the blind spot on the ${left ? 'left' : 'right'}`,
      { agentId: blind },
      { postponeLaneChange: true },
    );
  else sink.pass('situational.cyclistBlindSpot', 'no cyclist in the blind spot');
}
