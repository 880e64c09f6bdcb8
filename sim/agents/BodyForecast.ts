/**
 * Where every body (agents and the ego) is expected to be over the next few seconds, sampled at a
 * fixed step: filled once per tick, read by every reactive agent's conflict check. Preallocated
 * typed arrays, nothing allocated per tick.
 *
 * A body is forecast along a known path (an agent's lanes or track, the ego's route) at its
 * current speed and acceleration, or, without a path, at constant velocity along its heading.
 */
import type { Polyline } from '../../core/index.ts';

const scratchPose = { x: 0, y: 0, headingRad: 0 };

export class BodyForecast {
  /** Samples per body (the first is now). */
  readonly samples: number;
  readonly sampleDtS: number;
  readonly capacity: number;
  /** Sample poses, body-major: index = body · samples + k. */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly hs: Float64Array;
  readonly lengthM: Float64Array;
  readonly widthM: Float64Array;
  readonly speedMps: Float64Array;
  /** Axis-aligned bounds of each body's boxes over its samples (broad phase), m. */
  readonly minX: Float64Array;
  readonly maxX: Float64Array;
  readonly minY: Float64Array;
  readonly maxY: Float64Array;
  /** Valid samples of each body (0 = absent). */
  readonly valid: Int32Array;
  /** Acceleration now, m/s² (pedestrians judge whether a car is braking for them). */
  readonly accelMps2: Float64Array;
  /** 1 for vehicles (cars, trucks, cyclists, robots, the ego), 0 for pedestrians and objects. */
  readonly vehicle: Uint8Array;
  /** 1 for a forecast from declared intent (the ego's route: its turn signal), not from motion. */
  readonly byIntent: Uint8Array;
  /** 1 for the bodies that stand for the ego. */
  readonly isEgo: Uint8Array;
  /** The fleet index of each body's agent (−1 for the ego). */
  readonly agentIndex: Int32Array;

  constructor(capacity: number, horizonS: number, sampleDtS: number) {
    this.capacity = capacity;
    this.sampleDtS = sampleDtS;
    this.samples = Math.floor(horizonS / sampleDtS + 1e-9) + 1;
    const n = capacity * this.samples;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.hs = new Float64Array(n);
    this.lengthM = new Float64Array(capacity);
    this.widthM = new Float64Array(capacity);
    this.speedMps = new Float64Array(capacity);
    this.accelMps2 = new Float64Array(capacity);
    this.vehicle = new Uint8Array(capacity);
    this.byIntent = new Uint8Array(capacity);
    this.valid = new Int32Array(capacity);
    this.minX = new Float64Array(capacity);
    this.maxX = new Float64Array(capacity);
    this.minY = new Float64Array(capacity);
    this.maxY = new Float64Array(capacity);
    this.isEgo = new Uint8Array(capacity);
    this.agentIndex = new Int32Array(capacity);
  }

  /** Samples covering `horizonS` (≤ samples). */
  samplesFor(horizonS: number): number {
    return Math.min(this.samples, Math.floor(horizonS / this.sampleDtS + 1e-9) + 1);
  }

  /** Sets what the samples do not say about body b. Call before `setAlongPath` / `setKinematic`. */
  describe(b: number, vehicle: boolean, accelMps2: number, byIntent = false): void {
    this.vehicle[b] = vehicle ? 1 : 0;
    this.accelMps2[b] = accelMps2;
    this.byIntent[b] = byIntent ? 1 : 0;
  }

  private head(
    b: number,
    lengthM: number,
    widthM: number,
    speedMps: number,
    ego: boolean,
    agent: number,
  ): void {
    this.lengthM[b] = lengthM;
    this.widthM[b] = widthM;
    this.speedMps[b] = speedMps;
    this.isEgo[b] = ego ? 1 : 0;
    this.agentIndex[b] = agent;
  }

