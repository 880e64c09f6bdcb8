/**
 * `edgeplan ros` and `edgeplan mqtt`: connect the stack to real machines (bridge/README.md). The
 * bridges take a stack factory; this file builds it from the stack registry and loads the map.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { MakeStack } from '../../bridge/LiveDriver.ts';
import { type ApproachBudget, liveScenario, withGoalStop } from '../../bridge/Mission.ts';
// The bridges (mqtt, roslib, yaml) load when their command runs, not with every `edgeplan` start.
import type { MqttLinkOptions } from '../../bridge/mqtt/MqttRobot.ts';
import { topicFor } from '../../bridge/mqtt/MqttTopics.ts';
import type { Profile } from '../../bridge/ros/RosConfig.ts';
import type { VdaAgent } from '../../bridge/vda5050/VdaAgent.ts';
import {
  formatError,
  type Pose,
  type Route,
  type VehicleParams,
  VehicleParamsSchema,
  WallClock,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { readTextFile } from '../../core/readTextFile.ts';
import type { AuditLog } from '../../safety/index.ts';
import { builtinScenario } from '../../scenarios/builtin/index.ts';
import { importFile } from '../../scenarios/import/index.ts';
import { createDriver, type DriverOptions, type StackRates } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';
import { addLlmOptions, driverOptionsFrom, type LlmFlags } from '../llmFlags.ts';
import { AUDIT_MAX_MB_HELP, auditMaxMbArg, openAudit } from './openAudit.ts';

/**
 * The one line for a config YAML that does not parse: the position and the message with the source
 * line it points at (the bridge's loader keeps the message's first line, which ends on "at line 1,
 * column 10:" and drops what follows, review ux19 #21). Undefined when the file parses or cannot be
 * read (the loader says why).
 */
export async function yamlSyntaxError(file: string): Promise<string | undefined> {
  const text = readTextFile(file);
  if (!text.ok) return undefined;
  const { parse, YAMLParseError } = await import('yaml');
  try {
    parse(text.value);
    return undefined;
  } catch (e) {
    if (!(e instanceof YAMLParseError))
      return `parse error at ${file}: ${(e as Error).message.split('\n')[0]}`;
    const at = e.linePos?.[0];
    const what = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const line = at ? text.value.split(/\r?\n/)[at.line - 1] : undefined;
    return `parse error at ${file}${at ? `:${at.line}:${at.col}` : ''}: ${what}${line !== undefined ? ` (line ${at!.line}: ${JSON.stringify(line.trim())})` : ''}`;
  }
}

/**
 * A map by reference: `builtin:<scenario id>` (that scenario's map), an edgeplan map `.json`, or an
 * importable map (OpenDRIVE `.xodr`, Lanelet2 `.osm`).
 */
export function loadLiveMap(ref: string): RoadMap {
  if (ref.startsWith('builtin:')) {
    const b = builtinScenario(ref.slice('builtin:'.length));
    if (!b) throw new UsageError(`${ref}: no such built-in scenario`);
    return b.map;
  }
  if (extname(ref).toLowerCase() === '.json') {
    const text = readTextFile(ref);
    if (!text.ok) throw new UsageError(formatError(text.error));
    let data: unknown;
    try {
      data = JSON.parse(text.value);
    } catch (e) {
      throw new UsageError(`${ref}: ${(e as Error).message}`);
    }
    const m = RoadMap.fromData(data, ref);
    if (!m.ok) throw new UsageError(formatError(m.error));
    return m.value;
  }
  const imp = importFile(ref);
  if (!imp.ok) throw new UsageError(formatError(imp.error));
  if (!imp.value.map) throw new UsageError(`${ref} holds no road map`);
  const m = RoadMap.fromData(imp.value.map, ref);
  if (!m.ok) throw new UsageError(formatError(m.error));
  return m.value;
}

/** A command stack driver of the registry for live machines; a trajectory planner is refused. */
export type LiveDriver = Extract<ReturnType<typeof createDriver>, { ok: true }>['value'] & { kind: 'stack' };

/**
 * The registry's driver `name` for live missions, made once per process: one model client (a local
 * model loads once) for every robot's and mission's stack. A trajectory planner is refused.
 */
