/**
 * What every importer returns. Importers convert frames and units into ours (ENU, SI; CARLA's
 * y = −OpenDRIVE y; nuPlan's ego pose is the rear axle) and report, never drop, what they cannot use.
 */
import type { RoadMapData, Scenario } from '../../core/index.ts';

export interface ImportResult {
  /** The road map, when the file holds or references one. */
  map?: RoadMapData;
  /** Scenarios found (a route file or a nuPlan log can hold several). */
  scenarios: Scenario[];
  /** Elements read but not supported, by name and path (never silently dropped). */
  unsupported: string[];
  warnings: string[];
  /**
   * Scripted events (the Scenario format has no events field yet): OpenSCENARIO event start times
   * from the executor; CARLA scenario triggers matched to a route, at their arc length.
   */
  events?: { scenarioId: string; name: string; tS?: number; sM?: number }[];
}

export interface ImportOptions {
  /** Map file for formats that reference one (CARLA routes, OpenSCENARIO without a resolvable path). */
  mapPath?: string;
  /** Select one route / scenario by id. */
  id?: string;
  /** nuPlan: root of the GeoPackage maps. */
  mapRoot?: string;
  /** nuPlan: scenario types (tags) to keep. */
  scenarioTypes?: string[];
  /** CARLA leaderboard 1.0: scenario trigger JSON (default: all_towns_traffic_scenarios_public.json or scenarios_<town>.json beside the routes). */
  scenariosPath?: string;
  /** Maximum number of scenarios to return. */
  limit?: number;
  /** OpenSCENARIO: values for the file's global parameters (a variant of a parameter distribution). */
  parameters?: Record<string, string>;
}
