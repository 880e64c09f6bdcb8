/**
 * The ego pose from ROS tf: a buffer of the newest transform per child frame (tf2_msgs/TFMessage
 * from /tf and /tf_static), chained from the vehicle frame up to the map frame (map → odom →
 * base_link, with any frames between), and the ego's speed and yaw rate from successive poses in
 * the odometry frame (continuous by definition, REP 105: a localisation correction of map → odom
 * moves the pose, never the speed). Planar: x, y and yaw of each transform (z, roll and pitch are
 * dropped — edgeplan plans in the map plane). Pure: no connection, no clock (times come in).
 */
import { z } from 'zod';
import { fail, normalizeAngle, ok, type Pose, parseWith, type Result } from '../../core/index.ts';
import { QuatSchema, stampS, yawOf } from './rosMessages.ts';

const num = z.number().finite();
const Stamp = z.union([
  z.object({ secs: z.number().int(), nsecs: z.number().int() }),
  z.object({ sec: z.number().int(), nanosec: z.number().int() }),
]);
const TFMessageSchema = z.object({
  transforms: z.array(
    z.object({
      header: z.object({ stamp: Stamp.optional(), frame_id: z.string().min(1) }),
      child_frame_id: z.string().min(1),
      transform: z.object({
        translation: z.object({ x: num, y: num, z: num.default(0) }),
        rotation: QuatSchema,
      }),
    }),
  ),
});

/** One planar transform: the child frame's origin and heading in the parent frame. */
export interface PlanarTransform {
  parent: string;
  child: string;
  x: number;
  y: number;
  yawRad: number;
  /** The transform's stamp (robot clock), s; undefined when the message carried none. */
  stampS: number | undefined;
}

/** A frame name without the ROS 1 leading slash. */
export const bareFrame = (f: string): string => f.replace(/^\/+/, '');

/** tf2_msgs/TFMessage → planar transforms (validated; a bad field is named). */
export function tfMessageToTransforms(msg: unknown): Result<PlanarTransform[]> {
  const r = parseWith(TFMessageSchema, msg, 'tf');
  if (!r.ok) return r;
  return ok(
    r.value.transforms.map((t) => {
      const s = stampS(t.header.stamp);
      return {
        parent: bareFrame(t.header.frame_id),
        child: bareFrame(t.child_frame_id),
        x: t.transform.translation.x,
        y: t.transform.translation.y,
        yawRad: yawOf(t.transform.rotation),
        stampS: s !== undefined && s > 0 ? s : undefined,
      };
    }),
  );
}

/** `parent_T_child` applied to a pose in the child frame: the pose in the parent frame. */
export function composePlanar(t: { x: number; y: number; yawRad: number }, p: Pose): Pose {
  const c = Math.cos(t.yawRad);
  const s = Math.sin(t.yawRad);
  return {
    x: t.x + c * p.x - s * p.y,
    y: t.y + s * p.x + c * p.y,
    headingRad: normalizeAngle(t.yawRad + p.headingRad),
  };
}

/** Longest chain followed (a cycle in a broken tree ends here). */
const MAX_CHAIN = 32;

/** The newest transform per child frame, and lookups along the chain of parents. */
export class TfTree {
  private readonly edges = new Map<string, PlanarTransform>();

  /** Takes transforms; returns the child frames that changed. */
  update(transforms: ReadonlyArray<PlanarTransform>): string[] {
    for (const t of transforms) this.edges.set(t.child, t);
    return transforms.map((t) => t.child);
  }

  /** Forgets every transform (the link dropped: nothing old is used once it is back). */
  clear(): void {
    this.edges.clear();
  }

  /** The frames from `source` up its parents (source first), as far as the tree knows. */
  chainFrom(source: string): string[] {
    const out = [bareFrame(source)];
    for (let i = 0; i < MAX_CHAIN; i++) {
      const e = this.edges.get(out[out.length - 1]!);
      if (!e || out.includes(e.parent)) break;
      out.push(e.parent);
    }
    return out;
  }

