/**
 * SpeedProfileAction (OpenSCENARIO 1.2): a speed over time given as entries (speed, time since the
 * previous entry), read as esmini's LongSpeedProfileAction builds its vertices: an entry at time 0
 * gives the start speed (else the entity's current speed does), an entry without a time or whose
 * slope exceeds DynamicConstraints' maxAcceleration / maxDeceleration is reached at that limit
 * (later than written), an entry after a zero time replaces the one before, consecutive entries on
 * one straight line merge, and every speed adds the EntityRef's speed when one is given. Between
 * vertices the speed is linear in time (followingMode position); after the last it is held.
 */

/** One SpeedProfileEntry: speed, m/s; time since the previous entry, s (undefined when omitted). */
export interface SpeedProfileEntry {
  speedMps: number;
  timeS?: number;
}

export interface SpeedProfileLimits {
  maxAccelMps2: number;
  maxDecelMps2: number;
}

/** From `tS` on, the speed is `speedMps + slopeMps2 · (t − tS)` (until the next segment). */
export interface SpeedSegment {
  tS: number;
  speedMps: number;
  slopeMps2: number;
}

/** esmini's SMALL_NUMBER. */
const SMALL = 1e-10;

/**
 * The profile's segments, starting at `startS` with the entity at `currentMps`, speeds offset by
 * `offsetMps`; `follow` is followingMode follow. (An untimed middle entry ramps at the limit here; esmini replaces the vertex before
 * it, a jump that no file at hand relies on.)
 */
export function speedProfileSegments(
  entries: readonly SpeedProfileEntry[],
  startS: number,
  currentMps: number,
  limits: SpeedProfileLimits,
  offsetMps = 0,
  follow = false,
): SpeedSegment[] {
  if (entries.length === 0) return [{ tS: startS, speedMps: currentMps, slopeMps2: 0 }];
  const first = entries[0]!;
  const startsAtZero = first.timeS !== undefined && Math.abs(first.timeS) <= SMALL;
  // followingMode follow: an entry at time 0 is replaced by the current speed and skipped
  // (esmini LongSpeedProfileAction::Start); position mode starts at that entry's speed
  const skipFirst = follow && startsAtZero;
  const v: SpeedSegment[] = [
    { tS: startS, speedMps: startsAtZero && !skipFirst ? first.speedMps : currentMps, slopeMps2: 0 },
  ];
  let t = startS;
  entries.forEach((e, i) => {
    if (skipFirst && i === 0) return;
    const target = e.speedMps + offsetMps;
    const last = v[v.length - 1]!;
    const dv = target - last.speedMps;
    const dtS = e.timeS;
    let k = dtS !== undefined && dtS > SMALL ? dv / dtS : Number.NaN;
    const untimed = dtS === undefined || dtS < -SMALL;
    if (untimed || k < -limits.maxDecelMps2 || k > limits.maxAccelMps2) {
      if (Math.abs(dv) < SMALL) return;
      if (untimed) k = dv < 0 ? -limits.maxDecelMps2 : limits.maxAccelMps2;
      else k = Math.min(Math.max(k, -limits.maxDecelMps2), limits.maxAccelMps2);
      t += dv / k;
    } else t += dtS ?? 0;
    // A zero time (the start entry, or two entries at one instant): the speed jumps.
    if (i < entries.length - 1 && !(dtS !== undefined && dtS > SMALL) && !untimed) {
      v[v.length - 1] = { tS: t, speedMps: target, slopeMps2: 0 };
      return;
    }
    if (!Number.isFinite(k)) k = 0;
    last.slopeMps2 = k;
    const prev = v[v.length - 2];
    if (prev && i > 1 && Math.abs(k - prev.slopeMps2) < SMALL) {
      // On the same line as the previous segment: one segment from the vertex before.
      const merged = (target - prev.speedMps) / (t - prev.tS);
      prev.slopeMps2 = merged;
      v[v.length - 1] = { tS: t, speedMps: target, slopeMps2: 0 };
      return;
    }
    v.push({ tS: t, speedMps: target, slopeMps2: 0 });
  });
  return v;
}

/** The profile's speed at time `tS`, m/s. */
export function speedProfileAt(segments: readonly SpeedSegment[], tS: number): number {
  let k = 0;
  while (k < segments.length - 1 && tS > segments[k + 1]!.tS - SMALL) k++;
  const s = segments[k]!;
  const v = s.speedMps + s.slopeMps2 * Math.max(0, tS - s.tS);
  return Math.abs(v) < SMALL ? 0 : v;
}

/** When the profile's last speed is reached, s. */
export function speedProfileEndS(segments: readonly SpeedSegment[]): number {
  return segments[segments.length - 1]!.tS;
}
