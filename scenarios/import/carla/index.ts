/** CARLA leaderboard routes importer (v1.0 and v2.x route files, v1.0 scenario trigger JSON) and ScenarioRunner's legacy scenario XML. */
export { carlaToMap } from './CarlaFrame.ts';
export {
  type CarlaRoute,
  findTown,
  importCarlaRoutes,
  type RouteEvent,
  readCarlaRoutes,
  readScenarioTriggers,
  routeScenario,
  townFromMapOption,
} from './CarlaRoutes.ts';
export { HIDDEN_Z_M, importScenarioRunnerXml, needsTown, ROUTE_AHEAD_M } from './ScenarioRunnerXml.ts';