  /**
   * The pose of `source`'s origin in `target` (target must be an ancestor of source), and the
   * stamp of the transform nearest the source (the one that moves with the vehicle).
   */
  lookup(target: string, source: string): Result<{ pose: Pose; stampS: number | undefined }> {
    const to = bareFrame(target);
    let cur = bareFrame(source);
    let pose: Pose = { x: 0, y: 0, headingRad: 0 };
    let leafStampS: number | undefined;
    let first = true;
    for (let i = 0; i <= MAX_CHAIN && cur !== to; i++) {
      const e = this.edges.get(cur);
      if (!e)
        return fail(
          'NOT_FOUND',
          `tf:${cur}`,
          `no transform from "${to}" to "${cur}" yet (chain from ${bareFrame(source)}: ${this.chainFrom(source).join(' → ')}; known child frames: ${[...this.edges.keys()].join(', ') || 'none'})`,
        );
      pose = composePlanar(e, pose);
      if (first) leafStampS = e.stampS;
      first = false;
      cur = e.parent;
    }
    if (cur !== to) return fail('INVALID_INPUT', `tf:${bareFrame(source)}`, `no chain to "${to}" (a cycle?)`);
    return ok({ pose, stampS: leafStampS });
  }
}

/** Speed and yaw rate from successive poses of one frame. */
export interface MotionEstimate {
  speedMps: number;
  yawRateRadps: number;
}

export interface TfMotionParams {
  /** Poses closer in time than this do not update the estimate (duplicate or bunched stamps), s. */
  minDtS: number;
  /** A gap longer than this restarts the estimate (no speed until the next pose), s. */
  maxDtS: number;
  /**
   * Each difference spans at least this much time when the poses allow (from the newest pose
   * at least this old), s: stamps jitter against the poses they carry (a transform stamped when it
   * was sent, not when the pose held), and over one 50 ms period a 20 ms jitter is a 40 % error.
   */
  baselineS: number;
  /** Weight of the newest finite difference (1: none of the past), in (0, 1]. */
  alpha: number;
}

export const TF_MOTION_DEFAULTS: TfMotionParams = { minDtS: 0.015, maxDtS: 0.5, baselineS: 0.15, alpha: 0.6 };

/**
 * Speed (signed along the heading) and yaw rate by finite differences of successive poses over a
 * baseline of at least `baselineS`, lightly low-passed; undefined until two poses are in (a speed is
 * never guessed: the first pose after a start or a gap yields nothing, so no control is computed
 * from an unknown speed).
 */
export class TfMotion {
  /** The poses since the baseline's start, oldest first (the newest last). */
  private hist: { pose: Pose; tS: number }[] = [];
  private est: MotionEstimate | undefined;

  constructor(private readonly p: TfMotionParams = TF_MOTION_DEFAULTS) {}

  /** Takes a pose at `tS` (s, any one clock); returns the estimate after it. */
  push(pose: Pose, tS: number): MotionEstimate | undefined {
    const last = this.hist[this.hist.length - 1];
    if (!last || tS - last.tS > this.p.maxDtS || tS < last.tS) {
      this.hist = [{ pose, tS }];
      this.est = undefined;
      return undefined;
    }
    if (tS - last.tS < this.p.minDtS) return this.est;
    this.hist.push({ pose, tS });
    // the base: the newest pose at least a baseline old (else the oldest there is)
    while (this.hist.length > 2 && tS - this.hist[1]!.tS >= this.p.baselineS - 1e-9) this.hist.shift();
    const base = this.hist[0]!;
    const dt = tS - base.tS;
    const along =
      (pose.x - base.pose.x) * Math.cos(pose.headingRad) + (pose.y - base.pose.y) * Math.sin(pose.headingRad);
    const v = along / dt;
    const w = normalizeAngle(pose.headingRad - base.pose.headingRad) / dt;
    const a = this.p.alpha;
    this.est = this.est
      ? {
          speedMps: a * v + (1 - a) * this.est.speedMps,
          yawRateRadps: a * w + (1 - a) * this.est.yawRateRadps,
        }
      : { speedMps: v, yawRateRadps: w };
    return this.est;
  }

  reset(): void {
    this.hist = [];
    this.est = undefined;
  }
}

