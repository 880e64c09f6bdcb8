/**
 * How long a live vehicle goes on with what it was last told, measured on the bridge's side: the
 * age of the pose a control is computed from (arrival, dated back by its lag, to the step) plus the
 * time until the next control replaces it (the gap between control steps). On a quiet machine that
 * is one control period and a few ms; on a loaded one a step comes 0.1–0.6 s late and the vehicle
 * drives on at its last speed all that while. The mission's goal stop (`Mission.goalArrival`) and
 * approach speed (`withGoalStop`) budget their stopping distance with it. The figure is the largest
 * age plus the largest gap seen within a sliding window (a burst of load is remembered for
 * `windowS`), never less than `floorS`. The control's transit to the vehicle is not seen from here
 * (rosbridge and MQTT carry no acknowledgement): it sits in the floor. Pure: times come in.
 */
export class ControlLatency {
  private readonly ages: { atS: number; s: number }[] = [];
  private readonly gaps: { atS: number; s: number }[] = [];
  private lastStepS: number | undefined;

  /**
   * @param windowS how long a sample counts, s
   * @param floorS the least latency reported (one control period: the control in flight), s
   */
  constructor(
    private readonly windowS = 5,
    private readonly floorS = 0.05,
  ) {}

  /**
   * One control step at `atS` (our clock, s); `poseTS` is the time of the pose it was computed from
   * (undefined for a watchdog step, which used none: it counts for the gap only).
   */
  step(atS: number, poseTS?: number): void {
    if (this.lastStepS !== undefined && atS >= this.lastStepS)
      this.push(this.gaps, atS, atS - this.lastStepS);
    this.lastStepS = atS;
    if (poseTS !== undefined) this.push(this.ages, atS, Math.max(0, atS - poseTS));
  }

  /** The gap count restarts (a new control loop: the time between two loops is no control gap). */
  restart(): void {
    this.lastStepS = undefined;
  }

  /** Largest pose age + largest step gap within the window ending at `nowS`, at least the floor, s. */
  latencyS(nowS: number): number {
    return Math.max(
      this.floorS,
      maxSince(this.ages, nowS - this.windowS) + maxSince(this.gaps, nowS - this.windowS),
    );
  }

  private push(list: { atS: number; s: number }[], atS: number, s: number): void {
    list.push({ atS, s });
    while (list.length > 0 && list[0]!.atS < atS - this.windowS) list.shift();
  }
}

function maxSince(list: ReadonlyArray<{ atS: number; s: number }>, fromS: number): number {
  let m = 0;
  for (const e of list) if (e.atS >= fromS && e.s > m) m = e.s;
  return m;
}
