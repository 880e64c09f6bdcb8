/**
 * Exports a run log to MCAP with Foxglove's JSON schemas, so that a run opens in Foxglove or
 * Lichtblick (3D, Log and Plot panels):
 *   /map      foxglove.SceneUpdate   once: lane edges and boundaries as LinePrimitive, crosswalks
 *   /scene    foxglove.SceneUpdate   per tick: agents as CubePrimitive (coloured by kind), ego, plan
 *   /tf       foxglove.FrameTransform per tick: map → base_link (REP-105 names; base_link is the
 *                                     rear-axle centre on the ground, x forward, as Autoware's)
 *   /log      foxglove.Log           command changes, vetoes, collisions
 *   /metrics  edgeplan.TickMetrics   per tick: ego speed / accel / jerk, TTC (for the Plot panel)
 *   /command  edgeplan.MidLevelCommand per tick with one: the command in force (planners that emit one)
 *   /verdict  edgeplan.Verdict        per tick with one: the safety gate's verdict (gated runs),
 *                                     ALLOW, MODIFY (with the repaired command) and VETO alike
 * The last two are written only when the run log has commands / verdicts; their JSON schemas are
 * made from the core contracts (zod), with a foxglove-style `timestamp` added.
 * Message encoding JSON, schema encoding jsonschema (MCAP spec, "well-known encodings"). Log time
 * = the time base + simulation time. The time base is the scenario's start time when the run log
 * has one (`startUnixS`, from a recorded log), else the export time handed in (`nowUnixS`), so that
 * players show a real date, not 1970; which one was used is returned and written as MCAP metadata
 * `edgeplan.time`. A time base given by the caller (`startUnixS`: `edgeplan export --time-base zero |
 * <unix s>`) replaces both: two exports of one log with it are byte-identical.
 */
import { writeFileSync } from 'node:fs';
import foxglove from '@foxglove/schemas/jsonschema.js';
import { McapWriter } from '@mcap/core';
import { z } from 'zod';
import { fail, MidLevelCommandSchema, ok, type Result, VerdictSchema } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/RoadMap.ts';
import type { RunLog } from './RunLog.ts';

export interface McapExportSummary {
  path: string;
  bytes: number;
  /** Messages written per topic. */
  messages: Record<string, number>;
  /** What log time 0 of the simulation is: the scenario's start time or the export time. */
  timeBase: { source: 'scenario start' | 'export time' | 'given'; startUnixS: number };
}

export interface McapExportOptions {
  /** The export time (Unix seconds), used as the time base when the log has no `startUnixS`. */
  nowUnixS: number;
  /** A fixed time base (Unix seconds) instead of the scenario's start or the export time. */
  startUnixS?: number;
  /**
   * The ego's frame (child of `map` on /tf, the frame of the ego's cube): `base_link` by default,
   * REP-105's name for the vehicle body, which a URDF attaches to; its origin is the rear-axle centre
   * on the ground (x forward, y left), as in Autoware and nuPlan. Releases before 2026-12-06 wrote `ego`.
   */
  egoFrameId?: string;
}

type Rgba = { r: number; g: number; b: number; a: number };
const rgba = (hex: number, a = 1): Rgba => ({
  r: ((hex >> 16) & 255) / 255,
  g: ((hex >> 8) & 255) / 255,
  b: (hex & 255) / 255,
  a,
});
/** Same colours as the viewer (viewer/src/palette.ts) so that both read alike. */
const KIND_COLOUR: Record<string, number> = {
  vehicle: 0x4a90e2,
  pedestrian: 0xffd60a,
  cyclist: 0x2ec4b6,
  robot: 0xb084f5,
  static: 0x9aa5b1,
};
const HEIGHT_M: Record<string, number> = {
  vehicle: 1.6,
  pedestrian: 1.8,
  cyclist: 1.7,
  robot: 1.2,
  static: 1.8,
};

/** Log time of simulation time `tS` after the time base `baseNs` (ns since the Unix epoch). */
const timeAt = (baseNs: bigint, tS: number) => {
  const ns = baseNs + BigInt(Math.round(tS * 1e9));
  return { ns, stamp: { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) } };
};
const quatOfYaw = (yawRad: number) => ({ x: 0, y: 0, z: Math.sin(yawRad / 2), w: Math.cos(yawRad / 2) });
const pose = (x: number, y: number, z: number, yawRad: number) => ({
  position: { x, y, z },
  orientation: quatOfYaw(yawRad),
});

/** A SceneEntity with every primitive list present (the JSON schema lists them all). */
function entity(
  id: string,
  stamp: { sec: number; nsec: number },
  frameId: string,
  parts: Record<string, unknown[]>,
) {
  return {
    timestamp: stamp,
    frame_id: frameId,
    id,
    lifetime: { sec: 0, nsec: 0 },
    frame_locked: false,
    metadata: [],
    arrows: [],
    cubes: [],
    spheres: [],
    cylinders: [],
    lines: [],
    triangles: [],
    texts: [],
    models: [],
    ...parts,
  };
}

