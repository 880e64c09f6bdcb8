/**
 * `edgeplan ros` and `edgeplan mqtt`: connect the stack to real machines (bridge/README.md). The
 * bridges take a stack factory; this file builds it from the stack registry and loads the map.
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { MakeStack } from '../../bridge/LiveDriver.ts';
import { liveScenario, withGoalStop } from '../../bridge/Mission.ts';
import { loadRosConfig, type Profile } from '../../bridge/ros/RosConfig.ts';
import { startRos } from '../../bridge/ros/startRos.ts';
import { formatError, type Pose, type Route, type VehicleParams } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { readTextFile } from '../../core/readTextFile.ts';
import { builtinScenario } from '../../scenarios/builtin/index.ts';
import { importFile } from '../../scenarios/import/index.ts';
import { createDriver, type StackRates } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';

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

/** A stack factory for live missions: the registry's stack `name`, its planner stopping at the goal. */
export function liveStackFactory(
  name: string,
  vehicle: VehicleParams,
  rates: Partial<StackRates>,
): MakeStack {
  const d = createDriver(name);
  if (!d.ok) throw new UsageError(formatError(d.error));
  const driver = d.value;
  if (driver.kind !== 'stack')
    throw new UsageError(
      `${name} is a trajectory planner; a live machine needs a command stack (<name>-stack)`,
    );
  return (goal: Pose, route: Route, ego: Pose, map: RoadMap) =>
    driver.build(liveScenario(map.id, vehicle, ego, route), map, {
      rates,
      wrap: (p) => withGoalStop(p, goal),
    });
}

export function register(program: Command, out: Out): void {
  program
    .command('ros')
    .description(
      'drive a ROS vehicle or robot through rosbridge: odometry, objects, lights, goal in; controls, command, verdict, diagnostics out',
    )
    .requiredOption('--url <ws>', 'rosbridge WebSocket URL, e.g. ws://robot:9090')
    .option('--profile <p>', 'car (Ackermann / Autoware control) or robot (Twist)', 'car')
    .option('--config <file>', 'bridge YAML: topics, types, frames, rates, vehicle, map (bridge/README.md)')
    .option('--map <file>', 'road map: .xodr, .osm, edgeplan map .json, or builtin:<scenario id>')
    .option('--planner <name>', "command stack from the registry (default: the config's, pdm-closed-stack)")
    .action(async (o: { url: string; profile: string; config?: string; map?: string; planner?: string }) => {
      if (o.profile !== 'car' && o.profile !== 'robot')
        throw new UsageError(`--profile must be car or robot, got "${o.profile}"`);
      const cfg = loadRosConfig(o.config, o.profile as Profile);
      if (!cfg.ok) throw new UsageError(formatError(cfg.error));
      const c = cfg.value;
      const mapRef = o.map ?? c.map;
      if (!mapRef) throw new UsageError('a map is needed: --map <file> or map: in the config');
      const map = loadLiveMap(mapRef);
      const vehicle = c.vehicle as VehicleParams;
      const makeStack = liveStackFactory(o.planner ?? c.planner, vehicle, {
        controlHz: c.rates.controlHz,
        planHz: c.rates.planHz,
      });
      const run = startRos({
        url: o.url,
        config: c,
        map,
        makeStack,
        log: (line) => out(`${new Date().toISOString()} ${line}`),
      });
      out(
        `edgeplan ros: ${c.profile} on map ${map.id}, ${c.topics.odometry.name} → ${c.topics.control.name} (${c.topics.control.type}); goals on ${c.topics.goal.name}; Ctrl-C stops`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await run.stop();
      out('edgeplan ros: stopped');
    });
}
