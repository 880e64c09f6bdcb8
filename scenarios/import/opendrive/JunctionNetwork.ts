/**
 * Junction connections of an OpenDRIVE map (ASAM OpenDRIVE 1.8 §10) as esmini's RoadManager holds
 * them after loading: the file's `<connection>`s, plus the counter connections esmini adds
 * (OpenDrive::CheckConnections → CheckJunctionConnection) so that a connecting road can also be
 * entered from the road at its other end. Road-network queries (moves along s through junctions,
 * the shortest road path) read the connections through this list, so they find the same roads
 * esmini does — including connecting roads a file lists only in one direction.
 */
import type { RoadDef, RoadLink } from './OpenDriveMap.ts';

export interface JunctionLaneLink {
  from: number;
  to: number;
}

/** One connection: incoming road → connecting road, entered at the connecting road's contact point. */
export interface JunctionConnection {
  incomingRoadId: string;
  connectingRoadId: string;
  contactPoint: 'start' | 'end';
  laneLinks: JunctionLaneLink[];
}

export interface JunctionDef {
  id: string;
  type: 'default' | 'direct';
  connections: JunctionConnection[];
}

/**
 * Adds esmini's counter connections to `junctions` (in place, in esmini's order: roads in file
 * order, each road's predecessor then successor link, each junction connection of that road as
 * incoming road). Default junctions: a connecting road whose other end reaches another road of the
 * junction gets a connection from that road (lane links from the connecting road's own lane links
 * at that end), unless one exists. Direct junctions: the linked road gets the reverse connection.
 */
export function addCounterConnections(roads: readonly RoadDef[], junctions: JunctionDef[]): void {
  const byId = new Map(roads.map((r) => [r.id, r]));
  const junctionById = new Map(junctions.map((j) => [j.id, j]));
  const check = (junction: JunctionDef, connection: JunctionConnection): void => {
    const road = byId.get(connection.connectingRoadId);
    const incoming = byId.get(connection.incomingRoadId);
    if (!road || !incoming) return;
    const links: (RoadLink | undefined)[] = [road.pred, road.succ];
    for (let i = 0; i < 2; i++) {
      const link = links[i];
      if (!link) continue;
      if (junction.type === 'direct') {
        // esmini: a linked road pointing back to this junction gets the reverse connection.
        if (link.type !== 'junction' || link.id !== junction.id) continue;
        const cp = incoming.succ?.type === 'junction' && incoming.succ.id === junction.id ? 'end' : 'start';
        const exists = junction.connections.some(
          (c) => c.connectingRoadId === connection.incomingRoadId && c.incomingRoadId === road.id,
        );
        if (!exists)
          junction.connections.push({
            incomingRoadId: road.id,
            connectingRoadId: connection.incomingRoadId,
            contactPoint: cp,
            laneLinks: connection.laneLinks.map((l) => ({ from: l.to, to: l.from })),
          });
        continue;
      }
      if (link.type === 'road') {
        if (link.id === connection.incomingRoadId) continue;
        const other = byId.get(link.id);
        if (!other) return;
        for (const l2 of [other.pred, other.succ]) {
          if (l2?.type !== 'junction' || l2.id !== junction.id) continue;
          // esmini stops checking this connection once the other road already shares the connecting road.
          if (
            junction.connections.some(
              (c) => c.incomingRoadId === other.id && c.connectingRoadId === connection.connectingRoadId,
            )
          )
            return;
          const sec = i === 0 ? road.sections[0] : road.sections[road.sections.length - 1];
          const laneLinks: JunctionLaneLink[] = [];
          for (const lane of sec?.lanes ?? []) {
            const to = i === 0 ? lane.pred : lane.succ;
            if (to !== undefined) laneLinks.push({ from: to, to: lane.id });
          }
          if (laneLinks.length > 0)
            junction.connections.push({
              incomingRoadId: other.id,
              connectingRoadId: road.id,
              contactPoint: connection.contactPoint === 'end' ? 'start' : 'end',
              laneLinks,
            });
        }
      } else if (link.type === 'junction') {
        // A connecting road leading into a second junction: that junction's connections from this
        // connecting road, reversed.
        const j2 = junctionById.get(link.id);
        if (!j2) return;
        for (const c2 of j2.connections) {
          if (c2.incomingRoadId !== road.id) continue;
          if (
            junction.connections.some(
              (c) => c.incomingRoadId === c2.connectingRoadId && c.connectingRoadId === c2.incomingRoadId,
            )
          )
            return;
          if (c2.laneLinks.length > 0)
            junction.connections.push({
              incomingRoadId: c2.connectingRoadId,
              connectingRoadId: c2.incomingRoadId,
              contactPoint: c2.contactPoint,
              laneLinks: c2.laneLinks.map((l) => ({ from: l.to, to: l.from })),
            });
        }
      }
    }
  };
  for (const road of roads) {
    for (const link of [road.pred, road.succ]) {
      if (link?.type !== 'junction') continue;
      const junction = junctionById.get(link.id);
      if (!junction) continue;
      const n = junction.connections.length;
      for (let i = 0; i < n; i++) {
        const c = junction.connections[i]!;
        if (c.incomingRoadId === road.id) check(junction, c);
      }
    }
  }
}
