/**
 * The stack on a real clock (bridges): a control loop on a timer at the stack's control rate reads
 * the newest snapshot from the source, runs one `tick` and sends the control to the sink. Plans
 * run in the background and never hold the loop. A watchdog stands between source and stack: no
 * snapshot yet, or one older than `staleAfterS`, and the sink gets the minimal-risk control (brake
 * at `watchdogDecelMps2`, wheel held; zero speed for robots) — never a control computed from stale
 * data.
 */
import type { Clock, Control, VehicleParams, WorldSnapshot } from '../core/index.ts';
import type { PlannerContext } from '../core/planning/index.ts';
import type { Sink, Source } from './SourceSink.ts';
import type { Stack, StackTick } from './Stack.ts';

export interface RealtimeOptions {
  stack: Stack;
  source: Source;
  sink: Sink;
  clock: Clock;
  vehicle: VehicleParams;
  /** Builds the planning context once the first snapshot is there (map, route path, vehicle). */
  context: (first: WorldSnapshot) => PlannerContext;
  /** A snapshot older than this is stale, s. Default: three control periods, at least 0.2 s. */
  staleAfterS?: number;
  /** Braking of the minimal-risk control, m/s². Default 3. */
  watchdogDecelMps2?: number;
  /**
   * `timer` (default): one step per control period. `source`: a step on every new snapshot the
   * source announces (at most `controlHz` often: a snapshot within half a period of the last step
   * waits for the next), and the timer steps only when no snapshot came for a whole period — the
   * watchdog. Input-to-control latency then is the stack's compute time, not up to a period.
   */
  trigger?: 'timer' | 'source';
  /** Called after every control step. */
  onStep?: (step: RealtimeStep) => void;
}

export interface RealtimeStep {
  tS: number;
  control: Control;
  /** Undefined when the watchdog produced the control. */
  tick: StackTick | undefined;
  /** Why the watchdog acted: 'no-snapshot' | 'stale'. */
  watchdog?: 'no-snapshot' | 'stale';
  /** Wall time of the step, ms. */
  stepMs: number;
  /** What started the step. */
  trigger: 'timer' | 'source';
}

export interface RealtimeLoop {
  /** Stops the timer; resolves when the in-flight plan (if any) has landed. */
  stop(): Promise<void>;
  readonly steps: number;
}

/** The minimal-risk control: brake with the wheel held (cars), stand still (robots). */
export function minimalRiskControl(vehicle: VehicleParams, decelMps2 = 3, steerRad = 0): Control {
  return vehicle.kind === 'robot'
    ? { kind: 'unicycle', vMps: 0, omegaRadps: 0 }
    : { kind: 'ackermann', accelMps2: -Math.abs(decelMps2), steerRad };
}

/** Starts the control loop; returns a handle that stops it. */
export function runRealtime(o: RealtimeOptions): RealtimeLoop {
  const periodMs = 1000 / o.stack.rates.controlHz;
  const staleAfterS = o.staleAfterS ?? Math.max(0.2, 3 / o.stack.rates.controlHz);
  const decel = o.watchdogDecelMps2 ?? 3;
  let initialised = false;
  let steps = 0;
  let lastSteer = 0;
  let lastStepMs = Number.NEGATIVE_INFINITY;
  let lastSnapS = Number.NaN;
  /** The last step was the watchdog's (its control came from no data). */
  let lastWasWatchdog = false;
  let stopped = false;
  const eventDriven = o.trigger === 'source' && o.source.onSnapshot !== undefined;
  /** `staleSnapS`: the timer's second look at a snapshot it found stale (its `tS`). */
  const step = (trigger: 'timer' | 'source', staleSnapS?: number): void => {
    const t0 = performance.now();
    if (eventDriven) {
      // the timer is the watchdog: it acts only when the source has been silent for a period
      if (trigger === 'timer' && t0 - lastStepMs < periodMs * 0.999) return;
      // a fresh snapshot right after a watchdog step is stepped at once: the watchdog's stop was
      // made from no data, and on a loaded machine (timers run before the input that queued while
      // the loop was busy) waiting half a period would let the next late timer stop it again
      if (trigger === 'source' && !lastWasWatchdog && t0 - lastStepMs < periodMs * 0.5) return;
    }
    const nowS = o.clock.nowS();
    const snap = o.source.latest();
    let control: Control;
    let tick: StackTick | undefined;
    let watchdog: RealtimeStep['watchdog'];
    if (!snap) watchdog = 'no-snapshot';
    else if (nowS - snap.tS > staleAfterS) {
      // stale only if it stays so across one more poll for input: a busy turn of the event loop
      // ages the snapshot while the next one waits unread (an immediate queued from the check
      // phase runs after the next turn's poll)
      if (trigger === 'timer' && staleSnapS === undefined) {
        const seen = snap.tS;
        setImmediate(() => {
          if (!stopped) step('timer', seen);
        });
        return;
      }
      // newer input came in between the two looks: it is flowing, the timer judges again later
      if (staleSnapS !== undefined && snap.tS !== staleSnapS) return;
      watchdog = 'stale';
    }
    // event-driven: a fresh snapshot already stepped waits for the next one (no second control from it)
    else if (eventDriven && snap.tS === lastSnapS) return;
    lastStepMs = t0;
    lastWasWatchdog = watchdog !== undefined;
    if (watchdog || !snap) {
      control = minimalRiskControl(o.vehicle, decel, lastSteer);
    } else {
      if (!initialised) {
        o.stack.init(o.context(snap), snap);
        initialised = true;
      }
      tick = o.stack.tick(snap);
      lastSnapS = snap.tS;
      control = tick.control;
      if (control.kind === 'ackermann') lastSteer = control.steerRad;
    }
    o.sink.send(control, tick);
    steps++;
    o.onStep?.({
      tS: nowS,
      control,
      tick,
      ...(watchdog ? { watchdog } : {}),
      stepMs: performance.now() - t0,
      trigger,
    });
  };
  // The timer's step is judged after the input that is waiting has been read: Node runs timers
  // before it polls for I/O, so a timer that fires late (the loop was busy) would see the snapshot
  // of before the wait as stale and stop the vehicle although fresh input sits in the socket.
  // `setImmediate` runs after the poll phase of the same loop turn.
  const timer = setInterval(
    () =>
      setImmediate(() => {
        if (!stopped) step('timer');
      }),
    periodMs,
  );
  const unsubscribe = eventDriven ? o.source.onSnapshot!(() => step('source')) : undefined;
  return {
    get steps() {
      return steps;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe?.();
      await o.stack.settle();
    },
  };
}