const line = (pts: ReadonlyArray<{ x: number; y: number }>, hex: number, thicknessM: number, z = 0.02) => ({
  type: 0, // LINE_STRIP
  pose: pose(0, 0, 0, 0),
  thickness: thicknessM,
  scale_invariant: false,
  points: pts.map((p) => ({ x: p.x, y: p.y, z })),
  color: rgba(hex),
  colors: [],
  indices: [],
});

const TICK_METRICS_SCHEMA = {
  title: 'edgeplan.TickMetrics',
  description: 'Per-tick ego signals and nuPlan TTC of an edgeplan run',
  type: 'object',
  properties: {
    timestamp: { type: 'object', properties: { sec: { type: 'integer' }, nsec: { type: 'integer' } } },
    speedMps: { type: 'number' },
    accelMps2: { type: 'number' },
    jerkMps3: { type: 'number' },
    ttcS: { type: ['number', 'null'], description: 'null = no collision within the 3 s horizon' },
  },
};

const TIMESTAMP = { type: 'object', properties: { sec: { type: 'integer' }, nsec: { type: 'integer' } } };

/** A JSON schema for MCAP from a core contract, stamped as foxglove messages are. */
function contractSchema(title: string, description: string, schema: z.ZodType) {
  const j = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    $schema?: string;
  };
  const { $schema: _draft, ...rest } = j;
  return { title, description, ...rest, properties: { timestamp: TIMESTAMP, ...rest.properties } };
}

const COMMAND_SCHEMA = contractSchema(
  'edgeplan.MidLevelCommand',
  "The mid-level command in force on a tick of an edgeplan run (core's MidLevelCommandSchema)",
  MidLevelCommandSchema,
);
const VERDICT_SCHEMA = contractSchema(
  'edgeplan.Verdict',
  "The safety gate's verdict on a tick of an edgeplan run (core's VerdictSchema): rules that fired, values, repaired command",
  VerdictSchema,
);

/**
 * Writes `log` (on `map`) to `outPath` as MCAP. Returns what was written per topic; an I/O failure
 * is a Result, not a throw.
 */
