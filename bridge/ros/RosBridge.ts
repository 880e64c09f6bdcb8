/**
 * The ROS bridge: a rosbridge (v2 protocol) client with roslib that turns odometry, objects, traffic
 * lights, goals and instructions into the `LiveSource`, and publishes controls, the command in force,
 * the gate's verdicts and diagnostics. Works against ROS 1 and ROS 2 rosbridge alike (two-part type
 * names).
 *
 * The link: a lost connection invalidates the vehicle state at once (so no control is ever computed
 * from pre-outage data) and is re-opened with exponential back-off; every reconnection is a fresh
 * roslib `Ros` with every topic re-created (subscriptions and advertisements), and nothing is queued
 * while the link is down (roslib would replay queued publishes on reconnect: an old control).
 */
import * as roslib from 'roslib';
import type { AgentState, Clock, Control, MidLevelCommand, Pose, Verdict } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { LightLanes, unknownLightLanesMessage } from '../LightLanes.ts';
import type { LiveSource } from '../LiveSource.ts';
import { OBJECT_TRACKS_INITIAL, type ObjectTracksState, objectTracksStep } from './ObjectTracks.ts';
import { PoseHistory } from './PoseHistory.ts';
import type { RosConfig } from './RosConfig.ts';
import {
  commandToJson,
  controlToMessage,
  detectionsToObjects,
  lightsToStates,
  odometryToEgo,
  placeObjects,
  poseStampedToPose,
  poseWithCovarianceToPose,
  predictedObjectsToObjects,
  stampOf,
  stampS,
  stringToInstruction,
  verdictToJson,
} from './rosMessages.ts';
import { StampLag } from './StampLag.ts';
import { composePlanar, TfEgo, tfMessageToTransforms } from './TfTree.ts';

/**
 * The part of roslib 2.x we use. Its published declarations re-export `.ts` paths that TypeScript
 * does not resolve to its `.d.ts` files, so the surface is typed here (it is small).
 */
interface RosLike {
  readonly isConnected: boolean;
  connect(url: string): Promise<void>;
  close(): void;
  on(event: 'connection' | 'close' | 'error', cb: (e: unknown) => void): void;
  removeAllListeners(): void;
}
interface TopicLike {
  subscribe(cb: (m: unknown) => void): void;
  unsubscribe(): void;
  advertise(): void;
  unadvertise(): void;
  publish(m: unknown): void;
}
interface RoslibApi {
  Ros: new (o: Record<string, never>) => RosLike;
  Topic: new (o: {
    ros: RosLike;
    name: string;
    messageType: string;
    queue_length?: number;
    queue_size?: number;
    reconnect_on_close?: boolean;
  }) => TopicLike;
}
const { Ros, Topic } = roslib as unknown as RoslibApi;

export interface RosBridgeOptions {
  url: string;
  config: RosConfig;
  source: LiveSource;
  clock: Clock;
  /** A goal came in (map frame). */
  onGoal?: (goal: Pose) => void;
  /** A cancel came in: the mission in progress ends (CANCELLED), the vehicle is held. */
  onCancel?: () => void;
  /** A goal taken before came again (a latched copy on reconnection): ignored, why. */
  onGoalRepeated?: (why: string) => void;
  /** The operator set the pose (`/initialpose`, map frame): the localiser's next pose within `radiusM` of it is taken at once. */
  onInitialPose?: (pose: Pose, radiusM: number) => void;
  /** The operator e-stop: true engages it (latched), false releases it. */
  onEstop?: (engaged: boolean) => void;
  /** Bad input (a message that does not parse, a frame we cannot place): logged, the process stays up. */
  onError?: (where: string, message: string) => void;
  /**
   * The map the vehicle drives on: lights for lanes it lacks are reported through `onError`, once
   * per lane id (they are taken, and govern nothing).
   */
  map?: Pick<RoadMap, 'lane'>;
  /** Link events, for logs and tests. */
  onLink?: (event: 'connected' | 'disconnected', connections: number) => void;
  /**
   * A connection attempt failed: why (`ECONNREFUSED 127.0.0.1:9090`, a DNS error, a bad URL), how
   * many have failed since the last connection, and when the next one is, s.
   */
  onConnectFailed?: (reason: string, failures: number, retryInS: number) => void;
  /** The robot's clock restarted: its stamps went back (`stampS`: the first taken on the new clock). */
  onClockReset?: (stampS: number) => void;
  /** Wall-clock time for stamps of controls not computed from odometry (watchdog), s. Default Date.now. */
  wallS?: () => number;
}

