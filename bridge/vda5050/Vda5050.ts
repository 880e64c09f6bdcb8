/**
 * VDA 5050 2.x for edgeplan robots, as data and pure functions: the message schemas (the fields we
 * read are validated, the rest passes), the order-acceptance and order-update rules, progress along
 * the base, the graph map a robot drives on, and the state message. The MQTT adapter is VdaAgent.ts.
 *
 * Rules implemented (VDA 5050 2.0.0 §6.6 "Orders and order update"):
 * - a new orderId is accepted only when the robot has no order in progress (all base nodes
 *   reached), and its first node must be the robot's last node or lie within its
 *   allowedDeviationXY of where the robot stands; else `orderError`;
 * - the same orderId with a lower orderUpdateId is rejected (`orderUpdateError`); the same
 *   orderUpdateId again is a duplicate and ignored; a higher one is an update whose first node must be
 *   the current base's last node (same nodeId and sequenceId) — it replaces the horizon and extends
 *   the base; else `orderUpdateError`;
 * - only released nodes and edges are driven (the base); unreleased ones are the horizon;
 * - a message that does not validate is answered with a `validationError`.
 * Node and edge actions are not executed (edgeplan drives; load handling is not ours): an order
 * that carries one is rejected with an `orderError` naming it, rather than driven without it.
 */
import { z } from 'zod';
import {
  fail,
  type LaneType,
  ok,
  type Pose,
  type Result,
  type RoadMapData,
  RoadMapSchema,
} from '../../core/index.ts';

export const VDA_VERSION = '2.0.0';
export const VDA_INTERFACE = 'uagv';
export const VDA_MAJOR = 'v2';

const num = z.number().finite();
const HeaderFields = {
  headerId: z.number().int().nonnegative(),
  timestamp: z.string(),
  version: z.string(),
  manufacturer: z.string(),
  serialNumber: z.string(),
};

export const ActionSchema = z.object({
  actionType: z.string(),
  actionId: z.string(),
  blockingType: z.enum(['NONE', 'SOFT', 'HARD']).default('HARD'),
  actionDescription: z.string().optional(),
  actionParameters: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
});
export type VdaAction = z.infer<typeof ActionSchema>;

export const NodeSchema = z.object({
  nodeId: z.string(),
  sequenceId: z.number().int().nonnegative(),
  released: z.boolean(),
  nodePosition: z
    .object({
      x: num,
      y: num,
      theta: num.optional(),
      allowedDeviationXY: num.nonnegative().optional(),
      allowedDeviationTheta: num.nonnegative().optional(),
      mapId: z.string(),
    })
    .optional(),
  actions: z.array(ActionSchema).default([]),
});
export type VdaNode = z.infer<typeof NodeSchema>;

export const EdgeSchema = z.object({
  edgeId: z.string(),
  sequenceId: z.number().int().nonnegative(),
  released: z.boolean(),
  startNodeId: z.string(),
  endNodeId: z.string(),
  maxSpeed: num.positive().optional(),
  actions: z.array(ActionSchema).default([]),
});
export type VdaEdge = z.infer<typeof EdgeSchema>;

export const OrderSchema = z.object({
  ...HeaderFields,
  orderId: z.string().min(1),
  orderUpdateId: z.number().int().nonnegative(),
  zoneSetId: z.string().optional(),
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema),
});
export type VdaOrder = z.infer<typeof OrderSchema>;

export const InstantActionsSchema = z.object({ ...HeaderFields, actions: z.array(ActionSchema) });
export type VdaInstantActions = z.infer<typeof InstantActionsSchema>;

export interface VdaError {
  errorType: string;
  errorLevel: 'WARNING' | 'FATAL';
  errorDescription: string;
  errorReferences: { referenceKey: string; referenceValue: string }[];
}

export interface ActionState {
  actionId: string;
  actionType: string;
  actionStatus: 'WAITING' | 'INITIALIZING' | 'RUNNING' | 'PAUSED' | 'FINISHED' | 'FAILED';
  resultDescription?: string;
}

/** The robot's order: what is left of it and where it stands. */
export interface OrderProgress {
  orderId: string;
  orderUpdateId: number;
  /** Nodes not yet reached (the base first, then the horizon), in sequence order. */
  nodes: VdaNode[];
  /** Edges not yet completed, in sequence order. */
  edges: VdaEdge[];
  /** Every node and edge of the order so far (the graph the robot drives on). */
  graphNodes: VdaNode[];
  graphEdges: VdaEdge[];
  lastNodeId: string;
  lastNodeSequenceId: number;
}

export const NO_ORDER: OrderProgress = {
  orderId: '',
  orderUpdateId: 0,
  nodes: [],
  edges: [],
  graphNodes: [],
  graphEdges: [],
  lastNodeId: '',
  lastNodeSequenceId: 0,
};

