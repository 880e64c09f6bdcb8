/**
 * Signals and stop lines along the ego's lane path: no entry into a lane whose light is red (nor
 * yellow when a stop needs less than the dilemma-zone deceleration), a full stop at stop signs,
 * and the situational rules that depend on what stands ahead: never come to rest on a rail
 * crossing, never pass a stopped school bus.
 */
import { type CheckContext, frontOffset, type RuleSink, round } from './CheckContext.ts';

const fp = { sM: 0, dM: 0, segment: 0 };
const SCHOOL_BUS = /school[_ -]?bus/i;

export function signalRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, map, snapshot, params, vehicle: veh, forecast: f } = ctx;
  const path = r.path;
  if (!path) {
    sink.pass('signal.light', 'ego off the lane graph');
    return;
  }
  const front = frontOffset(veh);
  const f0 = r.s[0]! + front;
  const fEnd = r.s[r.n - 1]! + front;
  const v0 = r.v[0]!;
  // --- lights: entering a lane whose light is RED / YELLOW
  let lightDone = false;
  for (const piece of path.pieces) {
    if (lightDone) break;
    if (piece.fromS <= f0 + 0.5 || piece.fromS > fEnd) continue;
    for (const l of snapshot.lights) {
      if (l.laneId !== piece.laneId || (l.state !== 'RED' && l.state !== 'YELLOW')) continue;
      const dist = piece.fromS - f0;
      const need = (v0 * v0) / (2 * Math.max(dist, 0.1));
      if (need > veh.maxDecelMps2) continue; // cannot stop any more: clearing the junction is the safe choice
      if (l.state === 'YELLOW' && need > params.yellowStopDecelMps2) continue; // dilemma zone: go
      sink.fail(
        l.state === 'RED' ? 'signal.redLight' : 'signal.yellowLight',
        `${l.state.toLowerCase()} light for ${piece.laneId} ${round(dist)} m ahead; the roll-out enters it (a stop needs ${round(need)} m/s²)`,
        { laneId: piece.laneId, distanceM: round(dist), requiredDecelMps2: round(need) },
        { stopBeforeS: piece.fromS - front - 0.5 },
      );
      lightDone = true;
      break;
    }
  }
  if (!lightDone) sink.pass('signal.light', 'no red or yellow light entered');
  // --- stop lines: stop signs need a full stop; rail crossings must not be stopped on
  let stopDone = false;
  let railDone = false;
  for (const piece of path.pieces) {
    const lane = map.lane(piece.laneId);
    if (!lane) continue;
    for (const sl of lane.stopLines) {
      const lineS = piece.fromS + sl.sM;
      if (sl.kind === 'stop_sign' && !stopDone && lineS > f0 - 0.5 && lineS < fEnd) {
        const standing = v0 < 0.3 && lineS - f0 < 5;
        let stoppedBefore = standing;
        let crosses = false;
        for (let k = 0; k < r.n && !crosses; k++) {
          if (r.s[k]! + front >= lineS) crosses = true;
          else if (r.v[k]! < 0.1) stoppedBefore = true;
        }
        if (crosses && !stoppedBefore) {
          sink.fail(
            'signal.stopLine',
            `stop sign ${sl.id} ${round(lineS - f0)} m ahead passed without stopping`,
            { stopLineId: sl.id, distanceM: round(lineS - f0) },
            { stopBeforeS: lineS - front - 0.3 },
          );
          stopDone = true;
        }
      }
      if (sl.kind === 'rail' && !railDone) {
        const a = lineS;
        const b = lineS + params.railCrossingLengthM;
        // The planned stop point counts even when it lies beyond the horizon.
        for (let k = 1; k <= r.n; k++) {
          const atStop = k === r.n;
          if (atStop && Number.isNaN(r.stopS)) break;
          const fr = (atStop ? r.stopS : r.s[k]!) + front;
          const bk = fr - veh.lengthM;
          if ((atStop || r.v[k]! < 0.1) && fr > a && bk < b) {
            const canStopBefore = f0 < a - 0.5;
            sink.fail(
              'situational.railCrossing',
              `the ${atStop ? 'planned stop' : 'roll-out'} comes to rest on rail crossing ${sl.id}`,
              { stopLineId: sl.id, crossingFromM: round(a - f0), crossingToM: round(b - f0) },
              canStopBefore ? { stopBeforeS: a - front - 0.5 } : { minSpeedMps: 3 },
            );
            railDone = true;
            break;
          }
        }
      }
    }
  }
  if (!stopDone) sink.pass('signal.stopLine', 'stop lines respected');
  if (!railDone) sink.pass('situational.railCrossing', 'no stop on a rail crossing');
  // --- school bus: a stopped school bus ahead (own or adjacent lane) must not be passed
  for (let j = 0; j < f.count; j++) {
    const ag = snapshot.agents[f.index[j]!]!;
    if (!SCHOOL_BUS.test(ag.id) || ag.speedMps > 0.5) continue;
    path.line.project(ag.x, ag.y, fp);
    const rearOfBus = fp.sM - ag.lengthM / 2;
    if (Math.abs(fp.dM) > 6 || rearOfBus < f0 - 1 || rearOfBus - f0 > params.schoolBusRangeM) continue;
    let passes = false;
    for (let k = 0; k < r.n; k++) if (r.s[k]! + front > rearOfBus - 3 && r.v[k]! > 0.1) passes = true;
    if (passes) {
      sink.fail(
        'situational.schoolBus',
        `stopped school bus ${ag.id} ${round(rearOfBus - f0)} m ahead: the roll-out drives past it`,
        { agentId: ag.id, distanceM: round(rearOfBus - f0) },
        { stopBeforeS: rearOfBus - 5 - front },
      );
      return;
    }
  }
  sink.pass('situational.schoolBus', 'no stopped school bus passed');
}
