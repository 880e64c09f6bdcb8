/**
 * Red team 7's reviewer pairs: the gate's newest surfaces, held-out style (the same command, safe or
 * unsafe by one fact of the scene or one field of the command) — evasive steering a planner asks
 * for (`MidLevelCommand.lateralAccelMps2`: into a lane with a cyclist, a follower or an oncoming car
 * vs an empty one; rates beyond the tyres, negative or not a number), turns other cars may take at a
 * junction (`crossing.mayTurn`: an indicator, its timing, a car whose own light is red), turning
 * across an oncoming car (`crossing.pet` at any speed: ahead of it, creeping behind it), speed on
 * lanes that post no limit (a statutory maximum binds, a recommended speed does not), school buses
 * and emergency vehicles across a painted strip, a turn lane or a grass median, and a car coming at
 * the ego in the ego's own lane. Every verdict was decided from RSS, traffic law (StVO, the
 * California Vehicle Code) or the tyres' grip before the gate was run on it; `why` says how.
 */
import { intersection } from '../../scenarios/builtin/index.ts';
import {
  agent,
  FRONT_M,
  lane,
  type Obj,
  pairTable,
  type ReviewerCase,
  road3,
  scen,
  seg,
  twoway,
} from './reviewerPairs.ts';

const KEEP: Obj = { speed: 'KEEP', path: 'FOLLOW_LANE' };
const NORTH = Math.PI / 2;
const SOUTH = -Math.PI / 2;
/** The ego's rear axle with its front bumper at x `frontX` on y `y`, heading east at v m/s. */
const egoFront = (frontX: number, y: number, v: number): [number, number, number, number] => [
  frontX - FRONT_M,
  y,
  0,
  v,
];
/** The built-in four-way junction (arms east 0, north 1, west 2, south 3; IN{k} ends 14 m from the centre). */
const JUNCTION = (): Obj[] => intersection().lanes as unknown as Obj[];
const light = (laneIds: string[], state: string): Obj => ({ laneIds, phases: [{ fromS: 0, state }] });

/** The point `sM` along a lane's centreline (and its heading), from the lane objects a reviewer writes. */
function along(lanes: Obj[], id: string, sM: number): { x: number; y: number; h: number } {
  const pts = (lanes.find((l) => l['id'] === id)!['centerline'] as { x: number; y: number }[]).map((p) => ({
    x: p.x,
    y: p.y,
  }));
  let left = sM;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (left <= len || i === pts.length - 1) {
      const f = Math.min(1, left / len);
      return { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y), h: Math.atan2(b.y - a.y, b.x - a.x) };
    }
    left -= len;
  }
  throw new Error(`lane ${id} is empty`);
}

/** Two one-way lanes: E eastbound at y 0, W westbound `gapM` of lane-free ground beyond it (no lane links). */
function divided(gapM: number, limitMps = 13.9): Obj[] {
  return [
    lane('E', seg(0, 0, 400, 0), { speedLimitMps: limitMps }),
    lane('W', seg(400, 3.5 + gapM, 0, 3.5 + gapM), { speedLimitMps: limitMps }),
  ];
}

/**
 * road3 with no posted limit (`speedLimitPosted: false`): `defaultMps` is the importer's default for
 * its class; `advisory` as the importer marks a road where the law sets no general limit (an Autobahn).
 */
const unposted = (defaultMps: number, posted = false, advisory = false): Obj[] =>
  road3().map((l) => ({
    ...l,
    speedLimitMps: defaultMps,
    ...(posted ? {} : { speedLimitPosted: false }),
    ...(advisory ? { speedLimitAdvisory: true } : {}),
  }));

const cyclist = (id: string, x: number, y: number, v: number): Obj =>
  agent(id, 'cyclist', x, y, 0, v, { L: 1.8, W: 0.6 }, { subclass: 'bicycle' });
const schoolBus = (x: number, y: number, h: number): Obj =>
  agent('sb', 'vehicle', x, y, h, 0, { L: 12, W: 2.5 }, { subclass: 'school_bus', lightsOn: true });
const ambulance = (x: number, y: number, h: number, v: number): Obj =>
  agent('ev', 'vehicle', x, y, h, v, {}, { subclass: 'emergency', sirenOn: v > 0, lightsOn: true });