  /** Axis-aligned bounds of body b's boxes over its first `samples` samples. */
  private bound(b: number, samples: number): void {
    const base = b * this.samples;
    const hl = this.lengthM[b]! / 2;
    const hw = this.widthM[b]! / 2;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let k = 0; k < samples; k++) {
      const c = Math.abs(Math.cos(this.hs[base + k]!));
      const s = Math.abs(Math.sin(this.hs[base + k]!));
      const ex = c * hl + s * hw;
      const ey = s * hl + c * hw;
      const x = this.xs[base + k]!;
      const y = this.ys[base + k]!;
      if (x - ex < x0) x0 = x - ex;
      if (x + ex > x1) x1 = x + ex;
      if (y - ey < y0) y0 = y - ey;
      if (y + ey > y1) y1 = y + ey;
    }
    this.minX[b] = x0;
    this.maxX[b] = x1;
    this.minY[b] = y0;
    this.maxY[b] = y1;
  }

  /** Marks body b absent. */
  clear(b: number): void {
    this.valid[b] = 0;
  }

  /** Distance travelled after t seconds from speed v with acceleration a, never backwards, m. */
  static travelled(speedMps: number, accelMps2: number, tS: number): number {
    if (accelMps2 < 0 && speedMps + accelMps2 * tS < 0) return (speedMps * speedMps) / (-2 * accelMps2);
    return speedMps * tS + 0.5 * accelMps2 * tS * tS;
  }

  /**
   * Body b moves along `path` from centre arc length `sM` at lateral offset `dM` (left positive),
   * with speed v and acceleration a (a ≥ 0 is ignored: nobody is assumed to speed up into you).
   * The offset may drift at `dRateMps` until it reaches `dEndM` (a scripted lane change).
   */
  setAlongPath(
    b: number,
    path: Polyline,
    sM: number,
    dM: number,
    speedMps: number,
    accelMps2: number,
    lengthM: number,
    widthM: number,
    samples: number,
    ego: boolean,
    agent: number,
    dRateMps = 0,
    dEndM = dM,
  ): void {
    this.head(b, lengthM, widthM, speedMps, ego, agent);
    const a = Math.min(0, accelMps2);
    const base = b * this.samples;
    const dLo = Math.min(dM, dEndM);
    const dHi = Math.max(dM, dEndM);
    for (let k = 0; k < samples; k++) {
      const t = k * this.sampleDtS;
      const s = sM + BodyForecast.travelled(speedMps, a, t);
      const d = Math.min(dHi, Math.max(dLo, dM + dRateMps * t));
      path.toCartesian(Math.min(s, path.length), d, scratchPose);
      if (s > path.length) {
        // Past the end of the path: straight on along the last heading.
        const extra = s - path.length;
        scratchPose.x += extra * Math.cos(scratchPose.headingRad);
        scratchPose.y += extra * Math.sin(scratchPose.headingRad);
      }
      this.xs[base + k] = scratchPose.x;
      this.ys[base + k] = scratchPose.y;
      this.hs[base + k] = scratchPose.headingRad;
    }
    this.valid[b] = samples;
    this.bound(b, samples);
  }

  /** Body b keeps its heading; speed v, acceleration a (braking only, as above). */
  setKinematic(
    b: number,
    x: number,
    y: number,
    headingRad: number,
    speedMps: number,
    accelMps2: number,
    lengthM: number,
    widthM: number,
    samples: number,
    ego: boolean,
    agent: number,
  ): void {
    this.head(b, lengthM, widthM, speedMps, ego, agent);
    const a = Math.min(0, accelMps2);
    const c = Math.cos(headingRad);
    const s = Math.sin(headingRad);
    const base = b * this.samples;
    for (let k = 0; k < samples; k++) {
      const d = BodyForecast.travelled(speedMps, a, k * this.sampleDtS);
      this.xs[base + k] = x + d * c;
      this.ys[base + k] = y + d * s;
      this.hs[base + k] = headingRad;
    }
    this.valid[b] = samples;
    this.bound(b, samples);
  }
}