const err = (errorType: string, description: string, refs: Record<string, string>): VdaError => ({
  errorType,
  errorLevel: 'WARNING',
  errorDescription: description,
  errorReferences: Object.entries(refs).map(([referenceKey, referenceValue]) => ({
    referenceKey,
    referenceValue,
  })),
});

/** The base's last node (the last released node), if any. */
export function baseEnd(p: OrderProgress): VdaNode | undefined {
  let last: VdaNode | undefined;
  for (const n of p.nodes) if (n.released) last = n;
  return last;
}

/** The order is in progress: base nodes remain to be reached. */
export function orderActive(p: OrderProgress): boolean {
  return p.nodes.some((n) => n.released);
}

export type OrderDecision =
  | { kind: 'accept'; progress: OrderProgress }
  | { kind: 'update'; progress: OrderProgress }
  | { kind: 'duplicate' }
  | { kind: 'reject'; error: VdaError };

/**
 * Decides on an order given the progress so far and the robot's position (see the module comment
 * for the rules). Pure.
 */
export function decideOrder(
  p: OrderProgress,
  o: VdaOrder,
  robot: { x: number; y: number } | undefined,
): OrderDecision {
  const refs = { orderId: o.orderId, orderUpdateId: String(o.orderUpdateId) };
  const withAction = [...o.nodes, ...o.edges].flatMap((x) => x.actions);
  if (withAction.length > 0)
    return {
      kind: 'reject',
      error: err(
        'orderError',
        `action "${withAction[0]!.actionType}" is not supported: edgeplan drives, it handles no loads`,
        {
          ...refs,
          actionId: withAction[0]!.actionId,
        },
      ),
    };
  const nodes = [...o.nodes].sort((a, b) => a.sequenceId - b.sequenceId);
  const edges = [...o.edges].sort((a, b) => a.sequenceId - b.sequenceId);
  if (nodes.some((n) => n.released && !n.nodePosition))
    return {
      kind: 'reject',
      error: err('validationError', 'every released node needs a nodePosition', refs),
    };
  if (o.orderId !== p.orderId) {
    if (orderActive(p))
      return {
        kind: 'reject',
        error: err(
          'orderError',
          `order ${p.orderId} is still in progress; a new order must wait for it`,
          refs,
        ),
      };
    const first = nodes[0]!;
    const dev = first.nodePosition?.allowedDeviationXY ?? 1.0;
    const here =
      first.nodeId === p.lastNodeId ||
      (robot &&
        first.nodePosition &&
        Math.hypot(first.nodePosition.x - robot.x, first.nodePosition.y - robot.y) <= dev);
    if (!here)
      return {
        kind: 'reject',
        error: err(
          'orderError',
          `the first node ${first.nodeId} is neither the last node nor within ${dev} m of the robot`,
          {
            ...refs,
            nodeId: first.nodeId,
          },
        ),
      };
    // the first node is reached on acceptance (the robot stands on it)
    const [start, ...rest] = nodes;
    return {
      kind: 'accept',
      progress: {
        orderId: o.orderId,
        orderUpdateId: o.orderUpdateId,
        nodes: rest,
        edges,
        graphNodes: nodes,
        graphEdges: edges,
        lastNodeId: start!.nodeId,
        lastNodeSequenceId: start!.sequenceId,
      },
    };
  }
  if (o.orderUpdateId < p.orderUpdateId)
    return {
      kind: 'reject',
      error: err('orderUpdateError', `orderUpdateId ${o.orderUpdateId} < ${p.orderUpdateId}`, refs),
    };
  if (o.orderUpdateId === p.orderUpdateId) return { kind: 'duplicate' };
  const end = baseEnd(p) ?? { nodeId: p.lastNodeId, sequenceId: p.lastNodeSequenceId };
  const first = nodes[0]!;
  if (first.nodeId !== end.nodeId || first.sequenceId !== end.sequenceId)
    return {
      kind: 'reject',
      error: err(
        'orderUpdateError',
        `the update starts at ${first.nodeId}/${first.sequenceId}, not at the base end ${end.nodeId}/${end.sequenceId}`,
        refs,
      ),
    };
  // keep the base up to its end, replace everything after it
  const keptNodes = p.nodes.filter((n) => n.released && n.sequenceId < first.sequenceId);
  const keptEdges = p.edges.filter((e) => e.released && e.sequenceId < first.sequenceId);
  const reachedStitch = p.lastNodeSequenceId === first.sequenceId;
  const newNodes = reachedStitch ? nodes.slice(1) : nodes;
  const graphNodes = [...p.graphNodes.filter((n) => n.sequenceId < first.sequenceId), ...nodes];
  const graphEdges = [...p.graphEdges.filter((e) => e.sequenceId < first.sequenceId), ...edges];
  return {
    kind: 'update',
    progress: {
      ...p,
      orderUpdateId: o.orderUpdateId,
      nodes: [...keptNodes, ...newNodes],
      edges: [...keptEdges, ...edges],
      graphNodes,
      graphEdges,
    },
  };
}

