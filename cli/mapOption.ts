/** The `--map` option shared by run, eval, import and tips. */
import { UsageError } from './errors.ts';

/** `--map` help, the same for run, eval, import and tips (review ux21 #10: eval called it --map-root). */
export const MAP_HELP =
  "map for references that need one: for CARLA routes and scenario_runner .xosc the town .xodr or a folder of towns (the route's / LogicFile's town is picked); for nuPlan logs the maps root";

/** `--map`, or its alias `--map-root`; both given and different is a usage error. */
export function mapOption(o: { map?: string; mapRoot?: string }): string | undefined {
  if (o.map !== undefined && o.mapRoot !== undefined && o.map !== o.mapRoot)
    throw new UsageError(
      `--map-root is an alias of --map: give one (got --map ${o.map} and --map-root ${o.mapRoot})`,
    );
  return o.map ?? o.mapRoot;
}