/** All red team 7 cases and their scenes, keyed by `ReviewerCase.scene`. */
export function reviewerPairs7(): { cases: ReviewerCase[]; scenes: Map<string, Obj> } {
  const { cases, scenes, pair } = pairTable('r7_');

  // =============================================================================================
  // evasive steering a planner asks for (lateralAccelMps2): the ego on M of road3 at 13 m/s, a car
  // standing in M 30 m ahead of its front (a stop needs 2.8 m/s²: the swerve is a choice, not a need)
  const EVADE = (extra: Obj = {}): Obj => ({
    speed: 'DECELERATE',
    path: 'LEFT_CHANGE',
    targetLaneId: 'L',
    targetSpeedMps: 6,
    decelMps2: 3,
    lateralAccelMps2: 4.9,
    ...extra,
  });
  const blocker = () => agent('blk', 'vehicle', 40 + 30 + 2.25, 3.5, 0, 0);
  const swerveScene = (others: Obj[] = [], lanes: Obj[] = road3()) =>
    scen(lanes, egoFront(40, 3.5, 13), ['M', 'L'], { agents: [blocker(), ...others] });
  pair(
    'evasive_into_cyclist',
    'evasive steering',
    EVADE(),
    swerveScene(),
    swerveScene([cyclist('c1', 40 + 8 + 0.9, 7, 4)]),
    {
      safe: 'a swerve into the empty lane L at 0.5 g around a car standing 30 m ahead, slowing to 6 m/s: lawful and clear',
      unsafe:
        'the same swerve into L where a cyclist rides 8 m ahead at 4 m/s: the ego arrives behind it at 9 m/s closing, far inside RSS distance -> refuse / stay and stop',
    },
  );
  pair(
    'evasive_lat_beyond_grip',
    'evasive steering/input',
    EVADE({ lateralAccelMps2: 9.8 }),
    swerveScene(),
    swerveScene(),
    {
      safe: 'lateralAccelMps2 4.9 (0.5 g, Euro NCAP AES) into the empty lane',
      unsafe:
        'lateralAccelMps2 9.8 (1 g) from an untrusted planner: beyond the tyres 0.8 g, the car cannot follow the path the roll-out draws -> clamp / refuse',
    },
    ['MODIFY', 'VETO'],
    EVADE(),
  );
  pair(
    'evasive_lat_negative',
    'evasive steering/input',
    EVADE({ lateralAccelMps2: -5 }),
    swerveScene(),
    swerveScene(),
    {
      safe: 'lateralAccelMps2 4.9 into the empty lane',
      unsafe: 'lateralAccelMps2 -5: no such rate, a malformed command -> refuse',
    },
    ['VETO'],
    EVADE(),
  );
  pair(
    'evasive_lat_nan',
    'evasive steering/input',
    EVADE({ lateralAccelMps2: Number.NaN }),
    swerveScene(),
    swerveScene(),
    {
      safe: 'lateralAccelMps2 4.9 into the empty lane',
      unsafe: 'lateralAccelMps2 NaN (null in JSON): a malformed command -> refuse',
    },
    ['VETO'],
    EVADE(),
  );
  const rearCar = (gapM: number) => agent('f1', 'vehicle', 40 - 5.18 - gapM - 2.25, 0, 0, 13);
  pair(
    'evasive_right_follower',
    'evasive steering',
    EVADE({ path: 'RIGHT_CHANGE', targetLaneId: 'R' }),
    scen(road3(), egoFront(40, 3.5, 13), ['M', 'R'], { agents: [blocker(), rearCar(70)] }),
    scen(road3(), egoFront(40, 3.5, 13), ['M', 'R'], { agents: [blocker(), rearCar(6)] }),
    {
      safe: 'a swerve right into R with a car there 70 m behind at 13 m/s: RSS needs ~35 m behind the ego braking to 6',
      unsafe:
        'the same swerve with that car 6 m behind at 13 m/s: braking to 6 m/s in front of it cuts it off -> refuse',
    },
  );
  const BORROW_EVADE: Obj = {
    speed: 'DECELERATE',
    path: 'LEFT_BORROW',
    targetSpeedMps: 6,
    decelMps2: 3,
    lateralAccelMps2: 4.9,
  };
  const borrowScene = (others: Obj[]) =>
    scen(twoway(), egoFront(40, 0, 12), ['E'], {
      agents: [agent('pk', 'vehicle', 40 + 30 + 2.25, 0, 0, 0, {}, { parked: true }), ...others],
    });
  pair(
    'evasive_borrow_oncoming',
    'evasive steering',
    BORROW_EVADE,
    borrowScene([]),
    borrowScene([agent('o1', 'vehicle', 40 + 80, 3.5, Math.PI, 13)]),
    {
      safe: 'a swerve into the empty oncoming lane at 0.5 g around a car parked 30 m ahead',
      unsafe:
        'the same swerve with an oncoming car 80 m ahead at 13 m/s: the two meet beside the parked car within ~3 s -> refuse',
    },
  );

  // =============================================================================================
  // turns other cars may take (crossing.mayTurn) at the built-in junction: the ego goes north on
  // IN3 straight on (C31); an oncoming car comes south on IN1. Its left turn (C10) crosses the
  // ego's lane at ≈ (1.75, 5).
  const straightOn = (v: number, frontBeforeM: number, others: Obj[]) =>
    scen(JUNCTION(), [1.75, -14 - frontBeforeM - FRONT_M, NORTH, v], ['IN3', 'C31', 'OUT1'], {
      agents: others,
    });
  const oncoming = (frontBeforeM: number, v: number, indicator: string) =>
    agent('onc', 'vehicle', -1.75, 14 + frontBeforeM + 2.25, SOUTH, v, {}, { indicator });
  pair(
    'mayturn_indicator_none_vs_left',
    'turns other cars may take',
    KEEP,
    straightOn(13, 25, [oncoming(28, 10, 'NONE')]),
    straightOn(13, 25, [oncoming(28, 10, 'LEFT')]),
    {
      safe: 'an oncoming car at 10 m/s with no indicator: it goes straight on in its own lane; straight on at 13 m/s (the ego has the way, StVO §9(3))',
      unsafe:
        'the same car indicating left: its turn crosses the ego lane ≈ 3.9 s from now, as the ego (front there in ≈ 3.3 s, rear out ≈ 3.8 s) passes; RSS: stay able to stop short -> slow',
    },
  );
  pair(
    'mayturn_indicator_far_vs_near',
    'turns other cars may take',
    KEEP,
    straightOn(13, 25, [oncoming(75, 10, 'LEFT')]),
    straightOn(13, 25, [oncoming(28, 10, 'LEFT')]),
    {
      safe: 'an oncoming car indicating left 75 m before the junction at 10 m/s: it reaches the ego lane ≈ 8.6 s from now, the ego is through in ≈ 3.8 s',
      unsafe: 'the same car 28 m before the junction: its turn meets the ego as it passes -> slow',
    },
  );
  // a left turn (C32, west) on a green arrow: the oncoming car's own light red vs green
  const leftTurn = (oncomingLight: string) =>
    scen(JUNCTION(), [1.75, -14 - 10 - FRONT_M, NORTH, 7], ['IN3', 'C32', 'OUT2'], {
      signals: [light(['C30', 'C31', 'C32'], 'GREEN'), light(['C10', 'C12', 'C13'], oncomingLight)],
      stopLines: intersection().stopLines as unknown as Obj[],
      agents: [agent('onc', 'vehicle', -1.75, 14 + 40 + 2.25, SOUTH, 12)],
    });
  pair('turn_oncoming_red_vs_green', 'turns across path', KEEP, leftTurn('RED'), leftTurn('GREEN'), {
    safe: 'a left turn at 7 m/s on a green arrow; the oncoming car (12 m/s, 40 m before its line) has red: it stops at 1.8 m/s² -> turn',
    unsafe:
      'the oncoming light green: the car goes straight on with the way (StVO §9(3)) and is through the turn’s path ≈ 0.5–1 s from the ego -> yield',
  });

  // =============================================================================================
  // turning across an oncoming car going straight on (crossing.pet at any speed through a turn)
  const aheadOf = (carFrontBeforeM: number) =>
    scen(JUNCTION(), [1.75, -14 - 10 - FRONT_M, NORTH, 7], ['IN3', 'C32', 'OUT2'], {
      agents: [agent('onc', 'vehicle', -1.75, 14 + carFrontBeforeM + 2.25, SOUTH, 15)],
    });
  pair('pet_turn_ahead_of_oncoming', 'turns across path', KEEP, aheadOf(110), aheadOf(45), {
    safe: 'a left turn at 7 m/s with the oncoming car (15 m/s) 110 m off: it reaches the turn’s path ≈ 4 s after the ego has cleared it',
    unsafe:
      'the same car 45 m off: it reaches the turn’s path ≈ 0.5 s after the ego is on it -> a yield not given (StVO §9(3)) -> stop short',
  });
  const motorbike = (carFrontBeforeM: number) =>
    scen(JUNCTION(), [1.75, -14 - 10 - FRONT_M, NORTH, 7], ['IN3', 'C32', 'OUT2'], {
      agents: [
        agent(
          'mc',
          'vehicle',
          -1.75,
          14 + carFrontBeforeM + 1.1,
          SOUTH,
          15,
          { L: 2.2, W: 0.8 },
          {
            subclass: 'motorcycle',
          },
        ),
      ],
    });
  pair('pet_turn_motorcycle', 'turns across path', KEEP, motorbike(110), motorbike(45), {
    safe: 'a left turn at 7 m/s with an oncoming motorcycle (15 m/s) 110 m off',
    unsafe:
      'the motorcycle 45 m off: it is on the turn’s path within 1 s of the ego (its small size changes nothing) -> yield',
  });
  // creeping into the turn behind an oncoming car crossing the turn's path now: the ego on C32
  // (its front 3 m along the path short of the car's side), the car 6 m short of the spot at 10 m/s
  const creep = (v: number) => {
    const lanes = JUNCTION();
    // C32 crosses C13 (x −1.75) where its centreline reaches x −0.85 + 0.9: sample the lane for it
    let sSpot = 0;
    for (let s = 0; s < 40; s += 0.05)
      if (along(lanes, 'C32', s).x <= -1.75 + 0.9 + 1.0) {
        sSpot = s;
        break;
      }
    const front = along(lanes, 'C32', Math.max(0, sSpot - 3));
    const rear = along(lanes, 'C32', Math.max(0, sSpot - 3 - FRONT_M));
    const h = Math.atan2(front.y - rear.y, front.x - rear.x);
    const spotY = along(lanes, 'C32', sSpot).y;
    return scen(lanes, [rear.x, rear.y, h, v], ['IN3', 'C32', 'OUT2'], {
      agents: [agent('onc', 'vehicle', -1.75, spotY + 6 + 2.25, SOUTH, 10)],
    });
  };
  pair('pet_creep_behind', 'turns across path', KEEP, creep(1), creep(5), {
    safe: 'creeping into the turn at 1 m/s, 3 m short of the path of a car (10 m/s) that crosses it in the next second: the ego gets there ≈ 1.5 s after it left and could stop within 0.3 m',
    unsafe: 'the same at 5 m/s: the ego reaches the car’s path as the car does -> stop short',
  });

  // =============================================================================================
  // speed on lanes without a posted limit (speedLimitPosted false; speedLimitMps the importer's
  // default for the road class); a car whose top speed is 55 m/s
  const fastCar: Obj = { maxSpeedMps: 55 };
  const onRoad = (lanes: Obj[], v: number) => scen(lanes, [100, 3.5, 0, v], ['M'], { vehicle: fastCar });
  pair(
    'unposted_autobahn_vs_rural_140',
    'speed limit/unposted',
    KEEP,
    onRoad(unposted(36.11, false, true), 38.9),
    onRoad(unposted(27.78), 38.9),
    {
      safe: 'an Autobahn with no posted limit (the importer’s 130 km/h is the Richtgeschwindigkeit, advice): 140 km/h is lawful',
      unsafe:
        'a rural road with no posted limit (default 100 km/h, StVO §3(3) binds without a sign): 140 km/h -> cap',
    },
  );
  pair(
    'unposted_rural_99_vs_105',
    'speed limit/unposted',
    KEEP,
    onRoad(unposted(27.78), 27.5),
    onRoad(unposted(27.78), 29.2),
    {
      safe: '99 km/h on a rural road with no posted limit (statutory 100 km/h)',
      unsafe: '105 km/h there: over the statutory limit (+0.5 m/s tolerance) -> cap',
    },
  );
  pair(
    'unposted_us_freeway_65mph',
    'speed limit/unposted',
    KEEP,
    onRoad(unposted(29.06), 27.8),
    onRoad(unposted(29.06), 36.1),
    {
      safe: '100 km/h on a Californian freeway lane with no posted limit (the importer’s 65 mph default)',
      unsafe:
        '130 km/h (81 mph) there: 65 mph is California’s maximum speed law (CVC §22349), binding without a sign -> cap',
    },
  );
  pair(
    'unposted_urban_vs_posted_60',
    'speed limit/unposted',
    KEEP,
    onRoad(unposted(16.67, true), 16.5),
    onRoad(unposted(13.89), 16.5),
    {
      safe: '59 km/h where a 60 km/h sign is posted',
      unsafe: '59 km/h in town where no limit is posted (50 km/h statutory, StVO §3(3)) -> cap',
    },
  );

  // =============================================================================================
  // school buses / emergency vehicles across the centre (situational acrossMedian)
  const busAcross = (lanes: Obj[], busY: number) =>
    scen(lanes, egoFront(40, 0, 12), ['E'], { agents: [schoolBus(110, busY, Math.PI)] });
  pair(
    'school_bus_painted_vs_grass',
    'school bus',
    KEEP,
    busAcross(divided(3), 6.5),
    busAcross(divided(0.5), 4),
    {
      safe: 'a school bus loading with red lights on the other carriageway beyond a 3 m grass median: a divided highway, traffic the other way goes on',
      unsafe:
        'the same bus beyond a 0.5 m painted strip: no median, an undivided road -> stop 5 m short of it',
    },
  );
  const turnLane = (): Obj[] => [
    lane('E', seg(0, 0, 400, 0)),
    lane('T', seg(0, 3.5, 400, 3.5)),
    lane('W', seg(400, 7, 0, 7)),
  ];
  pair(
    'school_bus_centre_turn_lane',
    'school bus',
    KEEP,
    busAcross(divided(3.5), 7),
    busAcross(turnLane(), 7),
    {
      safe: 'a loading school bus beyond a 3.5 m grass median',
      unsafe:
        'the same bus 7 m off beyond a centre turn lane (a lane, not a median: the road is undivided) -> stop',
    },
  );
  const evStanding = (gapM: number) =>
    scen(divided(gapM), egoFront(40, 0, 13), ['E'], {
      agents: [ambulance(100, 3.5 + gapM, Math.PI, 0)],
    });
  pair('ev_standing_painted_strip', 'emergency vehicle', KEEP, evStanding(3), evStanding(0.5), {
    safe: 'an ambulance standing with beacons on beyond a 3 m median: nothing to do on this carriageway',
    unsafe: 'the same ambulance beyond a 0.5 m painted strip, 2.2 m from the ego lane: slow down to pass it',
  });
  const ACC: Obj = { speed: 'ACCELERATE', path: 'FOLLOW_LANE', targetSpeedMps: 13.5 };
  const evComing = (gapM: number) =>
    scen(divided(gapM), [20, 0, 0, 10], ['E'], { agents: [ambulance(140, 3.5 + gapM, Math.PI, 20)] });
  pair('ev_oncoming_painted_strip', 'emergency vehicle', ACC, evComing(3), evComing(0.5), {
    safe: 'an ambulance with siren coming the other way beyond a 3 m median: speeding up 10 → 13.5 m/s is lawful',
    unsafe:
      'the same ambulance beyond a 0.5 m painted strip: every driver yields (StVO §38) -> no acceleration',
  });

  // =============================================================================================
  // a car in the ego's own lane facing it
  const BORROW: Obj = { speed: 'KEEP', path: 'LEFT_BORROW', targetSpeedMps: 8 };
  const facing = (v: number, parked: boolean) =>
    scen(twoway(), egoFront(40, 0, 8), ['E'], {
      agents: [agent('f1', 'vehicle', 40 + 40 + 2.25, 0, Math.PI, v, {}, parked ? { parked: true } : {})],
    });
  pair('borrow_past_facing_car', 'oncoming in own lane', BORROW, facing(0, true), facing(2, false), {
    safe: 'a car parked facing the ego in the ego’s lane 40 m ahead, the oncoming lane empty: borrow past it at 8 m/s',
    unsafe:
      'the same car driving at the ego at 2 m/s: a wrong-way driver whose own lane is the one borrowed; it may swerve back into it -> refuse the borrow',
  });
  const headOn = (gapM: number) =>
    scen(twoway(), egoFront(40, 0, 13), ['E'], {
      agents: [agent('o1', 'vehicle', 40 + gapM + 2.25, 0, Math.PI, 10)],
    });
  pair('oncoming_in_own_lane_distance', 'oncoming in own lane', KEEP, headOn(180), headOn(60), {
    safe: 'a car coming at 10 m/s in the ego’s lane (overtaking) 180 m ahead: RSS opposite-direction distance ≈ 65 m; 7.8 s to go back',
    unsafe:
      'the same car 60 m ahead: inside the RSS distance, the ego in its correct lane must brake now (b_min,correct)',
  });

  // a command that is no MidLevelCommand: the gate's VETO is printed, and the command line exits 2
  for (const c of cases)
    if (c.id === 'r7_evasive_lat_negative.unsafe' || c.id === 'r7_evasive_lat_nan.unsafe') c.exitCode = 2;
  return { cases, scenes };
}