export function liveDriver(name: string, dopts: DriverOptions = {}): LiveDriver {
  const d = createDriver(name, dopts);
  if (!d.ok) throw new UsageError(formatError(d.error));
  const driver = d.value;
  if (driver.kind !== 'stack') {
    throw new UsageError(
      `${name} is a trajectory planner; a live machine needs a command stack (<name>-stack)`,
    );
  }
  return driver;
}

/**
 * A stack factory for live missions: `driver`'s stack, its planner stopping at the goal; every
 * verdict of its gate appended to `audit` when given (one log across the missions).
 */
export function liveStackFactory(
  driver: LiveDriver,
  vehicle: VehicleParams,
  rates: Partial<StackRates>,
  audit?: AuditLog,
): MakeStack {
  return (goal: Pose, route: Route, ego: Pose, map: RoadMap, budget: ApproachBudget) =>
    driver.build(liveScenario(map.id, vehicle, ego, route), map, {
      rates,
      wrap: (p) => withGoalStop(p, goal, undefined, budget),
      ...(audit ? { audit } : {}),
    });
}

/**
 * A live process never waits for a model: its plans fall back to the rules (`LOADING`) until the
 * model can answer; this says when it can, or why it never will.
 */
function reportModel(driver: LiveDriver, f: LlmFlags, log: (line: string) => void): void {
  if (!f.llm || !driver.ready) return;
  void driver.ready().then(
    (why) =>
      log(
        why
          ? `llm ${f.llm}: ${why}; every plan falls back to the rules backend`
          : `llm ${f.llm}: model ready`,
      ),
    (e: unknown) => log(`llm ${f.llm}: ${(e as Error).message}; every plan falls back to the rules backend`),
  );
}

/**
 * The audit log of one robot of several: the robot id before the extension (`audit.jsonl` →
 * `audit.amr1.jsonl`) — each robot's gate has its own chain; one file would interleave them.
 */
export function robotAuditPath(log: string, robot: string, robots: number): string {
  if (robots === 1) return log;
  const ext = extname(log);
  return `${log.slice(0, log.length - ext.length)}.${robot}${ext}`;
}

