/**
 * How late a stamped message is taken in, compared with the promptest recent ones: its
 * (arrival − stamp) minus the running floor of that difference. The robot's clock and ours need not
 * agree (their offset is in the floor and cancels); what shows is a backlog — messages queued in the
 * link or in our own process while it stalled (a stack being built, a loaded machine), then taken
 * in one after the other as if new. Arrival time alone calls such a pose fresh although the vehicle
 * has moved on since; with its lag taken off, the watchdog sees how old it is. Pure: times come in.
 */
export class StampLag {
  private floorValueS: number | undefined;
  private lastAtS = 0;

  /**
   * @param relaxSPerS how fast the floor creeps up when no message is as prompt as it, s per s: a
   * robot clock that runs slower than ours (a simulation below real time: up to 20 % slower with
   * the default) or steps back is followed; a backlog delivered at once is still seen almost whole
   * (the floor creeps only over the stall), a latency that stays high is taken as the new normal
   * after lag / relax seconds (without clock synchronisation it cannot be told from an offset).
   */
  constructor(private readonly relaxSPerS = 0.2) {}

  /** The running floor of (arrival − stamp), s: our clock's offset from the robot's plus the promptest transit. */
  get floorS(): number | undefined {
    return this.floorValueS;
  }

  /** Forgets the floor (the robot's clock restarted: its offset from ours is another). */
  reset(): void {
    this.floorValueS = undefined;
    this.lastAtS = 0;
  }

  /** The lag (≥ 0) of a message stamped `stampS` (robot clock) taken in at `atS` (our clock), s. */
  take(stampS: number | undefined, atS: number): number {
    if (stampS === undefined) return 0;
    const d = atS - stampS;
    const floor =
      this.floorValueS === undefined
        ? d
        : Math.min(d, this.floorValueS + this.relaxSPerS * Math.max(0, atS - this.lastAtS));
    this.floorValueS = floor;
    this.lastAtS = atS;
    return d - floor;
  }
}