export interface RosLinkStatus {
  connected: boolean;
  /** Successful connections so far (1 + reconnections). */
  connections: number;
  /** Connection attempts that failed. */
  failedAttempts: number;
  /** Controls published / dropped because the link was down. */
  published: number;
  dropped: number;
  /** Input messages rejected (parse or frame errors). */
  rejected: number;
  /** Ego messages dropped because their stamp was not newer than the last one taken. */
  outOfOrder: number;
  /** Restarted robot clocks taken (stamps far back, live and in order: `LiveSource` `OrderReset`). */
  clockResets: number;
  /** Why the last connection attempt failed (undefined once connected). */
  lastFailure: string | undefined;
}

/** A failed connection's reason from what roslib hands its `error` / `close` listeners. */
function failureReason(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { message?: unknown; code?: unknown };
    if (typeof o.message === 'string' && o.message) return o.message;
    if (typeof o.code === 'number') return `closed (WebSocket code ${o.code})`;
  }
  return typeof e === 'string' && e ? e : 'closed';
}

const IDENTITY: Pose = { x: 0, y: 0, headingRad: 0 };
/** However uncertain an `/initialpose`, the localiser's pose is taken at once only this near it, m. */
const INITIAL_POSE_MAX_RADIUS_M = 5;

/** A ROS stamp as a time; the zero stamp (unset: `ros::Time()`) is no stamp. */
function knownStampS(s: Parameters<typeof stampS>[0]): number | undefined {
  const t = stampS(s);
  return t === undefined || t === 0 ? undefined : t;
}

interface Link {
  ros: RosLike;
  control: TopicLike;
  command: TopicLike;
  verdict: TopicLike;
  diagnostics: TopicLike;
  inputs: TopicLike[];
}

/** A live ROS link; `close()` ends it for good. */
export class RosBridge {
  readonly status: RosLinkStatus = {
    connected: false,
    connections: 0,
    failedAttempts: 0,
    published: 0,
    dropped: 0,
    rejected: 0,
    outOfOrder: 0,
    clockResets: 0,
    lastFailure: undefined,
  };
  private link: Link | undefined;
  private readonly lightLanes: LightLanes | undefined;
  private closed = false;
  private backoffS: number;
  private timer: NodeJS.Timeout | undefined;
  private lastCommandKey = '';
  private lastVerdict: Verdict | undefined;
  /** Objects of the last message, by id or by association (speeds by finite difference), map frame. */
  private tracks: ObjectTracksState = OBJECT_TRACKS_INITIAL;
  private readonly ros2: boolean;
  private readonly wallS: () => number;
  /** The ego from tf (`egoFrom: tf`); undefined when it comes from odometry. */
  readonly tf: TfEgo | undefined;
  /** How late the ego's messages are taken in (a backlog makes a pose older than its arrival). */
  private readonly egoLag = new StampLag();
  /** The newest ego message's lag, s (diagnostics). */
  egoLagS = 0;
  /** Objects' lag when no ego floor is known yet (their own promptest messages as the reference). */
  private readonly objectsLag = new StampLag();
  /** The newest objects' age at arrival, s (diagnostics: a detector's latency, or clocks that disagree). */
  objectsLagS = 0;
  /** The ego's recent poses on its stamps: base_link objects are placed around the pose at theirs. */
  private readonly egoPoses = new PoseHistory();
  /** Goals taken (stamp, frame, pose), for the life of the bridge: a latched copy is not a new goal. */
  private readonly goalsTaken = new Set<string>();
  /** Odometry arrived without a frame: warned once. */
  private warnedOdomFrame = false;
  /** Objects arrived without a frame: warned once. */
  private warnedObjectsFrame = false;
  /** Failed attempts since the last connection. */
  private failuresInRow = 0;

  constructor(private readonly o: RosBridgeOptions) {
    this.backoffS = o.config.reconnect.initialS;
    this.ros2 = o.config.topics.control.type === 'autoware_control_msgs/Control';
    this.wallS = o.wallS ?? (() => Date.now() / 1000);
    this.lightLanes = o.map ? new LightLanes(o.map) : undefined;
    const c = o.config;
    this.tf =
      c.egoFrom === 'tf'
        ? new TfEgo({
            mapFrame: c.frames.map,
            odomFrame: c.frames.odom,
            baseLinkFrame: c.frames.baseLink,
            baseLinkAheadM: c.baseLinkAheadOfRearAxleM,
            twistFreshS: c.rates.staleAfterS,
          })
        : undefined;
    this.open();
  }

