/**
 * The speed law projects the command's stop point onto the path at every call; rolling the law
 * over a horizon calls it tens of times per step with the same point. This wraps a path so that
 * projecting that one point returns the projection computed once (other queries pass through).
 */
import type { FrenetPoint, MidLevelCommand, Polyline } from '../core/index.ts';

/** `path` with the projection of `command.stopAt` memoised (the path itself when there is none). */
export function withStopMemo(path: Polyline | undefined, command: MidLevelCommand): Polyline | undefined {
  const stop = command.stopAt;
  if (!path || !stop) return path;
  const hit = path.project(stop.x, stop.y, { sM: 0, dM: 0, segment: 0 });
  const memo = Object.create(path) as Polyline;
  memo.project = (
    x: number,
    y: number,
    out: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
    fromS?: number,
    toS?: number,
  ) => {
    if (x === stop.x && y === stop.y && fromS === undefined && toS === undefined) {
      out.sM = hit.sM;
      out.dM = hit.dM;
      out.segment = hit.segment;
      return out;
    }
    return path.project(x, y, out, fromS, toS);
  };
  return memo;
}
