/**
 * CARLA ScenarioRunner's coordinate switch for OpenSCENARIO 1.x files. A file whose FileHeader
 * description starts with "CARLA:" writes its positions in CARLA's own frame (Unreal, left-handed:
 * y mirrored against OpenDRIVE, yaw clockwise); every other file is in the OpenDRIVE frame
 * (scenario_runner srunner/scenarioconfigs/openscenario_configuration.py `_set_scenario_name` →
 * `OpenScenarioParser.set_use_carla_coordinate_system`; openscenario_parser.py
 * `convert_position_to_transform` negates exactly the values below when the switch is off).
 */
import { attr, kid, type XNode } from '../opendrive/XmlTree.ts';

/** True for a scenario_runner file in CARLA coordinates (`<FileHeader description="CARLA:…">`). */
export function usesCarlaFrame(root: XNode): boolean {
  return (attr(kid(root, 'FileHeader'), 'description') ?? '').startsWith('CARLA:');
}

/**
 * Attributes scenario_runner reads in CARLA's frame when the switch is on, by element: world y and
 * heading, relative dy, a road position's t, and the heading of every Orientation under a position.
 * A LanePosition's offset is not among them (scenario_runner reads it the same way in both frames).
 */
const MIRRORED: Record<string, readonly string[]> = {
  WorldPosition: ['y', 'h'],
  RelativeWorldPosition: ['dy'],
  RelativeObjectPosition: ['dy'],
  RoadPosition: ['t'],
};

/** Position elements whose Orientation heading is clockwise in CARLA's frame. */
const WITH_ORIENTATION = new Set([
  'RelativeWorldPosition',
  'RelativeObjectPosition',
  'RelativeLanePosition',
  'RelativeRoadPosition',
  'RoadPosition',
  'LanePosition',
]);

function negate(node: XNode, key: string): void {
  const v = node.$?.[key];
  if (v === undefined || v.trim() === '') return;
  const n = Number(v);
  // An unresolved expression is left for the position reader to report.
  if (Number.isFinite(n)) node.$![key] = String(n === 0 ? 0 : -n);
}

/**
 * Mirrors, in place, every position below `node` from CARLA's frame into the OpenDRIVE frame
 * (y → −y, heading → −heading, a RoadPosition's t → −t; a LanePosition's offset is read alike in both
 * frames and left as it is). Call it on a tree whose
 * parameters are resolved. Returns how many position elements it changed.
 */
export function carlaPositionsToMapFrame(node: XNode): number {
  let changed = 0;
  for (const [tag, val] of Object.entries(node)) {
    if (tag === '$' || tag === '#text' || !Array.isArray(val)) continue;
    for (const child of val) {
      if (!child || typeof child !== 'object') continue;
      const c = child as XNode;
      const keys = MIRRORED[tag];
      if (keys) for (const k of keys) negate(c, k);
      if (WITH_ORIENTATION.has(tag)) {
        const o = kid(c, 'Orientation');
        if (o) negate(o, 'h');
      }
      if (keys || WITH_ORIENTATION.has(tag)) changed++;
      changed += carlaPositionsToMapFrame(c);
    }
  }
  return changed;
}