  /** Resolves once connected (or rejects after `timeoutMs`). */
  waitConnected(timeoutMs = 30_000): Promise<void> {
    if (this.status.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (this.status.connected) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - t0 > timeoutMs || this.closed) {
          clearInterval(poll);
          reject(new Error(`no rosbridge at ${this.o.url} after ${timeoutMs} ms`));
        }
      }, 20);
    });
  }

  private open(): void {
    if (this.closed) return;
    const ros = new Ros({});
    let settled = false;
    const down = (e?: unknown): void => {
      if (settled) return;
      settled = true;
      const wasUp = this.link?.ros === ros;
      if (wasUp) {
        this.link = undefined;
        this.status.connected = false;
        this.o.source.invalidate();
        this.tf?.reset();
        this.egoPoses.reset();
        this.o.onLink?.('disconnected', this.status.connections);
      } else {
        this.status.failedAttempts++;
        this.failuresInRow++;
        this.status.lastFailure = failureReason(e);
      }
      ros.removeAllListeners();
      try {
        ros.close();
      } catch {
        // already closed
      }
      if (this.closed) return;
      const delay = wasUp ? this.o.config.reconnect.initialS : this.backoffS;
      this.backoffS = wasUp
        ? this.o.config.reconnect.initialS
        : Math.min(this.o.config.reconnect.maxS, this.backoffS * 2);
      if (!wasUp) this.o.onConnectFailed?.(this.status.lastFailure ?? 'closed', this.failuresInRow, delay);
      this.timer = setTimeout(() => this.open(), delay * 1000);
    };
    ros.on('connection', () => {
      if (this.closed) {
        ros.close();
        return;
      }
      this.link = this.createTopics(ros);
      this.status.connected = true;
      this.status.connections++;
      this.status.lastFailure = undefined;
      this.failuresInRow = 0;
      this.backoffS = this.o.config.reconnect.initialS;
      this.o.onLink?.('connected', this.status.connections);
    });
    ros.on('close', down);
    ros.on('error', down);
    ros.connect(this.o.url).catch(down);
  }

  private createTopics(ros: RosLike): Link {
    const c = this.o.config;
    /** A goal came on this connection already (a latched copy comes first). */
    let goalsOnLink = false;
    const T = c.topics;
    const sub = (name: string, type: string, cb: (m: unknown) => void, queue = 1): TopicLike => {
      const t = new Topic({ ros, name, messageType: type, queue_length: queue, reconnect_on_close: false });
      t.subscribe(cb);
      return t;
    };
    const reject = (where: string, message: string): void => {
      this.status.rejected++;
      this.o.onError?.(where, message);
    };
    const tf = this.tf;
    const takeTf = (m: unknown, isStatic: boolean): void => {
      if (!tf) return;
      const r = tfMessageToTransforms(m);
      if (!r.ok) {
        reject(r.error.path, r.error.message);
        return;
      }
      const atS = this.o.clock.nowS();
      const e = tf.takeTf(r.value, atS, isStatic);
      if (!e) return;
      this.takeEgo(
        { ...e.pose, speedMps: e.speedMps, yawRateRadps: e.yawRateRadps, accelMps2: 0, steerRad: 0 },
        e.stampS === 0 ? undefined : e.stampS,
        atS,
      );
    };
    const inputs = [
      sub(T.odometry.name, T.odometry.type, (m) => {
        const r = odometryToEgo(m, c.baseLinkAheadOfRearAxleM);
        if (!r.ok) return reject(r.error.path, r.error.message);
        // with tf the pose comes from the transforms; odometry lends only its twist (body frame)
        if (tf) tf.takeTwist(r.value.ego.speedMps, r.value.ego.yawRateRadps, this.o.clock.nowS());
        else {
          // a pose in another frame (utm, a second odom) is not a map pose: as goals are, it is refused
          const frame = r.value.frameId;
          const toMap = frame ? this.mapFrom(frame) : IDENTITY;
          if (typeof toMap === 'string') return reject('odometry.header.frame_id', `odometry ${toMap}`);
          if (!frame && !this.warnedOdomFrame) {
            this.warnedOdomFrame = true;
            this.o.onError?.('odometry.header.frame_id', `empty; taken as ${c.frames.map} (warned once)`);
          }
          this.takeEgo(r.value.ego, knownStampS(r.value.stamp), this.o.clock.nowS());
        }
      }),
      // /tf carries many frames' transforms in bursts: a longer queue so the vehicle's are not dropped
      ...(tf
        ? [
            sub(T.tf.name, T.tf.type, (m) => takeTf(m, false), 20),
            sub(T.tfStatic.name, T.tfStatic.type, (m) => takeTf(m, true), 20),
          ]
        : []),
      sub(T.objects.name, T.objects.type, (m) => this.takeObjects(m, reject)),
      sub(T.trafficLights.name, T.trafficLights.type, (m) => {
        const r = lightsToStates(T.trafficLights.type, m, c.signalGroups);
        if (!r.ok) return reject(r.error.path, r.error.message);
        const unknown = this.lightLanes?.newUnknown(r.value);
        if (unknown && unknown.length > 0) reject('trafficLights.laneId', unknownLightLanesMessage(unknown));
        this.o.source.setLights(r.value);
      }),
      sub(T.goal.name, T.goal.type, (m) => {
        const first = !goalsOnLink;
        goalsOnLink = true;
        const r = poseStampedToPose(m);
        if (!r.ok) return reject(r.error.path, r.error.message);
        const toMap = r.value.frameId ? this.mapFrom(r.value.frameId) : IDENTITY;
        if (typeof toMap === 'string') return reject('goal.header.frame_id', `goal ${toMap}`);
        // a goal taken before, delivered again: a latched (ROS 1) or transient-local (ROS 2) goal
        // topic hands its copy to every new subscription, i.e. on every reconnection — it must not
        // start the mission again. A stamped goal is known by its stamp; an unstamped one only as
        // the first goal after a (re)connection (a latched copy comes first): later it is a re-send
        const p = r.value.pose;
        const key = `${r.value.stampS ?? 0}|${r.value.frameId}|${p.x}|${p.y}|${p.headingRad}`;
        if (
          this.goalsTaken.has(key) &&
          (r.value.stampS !== undefined || (first && this.status.connections > 1))
        ) {
          this.o.onGoalRepeated?.(
            r.value.stampS !== undefined
              ? `the goal stamped ${r.value.stampS.toFixed(3)} s was taken before (a latched copy): ignored`
              : 'an unstamped goal equal to one taken before, first on the topic after a reconnection (a latched copy): ignored — stamp goals (RViz does) to send one again',
          );
          return;
        }
        this.goalsTaken.add(key);
        if (this.goalsTaken.size > 256)
          this.goalsTaken.delete(this.goalsTaken.values().next().value as string);
        this.o.onGoal?.(composePlanar({ ...toMap, yawRad: toMap.headingRad }, p));
      }),
      sub(T.initialPose.name, T.initialPose.type, (m) => {
        const r = poseWithCovarianceToPose(m);
        if (!r.ok) return reject(r.error.path, r.error.message);
        const toMap = r.value.frameId ? this.mapFrom(r.value.frameId) : IDENTITY;
        if (typeof toMap === 'string') return reject('initialPose.header.frame_id', `initial pose ${toMap}`);
        const pose = composePlanar({ ...toMap, yawRad: toMap.headingRad }, r.value.pose);
        // where the localiser's next pose may land: 3 σ of the pose set, plus the jump check's margin
        const radiusM = Math.min(INITIAL_POSE_MAX_RADIUS_M, 3 * r.value.sigmaM + c.poseJump.marginM);
        this.o.source.expectRelocalisation(pose, radiusM);
        this.o.onInitialPose?.(pose, radiusM);
      }),
      sub(T.cancel.name, T.cancel.type, () => this.o.onCancel?.()),
      // every message counts (an e-stop pressed twice is still pressed): queue them all
      sub(
        T.estop.name,
        T.estop.type,
        (m) => {
          const data = (m as { data?: unknown } | null)?.data;
          if (typeof data !== 'boolean')
            return reject('estop.data', `expected a boolean (std_msgs/Bool), got ${JSON.stringify(data)}`);
          this.o.onEstop?.(data);
        },
        10,
      ),
      sub(T.instruction.name, T.instruction.type, (m) => {
        const r = stringToInstruction(m);
        if (!r.ok) return reject(r.error.path, r.error.message);
        this.o.source.setInstruction(r.value);
      }),
    ];
    const pub = (name: string, type: string): TopicLike => {
      const t = new Topic({ ros, name, messageType: type, queue_size: 1, reconnect_on_close: false });
      t.advertise();
      return t;
    };
    return {
      ros,
      control: pub(T.control.name, T.control.type),
      command: pub(T.command.name, T.command.type),
      verdict: pub(T.verdict.name, T.verdict.type),
      diagnostics: pub(T.diagnostics.name, T.diagnostics.type),
      inputs,
    };
  }

  /** One ego message (odometry or tf) into the source, dated by its lag, ordered by its stamp. */
  private takeEgo(ego: Parameters<LiveSource['setEgo']>[0], stamp: number | undefined, atS: number): void {
    const order = this.o.source.admit(stamp, 'stamp');
    if (order === 'drop') {
      this.status.outOfOrder++;
      return;
    }
    if (order === 'reset') {
      // the robot's clock restarted (a simulation reset, a bag looped): lags and poses measured on
      // the old clock do not compare with the new stamps
      this.status.clockResets++;
      this.egoLag.reset();
      this.objectsLag.reset();
      this.egoPoses.reset();
      this.o.onClockReset?.(stamp!);
    }
    const lagS = this.egoLag.take(stamp, atS);
    this.o.source.setEgo(ego, stamp, lagS, 'admitted');
    this.egoLagS = lagS;
    if (stamp !== undefined)
      this.egoPoses.push({
        x: ego.x,
        y: ego.y,
        headingRad: ego.headingRad,
        stampS: stamp,
        speedMps: ego.speedMps,
        yawRateRadps: ego.yawRateRadps,
      });
  }

  /**
   * `map_T_frame` for a frame inputs may come in, or why not. The map frame; `frames.odom` through
   * the tf tree's map → odom with `egoFrom: tf` (odometry drifts: taken as the map, a goal lands
   * where the drift puts it), or as the map itself only with `frames.odomIsMap` (a robot without
   * localisation, on purpose).
   */
  private mapFrom(frame: string): Pose | string {
    const f = this.o.config.frames;
    const bare = frame.replace(/^\//, '');
    if (bare === f.map) return IDENTITY;
    if (bare === f.odom) {
      if (this.tf) {
        const t = this.tf.tree.lookup(f.map, f.odom);
        if (!t.ok) return `in frame "${bare}": ${t.error.message}`;
        return t.value.pose;
      }
      if (f.odomIsMap) return IDENTITY;
      return `in frame "${bare}"; expected ${f.map}: odometry drifts from the map, so it is not taken as one — use egoFrom: tf (map → ${f.odom} from /tf), or on a robot without localisation set frames.odomIsMap: true (or frames.map: ${f.odom})`;
    }
    return `in frame "${bare}"; expected ${f.map}${f.odomIsMap || this.tf ? ` or ${f.odom}` : ''}`;
  }

  private takeObjects(m: unknown, reject: (w: string, msg: string) => void): void {
    const c = this.o.config;
    const r =
      c.topics.objects.type === 'vision_msgs/Detection3DArray'
        ? detectionsToObjects(m, c.classes)
        : predictedObjectsToObjects(m);
    if (!r.ok) {
      reject(r.error.path, r.error.message);
      return;
    }
    const frame = r.value.frameId.replace(/^\//, '');
    const inBaseLink = frame === c.frames.baseLink;
    const toMap = inBaseLink || !frame ? IDENTITY : this.mapFrom(frame);
    if (typeof toMap === 'string') {
      reject('objects.header.frame_id', `objects ${toMap} or ${c.frames.baseLink}`);
      return;
    }
    // a base_link detector that leaves the frame empty gets its objects placed around the map
    // origin: said once, as for odometry
    if (!frame && !this.warnedObjectsFrame) {
      this.warnedObjectsFrame = true;
      this.o.onError?.('objects.header.frame_id', `empty; taken as ${c.frames.map} (warned once)`);
    }
    const nowS = this.o.clock.nowS();
    const st = knownStampS(r.value.stamp);
    // base_link objects: around the ego pose AT THEIR STAMP (a detector's latency is tenths of a
    // second: at 20 m/s the car moves metres meanwhile); unstamped, or the ego unstamped: the newest
    let at: Pose | undefined = this.o.source.currentEgo;
    if (inBaseLink && st !== undefined) {
      const p = this.egoPoses.at(st);
      if (p.ok) at = p.pose;
      else if (p.why !== 'empty') {
        reject(
          'objects.header.stamp',
          `base_link objects stamped ${st.toFixed(3)} s, ${p.why === 'too-old' ? 'before' : 'after'} the ego poses kept: cannot place them`,
        );
        return;
      }
    }
    if (inBaseLink && !at) return; // cannot place them yet
    const ahead = c.baseLinkAheadOfRearAxleM;
    const baseLink = at
      ? {
          x: at.x + ahead * Math.cos(at.headingRad),
          y: at.y + ahead * Math.sin(at.headingRad),
          headingRad: at.headingRad,
        }
      : { x: 0, y: 0, headingRad: 0 };
    // dated by the stamp against the ego messages' clock offset (their lag floor): the detector's
    // latency counts towards objectsStaleAfterS; without an ego floor yet, the objects' own
    const egoFloor = this.egoLag.floorS;
    const lagS =
      st === undefined
        ? 0
        : egoFloor !== undefined
          ? Math.max(0, nowS - st - egoFloor)
          : this.objectsLag.take(st, nowS);
    // speeds on the measurement times (arrival times jitter with the link and our load)
    const tS = st ?? nowS;
    const placed = placeObjects(r.value.objects, inBaseLink ? baseLink : toMap);
    const tracked = objectTracksStep(this.tracks, placed, tS, c.objectTracks);
    this.tracks = tracked.state;
    const agents = placed.map((o, i): AgentState => {
      const t = tracked.objects[i]!;
      return {
        id: t.id,
        kind: o.kind,
        x: o.x,
        y: o.y,
        headingRad: o.headingRad,
        speedMps: Math.max(0, t.speedMps),
        // (no speed measured yet: the gate takes it at rest and moving, core AgentState.speedKnown)
        ...(t.speedKnown ? {} : { speedKnown: false }),
        seenForS: t.seenForS,
        lengthM: o.lengthM,
        widthM: o.widthM,
      };
    });
    this.objectsLagS = lagS;
    this.o.source.setAgents(agents, lagS);
  }

  /**
   * Publishes one control, stamped with the odometry it was computed from (`fromInput`) or with
   * the wall clock (watchdog). Dropped, not queued, while the link is down.
   */
  sendControl(control: Control, fromInput: boolean, speedMps: number): void {
    const link = this.link;
    if (!link?.ros.isConnected) {
      this.status.dropped++;
      return;
    }
    const inS = this.o.source.inputStampS;
    const tS = fromInput && inS !== undefined ? inS : this.wallS();
    link.control.publish(
      controlToMessage(control, {
        type: this.o.config.topics.control.type,
        stamp: stampOf(tS, this.ros2),
        frameId: this.o.config.frames.baseLink,
        speedMps,
        speedLookaheadS: this.o.config.speedLookaheadS,
      }),
    );
    this.status.published++;
  }

  /** Publishes the command in force when it changed, and each new verdict. */
  sendDecision(command: MidLevelCommand | undefined, verdict: Verdict | undefined, tS: number): void {
    const link = this.link;
    if (!link?.ros.isConnected) return;
    if (command) {
      const key = `${command.issuedAtS}|${command.source}|${command.speed}|${command.path}`;
      if (key !== this.lastCommandKey) {
        this.lastCommandKey = key;
        link.command.publish(commandToJson(command));
      }
    }
    if (verdict && verdict !== this.lastVerdict) {
      this.lastVerdict = verdict;
      link.verdict.publish(verdictToJson(verdict, tS));
    }
  }

  /** Publishes one diagnostics record (JSON on std_msgs/String). */
  sendDiagnostics(d: Record<string, unknown>): void {
    const link = this.link;
    if (!link?.ros.isConnected) return;
    link.diagnostics.publish({ data: JSON.stringify(d) });
  }

  /** Ends the link (no reconnection). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const link = this.link;
    this.link = undefined;
    this.status.connected = false;
    if (link) {
      for (const t of link.inputs) t.unsubscribe();
      for (const t of [link.control, link.command, link.verdict, link.diagnostics]) t.unadvertise();
      link.ros.removeAllListeners();
      link.ros.close();
    }
  }
}