/** The robot reached `node` (the next one in sequence): it becomes the last node, its edge is done. */
export function nodeReached(p: OrderProgress, node: VdaNode): OrderProgress {
  return {
    ...p,
    nodes: p.nodes.filter((n) => n.sequenceId > node.sequenceId),
    edges: p.edges.filter((e) => e.sequenceId > node.sequenceId),
    lastNodeId: node.nodeId,
    lastNodeSequenceId: node.sequenceId,
  };
}

/** The order is cancelled: nothing left to drive (the last node stays). */
export function cancelled(p: OrderProgress): OrderProgress {
  return { ...p, nodes: [], edges: [] };
}

/** Lane id of an edge in the graph map. */
export const laneIdOf = (e: VdaEdge): string => `${e.edgeId}@${e.sequenceId}`;

/**
 * The map a robot drives an order on: each released edge a straight lane from its start node to
 * its end node (`widthM` wide, type aisle, its maxSpeed or `maxSpeedMps`), lanes joined at shared
 * nodes, and a drivable pad around each node. Result: the map data and the lane ids of the base in order.
 */
export function orderGraphMap(
  p: OrderProgress,
  widthM: number,
  maxSpeedMps: number,
  laneType: LaneType = 'aisle',
): Result<{ map: RoadMapData; laneIds: string[] }> {
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of p.graphNodes) if (n.nodePosition) pos.set(`${n.nodeId}@${n.sequenceId}`, n.nodePosition);
  const bySeq = new Map<number, VdaNode>(p.graphNodes.map((n) => [n.sequenceId, n]));
  const edges = p.graphEdges.filter((e) => e.released);
  if (edges.length === 0) return fail('NO_ROUTE', 'order.edges', 'no released edge to drive');
  const lanes = edges.map((e) => {
    const a = bySeq.get(e.sequenceId - 1);
    const b = bySeq.get(e.sequenceId + 1);
    const pa = a && pos.get(`${a.nodeId}@${a.sequenceId}`);
    const pb = b && pos.get(`${b.nodeId}@${b.sequenceId}`);
    return { e, pa, pb };
  });
  const bad = lanes.find((l) => !l.pa || !l.pb || Math.hypot(l.pb.x - l.pa.x, l.pb.y - l.pa.y) < 0.05);
  if (bad)
    return fail(
      'INVALID_INPUT',
      `order.edges.${bad.e.edgeId}`,
      'an edge needs two positioned nodes at least 5 cm apart',
    );
  const data = {
    id: `vda-${p.orderId}-${p.orderUpdateId}`,
    lanes: lanes.map(({ e, pa, pb }, i) => ({
      id: laneIdOf(e),
      type: laneType,
      centerline: [pa!, pb!],
      widthM,
      speedLimitMps: Math.min(maxSpeedMps, e.maxSpeed ?? maxSpeedMps),
      successors: lanes[i + 1] ? [laneIdOf(lanes[i + 1]!.e)] : [],
      predecessors: lanes[i - 1] ? [laneIdOf(lanes[i - 1]!.e)] : [],
      leftBoundary: 'none',
      rightBoundary: 'none',
    })),
    // a square pad of the lane width around each node: a robot stands (and turns) on its node,
    // with its footprint beyond the lane's end
    drivableAreas: [...pos.values()].map((q) => [
      { x: q.x - widthM, y: q.y - widthM },
      { x: q.x + widthM, y: q.y - widthM },
      { x: q.x + widthM, y: q.y + widthM },
      { x: q.x - widthM, y: q.y + widthM },
    ]),
    source: 'VDA 5050 order graph',
  };
  const parsed = RoadMapSchema.safeParse(data);
  if (!parsed.success) return fail('INVALID_INPUT', 'order', parsed.error.issues[0]!.message);
  return ok({ map: parsed.data, laneIds: lanes.map((l) => laneIdOf(l.e)) });
}

/** A node's pose (theta when given, else the heading of the edge into it). */
export function nodePose(n: VdaNode, prev: { x: number; y: number } | undefined): Pose {
  const p = n.nodePosition!;
  const h = p.theta ?? (prev ? Math.atan2(p.y - prev.y, p.x - prev.x) : 0);
  return { x: p.x, y: p.y, headingRad: h };
}