function readPem(file: string | undefined, flag: string): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as Error).message}`);
  }
}

/** Resolves on SIGINT / SIGTERM. */
const untilSignal = (): Promise<void> =>
  new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

export function register(program: Command, out: Out): void {
  addLlmOptions(program.command('ros'))
    .description(
      'drive a ROS vehicle or robot through rosbridge: odometry, objects, lights, goal in; controls, command, verdict, diagnostics out',
    )
    .requiredOption('--url <ws>', 'rosbridge WebSocket URL, e.g. ws://robot:9090')
    .option(
      '--profile <p>',
      "car (Ackermann / Autoware control) or robot (Twist); default: the config's profile, else car",
    )
    .option('--config <file>', 'bridge YAML: topics, types, frames, rates, vehicle, map (bridge/README.md)')
    .option('--map <file>', 'road map: .xodr, .osm, edgeplan map .json, or builtin:<scenario id>')
    .option('--planner <name>', "command stack from the registry (default: the config's, pdm-closed-stack)")
    .option(
      '--ego-from <src>',
      "odometry (nav_msgs/Odometry) or tf (map → odom → base_link); default: the config's, odometry",
    )
    .option(
      '--connect-timeout <s>',
      'give up (exit 2) when rosbridge is not reached within this many seconds (default: retry for ever)',
    )
    .option(
      '--audit <log>',
      "append every verdict of the gate to this hash-chained audit log (default: the config's audit.log)",
    )
    .option(
      '--audit-key <pem>',
      "ed25519 private key that signs the log's checkpoints, created if missing (default: the config's audit.key); without one the log cannot verify",
    )
    .option('--audit-adopt-tail', 'resume a log whose last records are not signed (after a crash): sign them')
    .option('--audit-max-mb <mb>', AUDIT_MAX_MB_HELP, auditMaxMbArg)
    .action(
      async (
        o: {
          url: string;
          profile?: string;
          connectTimeout?: string;
          config?: string;
          map?: string;
          planner?: string;
          egoFrom?: string;
          audit?: string;
          auditKey?: string;
          auditAdoptTail?: boolean;
          auditMaxMb?: number;
        } & LlmFlags,
      ) => {
        if (o.profile !== undefined && o.profile !== 'car' && o.profile !== 'robot')
          throw new UsageError(`--profile must be car or robot, got "${o.profile}"`);
        // roslib takes anything and retries for ever: a URL it can never open is said here
        if (!/^wss?:\/\/[^/]/.test(o.url))
          throw new UsageError(
            `--url must be a rosbridge WebSocket URL (ws://host:port or wss://…), got "${o.url}"`,
          );
        const connectTimeoutS = o.connectTimeout === undefined ? undefined : Number(o.connectTimeout);
        if (connectTimeoutS !== undefined && !(Number.isFinite(connectTimeoutS) && connectTimeoutS > 0))
          throw new UsageError(
            `--connect-timeout must be a number of seconds > 0, got "${o.connectTimeout}"`,
          );
        if (o.egoFrom !== undefined && o.egoFrom !== 'odometry' && o.egoFrom !== 'tf')
          throw new UsageError(`--ego-from must be odometry or tf, got "${o.egoFrom}"`);
        if (o.config) {
          const bad = await yamlSyntaxError(o.config);
          if (bad) throw new UsageError(bad);
        }
        const { loadRosConfig } = await import('../../bridge/ros/RosConfig.ts');
        const { startRos } = await import('../../bridge/ros/startRos.ts');
        // the command line's profile, else the config's, else car (the schema's default)
        const cfg = loadRosConfig(
          o.config,
          o.profile as Profile | undefined,
          o.egoFrom ? { egoFrom: o.egoFrom } : {},
        );
        if (!cfg.ok) throw new UsageError(formatError(cfg.error));
        const c = cfg.value;
        const mapRef = o.map ?? c.map;
        if (!mapRef) throw new UsageError('a map is needed: --map <file> or map: in the config');
        const map = loadLiveMap(mapRef);
        const vehicle = c.vehicle as VehicleParams;
        const planner = o.planner ?? c.planner;
        const rates = { controlHz: c.rates.controlHz, planHz: c.rates.planHz };
        // a planner that cannot drive, or a model server that does not answer, is refused before a log is opened
        const driver = liveDriver(planner, await driverOptionsFrom([planner], o));
        const auditLog = o.audit ?? c.audit.log;
        const auditKey = o.auditKey ?? c.audit.key;
        if (auditKey && !auditLog)
          throw new UsageError(
            '--audit-key (audit.key) signs an audit log: give one with --audit (audit.log)',
          );
        const audit = auditLog
          ? openAudit(
              {
                log: auditLog,
                key: auditKey,
                adoptTail: o.auditAdoptTail,
                keyFlag: '--audit-key',
                maxMb: o.auditMaxMb,
              },
              out,
            )
          : undefined;
        const makeStack = liveStackFactory(driver, vehicle, rates, audit);
        if (!audit)
          out(
            'edgeplan ros: no audit log (--audit <log> --audit-key <pem>): verdicts are published, not recorded',
          );
        const rosLog = (line: string): void => out(`${new Date().toISOString()} ${line}`);
        const run = startRos({ url: o.url, config: c, map, makeStack, log: rosLog });
        reportModel(driver, o, rosLog);
        out(
          `edgeplan ros: ${c.profile} on map ${map.id}, ${c.egoFrom === 'tf' ? `tf ${c.frames.map} → ${c.frames.baseLink} (${c.topics.tf.name})` : c.topics.odometry.name} → ${c.topics.control.name} (${c.topics.control.type}); goals on ${c.topics.goal.name}; Ctrl-C stops`,
        );
        const signalled = untilSignal();
        if (connectTimeoutS !== undefined) {
          const reached = await Promise.race([
            run.bridge.waitConnected(connectTimeoutS * 1000).then(
              () => true,
              () => false,
            ),
            signalled.then(() => true),
          ]);
          if (!reached) {
            await run.stop();
            driver.close?.();
            audit?.close();
            throw new UsageError(
              `no rosbridge at ${o.url} within ${connectTimeoutS} s (${run.bridge.status.lastFailure ?? 'no answer'})`,
            );
          }
        }
        await signalled;
        await run.stop();
        driver.close?.();
        audit?.close();
        if (audit && auditLog)
          out(`audit log: ${auditLog} (${audit.records} records, head ${audit.headHash})`);
        out('edgeplan ros: stopped');
      },
    );

  addLlmOptions(program.command('mqtt'))
    .description(
      'drive robots over MQTT 5: one stack per robot, missions from the fleet topic to the nearest idle robot; --vda speaks VDA 5050 2.x to a fleet manager',
    )
    .requiredOption('--url <url>', 'broker URL: mqtt://host:1883, mqtts://host:8883 (TLS), ws(s)://…')
    .requiredOption('--robots <ids>', 'comma-separated robot ids (one stack each)')
    .option('--map <file>', 'site map: .xodr, .osm, edgeplan map .json, or builtin:<scenario id>')
    .option('--profile <p>', 'robot (unicycle controls) or car (Ackermann)', 'robot')
    .option('--planner <name>', 'command stack from the registry', 'pdm-closed-stack')
    .option('--control-hz <hz>', 'control rate, Hz', (v) => Number(v), 20)
    .option('--username <u>', 'broker user name')
    .option('--password <p>', 'broker password (or EDGEPLAN_MQTT_PASSWORD)')
    .option('--ca <pem>', 'CA certificate file (TLS)')
    .option('--cert <pem>', 'client certificate file (TLS)')
    .option('--key <pem>', 'client key file (TLS)')
    .option('--share-group <g>', 'read the fleet topic as $share/<g>/… (several processes split missions)')
    .option(
      '--vda',
      'VDA 5050 2.x: robots are AGVs uagv/v2/<manufacturer>/<robot id>/…; orders bring their own graph',
    )
    .option('--manufacturer <m>', 'VDA 5050 manufacturer', 'edgeplan')
    .option(
      '--audit <log>',
      'append every verdict of the gate to this hash-chained audit log; several robots: one log each, the id before the extension (audit.amr1.jsonl)',
    )
    .option(
      '--audit-key <pem>',
      "ed25519 private key that signs the logs' checkpoints, created if missing (--key is the TLS client key); without one the logs cannot verify",
    )
    .option('--audit-adopt-tail', 'resume logs whose last records are not signed (after a crash): sign them')
    .option('--audit-max-mb <mb>', AUDIT_MAX_MB_HELP, auditMaxMbArg)
    .action(
      async (
        o: {
          url: string;
          robots: string;
          map?: string;
          profile: string;
          planner: string;
          controlHz: number;
          username?: string;
          password?: string;
          ca?: string;
          cert?: string;
          key?: string;
          shareGroup?: string;
          vda?: boolean;
          manufacturer: string;
          audit?: string;
          auditKey?: string;
          auditAdoptTail?: boolean;
          auditMaxMb?: number;
        } & LlmFlags,
      ) => {
        if (o.profile !== 'car' && o.profile !== 'robot')
          throw new UsageError(`--profile must be car or robot, got "${o.profile}"`);
        if (!Number.isFinite(o.controlHz) || o.controlHz <= 0)
          throw new UsageError('--control-hz must be > 0');
        const ids = o.robots.split(',').map((s) => s.trim());
        if (ids.length === 0 || ids.every((s) => s === ''))
          throw new UsageError('--robots needs at least one id');
        // an id is a topic level and a client id: a wildcard or separator would read or write other
        // robots' topics, two equal ids two clients that take each other's session over and over
        for (const id of ids)
          if (id === '' || /[/+#]/.test(id) || id.includes('\u0000'))
            throw new UsageError(
              `--robots: "${id}" is not a robot id (empty, or holds / + # or NUL, which MQTT topics reserve)`,
            );
        const dup = ids.find((id, i) => ids.indexOf(id) !== i);
        if (dup !== undefined) throw new UsageError(`--robots: "${dup}" is listed twice`);
        if (!o.map && !o.vda)
          throw new UsageError('a site map is needed (--map), unless --vda (orders bring their graph)');
        const map = o.map ? loadLiveMap(o.map) : VDA_PLACEHOLDER_MAP;
        const { ROBOT_VEHICLE } = await import('../../bridge/ros/RosConfig.ts');
        const { MqttRobot } = await import('../../bridge/mqtt/MqttRobot.ts');
        const { VdaAgent } = await import('../../bridge/vda5050/VdaAgent.ts');
        const { Fleet } = await import('../../bridge/mqtt/Fleet.ts');
        const vehicle = VehicleParamsSchema.parse(o.profile === 'robot' ? ROBOT_VEHICLE : { kind: 'car' });
        const password = o.password ?? process.env['EDGEPLAN_MQTT_PASSWORD'];
        const ca = readPem(o.ca, '--ca');
        const cert = readPem(o.cert, '--cert');
        const key = readPem(o.key, '--key');
        const link: MqttLinkOptions = {
          url: o.url,
          ...(o.username ? { username: o.username } : {}),
          ...(password ? { password } : {}),
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
        };
        if (o.auditKey && !o.audit)
          throw new UsageError('--audit-key signs an audit log: give one with --audit');
        // refused before a log is opened; one driver (one model client) for every robot
        const driver = liveDriver(o.planner, await driverOptionsFrom([o.planner], o));
        const audits = new Map<string, AuditLog>();
        for (const id of o.audit ? ids : [])
          audits.set(
            id,
            openAudit(
              {
                log: robotAuditPath(o.audit!, id, ids.length),
                key: o.auditKey,
                adoptTail: o.auditAdoptTail,
                keyFlag: '--audit-key',
                maxMb: o.auditMaxMb,
              },
              out,
            ),
          );
        if (!o.audit)
          out(
            'edgeplan mqtt: no audit log (--audit <log> --audit-key <pem>): verdicts are published, not recorded',
          );
        const clock = new WallClock();
        const log = (line: string): void => out(`${new Date().toISOString()} ${line}`);
        const agents: VdaAgent[] = [];
        const robots = ids.map((id) => {
          let agent: VdaAgent | undefined;
          const r = new MqttRobot({
            id,
            link,
            map,
            vehicle,
            makeStack: liveStackFactory(driver, vehicle, { controlHz: o.controlHz }, audits.get(id)),
            clock,
            controlHz: o.controlHz,
            log,
            onMission: (e) => {
              log(`${id}: mission ${e.id} ${e.state}${e.message ? ` (${e.message})` : ''}`);
              agent?.missionEvent(e);
            },
          });
          if (o.vda) {
            agent = new VdaAgent({
              robot: r,
              link,
              manufacturer: o.manufacturer,
              serialNumber: id,
              clock,
              log,
            });
            agents.push(agent);
          }
          return r;
        });
        const fleet = o.vda
          ? undefined
          : new Fleet(robots, link, { log, ...(o.shareGroup ? { shareGroup: o.shareGroup } : {}), clock });
        out(
          `edgeplan mqtt: ${ids.length} robot(s) on ${o.url}${o.vda ? ` as VDA 5050 AGVs uagv/v2/${o.manufacturer}/<id>/…` : `; missions on ${topicFor('fleetMission', '')} or ${topicFor('mission', '<id>')}`}; Ctrl-C stops`,
        );
        reportModel(driver, o, log);
        await untilSignal();
        await Promise.all([...agents.map((a) => a.stop()), ...robots.map((r) => r.stop()), fleet?.stop()]);
        driver.close?.();
        for (const [id, a] of audits) {
          a.close();
          out(`audit log: ${a.path} (robot ${id}, ${a.records} records, head ${a.headHash})`);
        }
        out('edgeplan mqtt: stopped');
      },
    );
}

/** The map a VDA 5050 robot holds before its first order (each order brings its graph). */
const VDA_PLACEHOLDER_MAP = new RoadMap({
  id: 'no-order-yet',
  lanes: [
    {
      id: 'none',
      type: 'aisle',
      centerline: [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
      widthM: 1,
      speedLimitMps: 1,
      successors: [],
      predecessors: [],
      leftBoundary: 'none',
      rightBoundary: 'none',
    },
  ],
  crosswalks: [],
  stopLines: [],
  junctions: [],
  drivableAreas: [],
});