export interface TfEgoOptions {
  /** The map frame (goals, routes). */
  mapFrame: string;
  /** The odometry frame: speeds are taken in it when the chain passes through it. */
  odomFrame: string;
  /** The vehicle frame. */
  baseLinkFrame: string;
  /** How far base_link sits ahead of the rear axle, m. */
  baseLinkAheadM: number;
  /** An odometry twist newer than this gives the speed (else successive poses do), s. */
  twistFreshS: number;
  motion?: TfMotionParams;
}

/** The ego from tf, when a transform that moves the vehicle came in. */
export interface TfEgoReading {
  pose: Pose;
  speedMps: number;
  yawRateRadps: number;
  /** The moving transform's stamp (robot clock), s, echoed on the control. */
  stampS: number | undefined;
  speedFrom: 'twist' | 'poses';
}

/**
 * The ego pose from tf, the speed from an odometry twist when a fresh one is there, else from
 * successive poses. A reading comes only when a transform between the vehicle and the odometry
 * frame (or the map, if there is no odometry frame in the chain) moved: a map → odom correction
 * alone yields none (it is not the vehicle moving), and neither does /tf_static.
 */
export class TfEgo {
  readonly tree = new TfTree();
  private readonly motion: TfMotion;
  private twist: { speedMps: number; yawRateRadps: number; atS: number } | undefined;
  /** Why the newest tf message gave no reading (for diagnostics); undefined after a reading. */
  waiting: string | undefined = 'no tf yet';

  constructor(private readonly o: TfEgoOptions) {
    this.motion = new TfMotion(o.motion);
  }

  /** An odometry twist (body frame), arrived at `atS` (our clock). */
  takeTwist(speedMps: number, yawRateRadps: number, atS: number): void {
    this.twist = { speedMps, yawRateRadps, atS };
  }

  /** Takes one TFMessage's transforms, arrived at `atS` (our clock). */
  takeTf(
    transforms: ReadonlyArray<PlanarTransform>,
    atS: number,
    isStatic: boolean,
  ): TfEgoReading | undefined {
    const changed = this.tree.update(transforms);
    if (isStatic) return undefined;
    const o = this.o;
    const chain = this.tree.chainFrom(o.baseLinkFrame);
    const odomAt = chain.indexOf(bareFrame(o.odomFrame));
    // never the odom frame in place of a map frame not seen yet: the first poses would be in odom
    // and then jump (a robot without localisation names `odom` as its map frame instead)
    const mapFrame = o.mapFrame;
    const motionFrame = odomAt >= 0 ? o.odomFrame : mapFrame;
    const motionAt = odomAt >= 0 ? odomAt : chain.indexOf(bareFrame(mapFrame));
    // the frames whose transforms move the vehicle in the motion frame
    const moving = chain.slice(0, motionAt >= 0 ? motionAt : chain.length);
    if (!changed.some((c) => moving.includes(c))) return undefined;
    const inMap = this.tree.lookup(mapFrame, o.baseLinkFrame);
    if (!inMap.ok) {
      this.waiting = inMap.error.message;
      return undefined;
    }
    const inMotion = motionFrame === mapFrame ? inMap : this.tree.lookup(motionFrame, o.baseLinkFrame);
    if (!inMotion.ok) {
      this.waiting = inMotion.error.message;
      return undefined;
    }
    const stamp = inMotion.value.stampS;
    const est = this.motion.push(inMotion.value.pose, stamp ?? atS);
    const tw = this.twist && atS - this.twist.atS <= o.twistFreshS ? this.twist : undefined;
    if (!tw && !est) {
      this.waiting = 'speed: a second pose is needed (no fresh odometry twist)';
      return undefined;
    }
    this.waiting = undefined;
    const p = inMap.value.pose;
    const back = o.baseLinkAheadM;
    return {
      pose: {
        x: p.x - back * Math.cos(p.headingRad),
        y: p.y - back * Math.sin(p.headingRad),
        headingRad: p.headingRad,
      },
      speedMps: tw ? tw.speedMps : est!.speedMps,
      yawRateRadps: tw ? tw.yawRateRadps : est!.yawRateRadps,
      stampS: stamp,
      speedFrom: tw ? 'twist' : 'poses',
    };
  }

  /** Forgets every transform, the motion and the twist (the link dropped). */
  reset(): void {
    this.tree.clear();
    this.motion.reset();
    this.twist = undefined;
    this.waiting = 'no tf yet';
  }
}
