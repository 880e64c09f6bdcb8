/**
 * One ROS machine end to end: the rosbridge link, the live source, the driver with its missions
 * (goals from the goal topic) and the diagnostics topic. The caller hands in how to build a stack
 * for a goal (the command line takes it from the stack registry), so this folder stays free of
 * planners.
 */
import { type Clock, WallClock } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import type { RealtimeStep } from '../../stack/runRealtime.ts';
import { LiveDriver, type MakeStack, type MissionEvent } from '../LiveDriver.ts';
import { LiveSource } from '../LiveSource.ts';
import { RosBridge } from './RosBridge.ts';
import { type RosConfig, vehicleOf } from './RosConfig.ts';

export interface StartRosOptions {
  url: string;
  config: RosConfig;
  map: RoadMap;
  makeStack: MakeStack;
  clock?: Clock;
  /** Log lines (link events, missions, rejected input). */
  log?: (line: string) => void;
  onStep?: (s: RealtimeStep) => void;
  onMission?: (e: MissionEvent) => void;
}

export interface RosRun {
  bridge: RosBridge;
  source: LiveSource;
  driver: LiveDriver;
  stop(): Promise<void>;
}

/** Connects and starts driving; missions start on each goal message. */
export function startRos(o: StartRosOptions): RosRun {
  const clock = o.clock ?? new WallClock();
  const c = o.config;
  const log = o.log ?? (() => {});
  const vehicle = vehicleOf(c);
  const source = new LiveSource(clock, c.rates.objectsStaleAfterS);
  let driver: LiveDriver | undefined;
  let goals = 0;
  let lastFailure: string | undefined;
  let lastRejected: string | undefined;
  const bridge = new RosBridge({
    url: o.url,
    config: c,
    source,
    clock,
    map: o.map,
    onGoal: (g) => driver?.setGoal(g, `goal-${++goals}`),
    onCancel: () => {
      if (driver?.activeMission) driver.cancel(`cancelled on ${c.topics.cancel.name}`);
      else if (driver?.hasPending) {
        driver.cancel();
        log(`cancel on ${c.topics.cancel.name}: the goal waiting for odometry is dropped`);
      } else log(`cancel on ${c.topics.cancel.name}: no mission in progress, nothing cancelled`);
    },
    onEstop: (on) => driver?.setHold('estop', on),
    onGoalRepeated: (why) => log(`goal on ${c.topics.goal.name}: ${why}`),
    onInitialPose: (p, radiusM) =>
      log(
        `initial pose on ${c.topics.initialPose.name}: (${p.x.toFixed(2)}, ${p.y.toFixed(2)}, ${((p.headingRad * 180) / Math.PI).toFixed(0)}°): the localiser's next pose within ${radiusM.toFixed(2)} m of it is taken at once as a re-localisation`,
      ),
    // a stream of the same bad message (odometry at 50 Hz in the wrong frame) is logged once; the
    // diagnostics' link.rejected counts every one
    onError: (where, msg) => {
      const line = `rejected ${where}: ${msg}`;
      if (line === lastRejected) return;
      lastRejected = line;
      log(`${line} (repeats not logged: diagnostics link.rejected counts them)`);
    },
    onClockReset: (stampS) =>
      log(
        `odometry: the robot's clock went back (stamps from ${stampS.toFixed(3)} s, live and in order): taken as a restarted clock (diagnostics link.clockResets)`,
      ),
    onLink: (e, n) => {
      lastFailure = undefined;
      log(`rosbridge ${o.url}: ${e}${e === 'connected' && n > 1 ? ` (reconnection ${n - 1})` : ''}`);
    },
    // the first failure and each change of reason, not every attempt (a robot still booting would
    // fill the log): a wrong URL or a missing rosbridge is said at once instead of a silent wait
    onConnectFailed: (reason, failures, retryInS) => {
      if (reason === lastFailure) return;
      lastFailure = reason;
      log(
        `rosbridge ${o.url}: cannot connect (${reason}), ${failures > 1 ? `${failures} attempts so far, ` : ''}retrying (next in ${retryInS} s, then up to every ${c.reconnect.maxS} s)`,
      );
    },
  });
  driver = new LiveDriver({
    source,
    output: bridge,
    clock,
    map: o.map,
    vehicle,
    makeStack: o.makeStack,
    staleAfterS: c.rates.staleAfterS,
    watchdogDecelMps2: c.watchdogDecelMps2,
    goalToleranceM: c.goalToleranceM,
    controlHz: c.rates.controlHz,
    ...(o.onStep ? { onStep: o.onStep } : {}),
    onNotice: (line) => {
      log(line);
      bridge.sendDiagnostics({ tS: clock.nowS(), notice: line });
    },
    poseJump: c.poseJump,
    onMission: (e) => {
      log(`mission ${e.id}: ${e.state}${e.message ? ` (${e.message})` : ''}`);
      bridge.sendDiagnostics({ mission: e });
      o.onMission?.(e);
    },
  });
  const d = driver;
  const diag = setInterval(() => {
    const st = d.currentStack?.stats;
    bridge.sendDiagnostics({
      tS: clock.nowS(),
      link: bridge.status,
      input: d.inputState(clock.nowS()),
      ...(bridge.tf ? { tf: bridge.tf.waiting ?? 'ok' } : {}),
      egoLagS: bridge.egoLagS,
      objectsLagS: bridge.objectsLagS,
      controlLatencyS: d.latency.latencyS(clock.nowS()),
      mission: d.activeMission ?? null,
      arriving: d.arriving,
      steps: d.counts,
      watchdog: d.lastStep?.watchdog ?? null,
      // the watchdog holding a mission's vehicle (why), and how often it took over
      takenOver: d.takenOver ?? null,
      holds: d.heldBy,
      turningToRad: d.turningTo ?? null,
      localisation: { jumps: source.jumpCount, held: source.poseJumpHeld },
      lastStepMs: d.lastStep?.stepMs ?? null,
      stack: st ? { plans: st.plans, verdicts: st.verdicts, expiredSteps: st.expiredSteps } : null,
    });
  }, c.rates.diagnosticsPeriodS * 1000);
  return {
    bridge,
    source,
    driver: d,
    async stop() {
      clearInterval(diag);
      await d.stop();
      bridge.close();
    },
  };
}
