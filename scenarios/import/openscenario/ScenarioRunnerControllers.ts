/**
 * How ScenarioRunner's controllers move the entities of a file written for it (a "CARLA:" header),
 * where that is not along a lane. ScenarioRunner gives each actor the controller module its Init
 * AssignControllerAction names, and without one PedestrianControl to a walker and NpcVehicleControl
 * to a vehicle (srunner/scenariomanager/actorcontrols/actor_control.py):
 *
 * - PedestrianControl (pedestrian_control.py) walks a walker without waypoints in its current
 *   direction at the target speed (CARLA's WalkerControl `direction` = its forward vector), so
 *   PedestrianCrossingFront's pedestrian, placed facing the road, walks across it;
 * - VehicleLongitudinalControl (vehicle_longitudinal_control.py) only opens the throttle: the
 *   vehicle rolls straight on along its heading (CyclistCrossing's bicycle crosses the road it
 *   faces);
 * - NpcVehicleControl follows its lane (CARLA's LocalPlanner): the executor's lane paths.
 *
 * A controller assigned later in the story is not followed (the Init's stays).
 */
import { Polyline } from '../../../core/index.ts';
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';
import type { OscEntity } from './OscExecutor.ts';

/** Length of the straight path such an entity is given, m (beyond any scenario's reach). */
const STRAIGHT_PATH_M = 1500;

/** Controller modules that steer nothing: their entity moves along its heading. */
const STRAIGHT_MODULES = new Set(['pedestrian_control', 'vehicle_longitudinal_control']);

/** The controller module the Init assigns each entity (its `module` property), by entity name. */
function initModules(init: XNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pr of kids(kid(init, 'Actions'), 'Private'))
    for (const pa of kids(pr, 'PrivateAction')) {
      const ctrl = kid(kid(kid(pa, 'ControllerAction'), 'AssignControllerAction'), 'Controller');
      const module = kids(kid(ctrl, 'Properties'), 'Property').find((p) => attr(p, 'name') === 'module');
      const name = attr(pr, 'entityRef');
      const value = attr(module, 'value');
      if (name && value) out.set(name, value);
    }
  return out;
}

/** The straight path from (x, y) along `headingRad` (free space: no lanes, a dead end at its far end). */
export function straightAlongHeading(
  x: number,
  y: number,
  headingRad: number,
): { path: Polyline; lanes: string[]; sM: number; dM: number; deadEnd: boolean } {
  const path = new Polyline([
    { x, y },
    { x: x + STRAIGHT_PATH_M * Math.cos(headingRad), y: y + STRAIGHT_PATH_M * Math.sin(headingRad) },
  ]);
  return { path, lanes: [], sM: 0, dM: 0, deadEnd: true };
}

/**
 * The executor's `headingPath` for a ScenarioRunner file: the straight path along its heading for
 * an entity whose controller steers nothing (above), undefined (its lane) for the others.
 */
export function scenarioRunnerHeadingPath(
  init: XNode | undefined,
  entities: readonly OscEntity[],
): (
  entity: string,
  x: number,
  y: number,
  headingRad: number,
) => ReturnType<typeof straightAlongHeading> | undefined {
  const modules = initModules(init);
  const straight = new Set<string>();
  for (const e of entities) {
    // a module given as a path or a dotted name: its last part is the module
    const m = modules
      .get(e.name)
      ?.split(/[/.]/)
      .filter((x) => x !== 'py')
      .pop();
    if (m ? STRAIGHT_MODULES.has(m) : e.kind === 'pedestrian') straight.add(e.name);
  }
  return (entity, x, y, headingRad) =>
    straight.has(entity) ? straightAlongHeading(x, y, headingRad) : undefined;
}
