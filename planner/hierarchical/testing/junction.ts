/**
 * A junction for the crossing-path tests. The ego's road runs north along x = 0 (E0 up to y = 0,
 * the junction lane E1 to y = 30, E2 on); a road from the east comes in westbound along y = 15
 * (A0, from x = 40 to 12) and forks there: T turns right (a quarter circle of radius 8.5 m about
 * (12, 23.5)) into N, northbound along x = 3.5 beside the ego's road; L goes straight on west
 * across the ego's road. Lanes 3.5 m wide.
 */
import { RoadMapSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/index.ts';

export const TURN_CENTRE = { x: 12, y: 23.5 };
export const TURN_RADIUS_M = 8.5;

/** Centre and heading of a car on T `deg` degrees into its quarter turn (0: its start, 90: its end). */
export function onTurn(deg: number): { x: number; y: number; headingRad: number } {
  const phi = (-(90 + deg) * Math.PI) / 180;
  return {
    x: TURN_CENTRE.x + TURN_RADIUS_M * Math.cos(phi),
    y: TURN_CENTRE.y + TURN_RADIUS_M * Math.sin(phi),
    headingRad: Math.atan2(-Math.cos(phi), Math.sin(phi)),
  };
}

function arc(): { x: number; y: number }[] {
  const pts = [];
  for (let k = 0; k <= 18; k++) {
    const p = onTurn((k / 18) * 90);
    pts.push({ x: p.x, y: p.y });
  }
  return pts;
}

export function junctionMap(): RoadMap {
  const lane = (id: string, centerline: { x: number; y: number }[], successors: string[] = []) => ({
    id,
    centerline,
    widthM: 3.5,
    speedLimitMps: 13,
    successors,
  });
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'junction',
      lanes: [
        lane(
          'E0',
          [
            { x: 0, y: -40 },
            { x: 0, y: 0 },
          ],
          ['E1'],
        ),
        lane(
          'E1',
          [
            { x: 0, y: 0 },
            { x: 0, y: 30 },
          ],
          ['E2'],
        ),
        lane('E2', [
          { x: 0, y: 30 },
          { x: 0, y: 80 },
        ]),
        lane(
          'A0',
          [
            { x: 40, y: 15 },
            { x: 12, y: 15 },
          ],
          ['T', 'L'],
        ),
        lane('T', arc(), ['N']),
        lane('N', [
          { x: 3.5, y: 23.5 },
          { x: 3.5, y: 80 },
        ]),
        lane('L', [
          { x: 12, y: 15 },
          { x: -20, y: 15 },
        ]),
      ],
    }),
  );
}

export const JUNCTION_ROUTE = { laneIds: ['E0', 'E1', 'E2'] };