export async function exportMcap(
  log: RunLog,
  map: RoadMap,
  outPath: string,
  opts: McapExportOptions,
): Promise<Result<McapExportSummary>> {
  const timeBase =
    opts.startUnixS !== undefined
      ? { source: 'given' as const, startUnixS: opts.startUnixS }
      : log.startUnixS !== undefined
        ? { source: 'scenario start' as const, startUnixS: log.startUnixS }
        : { source: 'export time' as const, startUnixS: opts.nowUnixS };
  // Whole milliseconds of the base, so that tick stamps stay exact multiples of the 0.1 s step.
  const egoFrame = opts.egoFrameId ?? 'base_link';
  const baseNs = BigInt(Math.round(timeBase.startUnixS * 1000)) * 1_000_000n;
  const time = (tS: number) => timeAt(baseNs, tS);
  const chunks: Uint8Array[] = [];
  let size = 0n;
  const writer = new McapWriter({
    writable: {
      position: () => size,
      write: async (b: Uint8Array) => {
        chunks.push(b.slice());
        size += BigInt(b.byteLength);
      },
    },
    useChunks: true,
    useStatistics: true,
  });
  await writer.start({ profile: '', library: 'edgeplan' });
  await writer.addMetadata({
    name: 'edgeplan.time',
    metadata: new Map([
      ['timeBase', timeBase.source],
      ['startUnixS', String(timeBase.startUnixS)],
      ['startIso', new Date(timeBase.startUnixS * 1000).toISOString()],
    ]),
  });
  const counts: Record<string, number> = {};
  const channels: Record<string, number> = {};
  const reg = async (topic: string, schema: { title: string }) => {
    const schemaId = await writer.registerSchema({
      name: schema.title,
      encoding: 'jsonschema',
      data: new TextEncoder().encode(JSON.stringify(schema)),
    });
    channels[topic] = await writer.registerChannel({
      topic,
      schemaId,
      messageEncoding: 'json',
      metadata: new Map(),
    });
    counts[topic] = 0;
  };
  await reg('/map', foxglove.SceneUpdate);
  await reg('/scene', foxglove.SceneUpdate);
  await reg('/tf', foxglove.FrameTransform);
  await reg('/log', foxglove.Log);
  await reg('/metrics', TICK_METRICS_SCHEMA);
  const hasCommands = log.ticks.some((t) => t.command !== undefined);
  const hasVerdicts = log.ticks.some((t) => t.verdict !== undefined);
  if (hasCommands) await reg('/command', COMMAND_SCHEMA);
  if (hasVerdicts) await reg('/verdict', VERDICT_SCHEMA);
  let seq = 0;
  const put = async (topic: string, ns: bigint, msg: unknown) => {
    await writer.addMessage({
      channelId: channels[topic]!,
      sequence: seq++,
      logTime: ns,
      publishTime: ns,
      data: new TextEncoder().encode(JSON.stringify(msg)),
    });
    counts[topic]!++;
  };

  // Static map, once.
  const t0 = time(log.ticks[0]!.tS);
  const lines = [];
  for (const l of map.lanes) {
    const half = l.data.widthM / 2;
    if (l.data.leftBoundary !== 'none') lines.push(line(l.line.offset(half).points(), 0xeeeeee, 0.15));
    if (l.data.rightBoundary !== 'none') lines.push(line(l.line.offset(-half).points(), 0xeeeeee, 0.15));
    lines.push(line(l.line.points(), 0x50555d, l.data.widthM * 0.95, 0));
  }
  for (const c of map.data.crosswalks) lines.push(line([...c.polygon, c.polygon[0]!], 0xd8d8d8, 0.4, 0.03));
  await put('/map', t0.ns, { deletions: [], entities: [entity('map', t0.stamp, 'map', { lines })] });

  // Per tick: scene, transform, metrics; log lines on changes.
  const per = log.metrics?.perTick;
  let prevCommand = '';
  for (const [k, t] of log.ticks.entries()) {
    const { ns, stamp } = time(t.tS);
    const cubes = t.agents.map((a) => ({
      pose: pose(a.x, a.y, (HEIGHT_M[a.kind] ?? 1.6) / 2, a.headingRad),
      size: { x: a.lengthM, y: a.widthM, z: HEIGHT_M[a.kind] ?? 1.6 },
      color: rgba(KIND_COLOUR[a.kind] ?? 0x9aa5b1),
    }));
    const texts = t.agents.map((a) => ({
      pose: pose(a.x, a.y, 2.5, 0),
      billboard: true,
      font_size: 12,
      scale_invariant: true,
      color: rgba(0xffffff),
      text: a.id,
    }));
    const c = log.vehicle.rearAxleToCenterM;
    const egoCube = {
      pose: pose(c, 0, 0.85, 0),
      size: { x: log.vehicle.lengthM, y: log.vehicle.widthM, z: 1.7 },
      color: rgba(0xff7a00),
    };
    const planPts: { x: number; y: number }[] = [];
    for (let i = 0; i + 2 < (t.plan?.length ?? 0); i += 3)
      planPts.push({ x: t.plan![i]!, y: t.plan![i + 1]! });
    const entities = [
      entity('agents', stamp, 'map', { cubes, texts }),
      entity('ego', stamp, egoFrame, { cubes: [egoCube] }),
      entity('plan', stamp, 'map', { lines: planPts.length >= 2 ? [line(planPts, 0x00e0ff, 0.6, 0.1)] : [] }),
    ];
    await put('/scene', ns, { deletions: [], entities });
    await put('/tf', ns, {
      timestamp: stamp,
      parent_frame_id: 'map',
      child_frame_id: egoFrame,
      translation: { x: t.ego.x, y: t.ego.y, z: 0 },
      rotation: quatOfYaw(t.ego.headingRad),
    });
    await put('/metrics', ns, {
      timestamp: stamp,
      speedMps: t.ego.speedMps,
      accelMps2: per?.lonAccelMps2[k] ?? t.ego.accelMps2,
      jerkMps3: per?.lonJerkMps3[k] ?? 0,
      ttcS: per?.ttcS[k] ?? null,
    });
    const logLine = async (level: number, message: string) =>
      put('/log', ns, { timestamp: stamp, level, message, name: 'edgeplan', file: '', line: 0 });
    if (t.command) await put('/command', ns, { timestamp: stamp, ...t.command });
    if (t.verdict) await put('/verdict', ns, { timestamp: stamp, ...t.verdict });
    if (t.command) {
      const key = `${t.command.speed} ${t.command.path}`;
      if (key !== prevCommand) await logLine(2, `command ${key}: ${t.command.rationale}`);
      prevCommand = key;
    }
    if (t.verdict?.decision === 'VETO')
      await logLine(
        3,
        `VETO ${t.verdict.rules
          .filter((r) => r.decision === 'VETO')
          .map((r) => r.rule)
          .join(', ')}: ${t.verdict.explanation}`,
      );
    for (const col of log.metrics?.details.collisions ?? [])
      if (col.tick === k)
        await logLine(4, `collision with ${col.agentId} (${col.type}${col.atFault ? ', ego at fault' : ''})`);
  }
  await writer.end();
  const bytes = Buffer.concat(chunks);
  try {
    writeFileSync(outPath, bytes);
  } catch (e) {
    return fail('IO_ERROR', outPath, String((e as Error).message));
  }
  return ok({ path: outPath, bytes: bytes.byteLength, messages: counts, timeBase });
}
