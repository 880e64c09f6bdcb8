/**
 * The ego's recent poses on the robot's own stamps, so that something measured at a stamp (a
 * detection in base_link) is placed around where the ego was THEN, not where it is when the
 * message arrives: a car at 20 m/s moves 6 m during a detector's 0.3 s latency, and a lead placed
 * around the newer pose is 6 m further away than it is (review 12, H4). Pure: stamps come in.
 */
import { normalizeAngle, type Pose } from '../../core/index.ts';

export interface StampedPose extends Pose {
  /** The robot's stamp of the pose, s. */
  stampS: number;
  speedMps: number;
  yawRateRadps: number;
}

export interface PoseHistoryParams {
  /** Poses older than this behind the newest are forgotten, s (a detector's latency is well below). */
  keepS: number;
  /** A stamp at most this much after the newest pose is extrapolated (speed, yaw rate), s. */
  extrapolateS: number;
}

/** 2 s covers a detector's latency several times over; 0.3 s is `rates.staleAfterS`'s default. */
export const POSE_HISTORY_DEFAULTS: PoseHistoryParams = { keepS: 2, extrapolateS: 0.3 };

export type PoseAt = { ok: true; pose: Pose } | { ok: false; why: 'empty' | 'too-old' | 'too-new' };

export class PoseHistory {
  /** Oldest first; stamps strictly increasing. */
  private poses: StampedPose[] = [];

  constructor(private readonly p: PoseHistoryParams = POSE_HISTORY_DEFAULTS) {}

  /** Takes the ego's pose at its stamp; a stamp not after the newest one is ignored. */
  push(s: StampedPose): void {
    const last = this.poses[this.poses.length - 1];
    if (last && s.stampS <= last.stampS) return;
    this.poses.push(s);
    while (this.poses.length > 2 && s.stampS - this.poses[0]!.stampS > this.p.keepS) this.poses.shift();
  }

  /**
   * The ego's pose at `stampS`: interpolated between the two poses around it, or carried forward
   * from the newest at its speed and yaw rate for at most `extrapolateS`. Older than the oldest
   * pose kept, or newer than that: no pose (the caller must not guess).
   */
  at(stampS: number): PoseAt {
    const n = this.poses.length;
    if (n === 0) return { ok: false, why: 'empty' };
    const first = this.poses[0]!;
    const last = this.poses[n - 1]!;
    if (stampS < first.stampS) return { ok: false, why: 'too-old' };
    if (stampS >= last.stampS) {
      const dt = stampS - last.stampS;
      if (dt > this.p.extrapolateS) return { ok: false, why: 'too-new' };
      const h = last.headingRad + 0.5 * last.yawRateRadps * dt;
      return {
        ok: true,
        pose: {
          x: last.x + last.speedMps * dt * Math.cos(h),
          y: last.y + last.speedMps * dt * Math.sin(h),
          headingRad: normalizeAngle(last.headingRad + last.yawRateRadps * dt),
        },
      };
    }
    // the last pose at or before the stamp (n is small: a linear scan from the newest end)
    let i = n - 2;
    while (i > 0 && this.poses[i]!.stampS > stampS) i--;
    const a = this.poses[i]!;
    const b = this.poses[i + 1]!;
    const f = (stampS - a.stampS) / (b.stampS - a.stampS);
    return {
      ok: true,
      pose: {
        x: a.x + f * (b.x - a.x),
        y: a.y + f * (b.y - a.y),
        headingRad: normalizeAngle(a.headingRad + f * normalizeAngle(b.headingRad - a.headingRad)),
      },
    };
  }

  /** The link went down: nothing from before is used. */
  reset(): void {
    this.poses = [];
  }
}
