/**
 * Conditions of a storyboard that read the ego, and the controller a file assigns the ego. CARLA
 * ScenarioRunner's files give the hero `module: external_control` (the agent under test drives
 * it) and no motion of its own; our import runs the storyboard on the ego's scripted motion, so a
 * hero that never moves fires none of the conditions that read it, and every actor they start is
 * imported standing (review 14 M2: 14 of scenario_runner's 16 example files, scoring 100 on a
 * scene with nothing in it). Such a storyboard runs live in closed loop (`LiveStoryboard.ts`).
 */
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

/**
 * The tag of a scenario whose storyboard triggers read an ego that never moves in it: played once
 * at import, none of what they start runs (its fallback agents stand); `run` / `eval` warn that the
 * score tests none of it only where no live storyboard is handed to the simulator.
 */
export const EGO_TRIGGERS_UNFIRED_TAG = 'ego-triggers-unfired';

/**
 * The tag of a scenario whose storyboard reads an ego it does not move: its agents are
 * storyboard-driven, the storyboard run live against the planner's ego (`Scenario.storyboard`).
 */
export const STORYBOARD_LIVE_TAG = 'storyboard-live';

/**
 * Whether a controller (`egoControllerOf`) is the agent under test's: CARLA's `external_control`
 * module, or a controller named so ("ExternalControl" in ScenarioRunner's controller catalog).
 */
export function isExternalController(controller: string | undefined): boolean {
  return controller !== undefined && /^external_?control$/i.test(controller.replace(/\.py$/, ''));
}

/** Every element below `n` (depth first), `n` included. */
function* walk(n: XNode): Generator<XNode> {
  yield n;
  for (const [k, v] of Object.entries(n)) {
    if (k === '$' || k === '#text' || !Array.isArray(v)) continue;
    for (const c of v) if (typeof c === 'object' && c !== null) yield* walk(c as XNode);
  }
}

/** Whether any element below `n` names `entity` in an `entityRef` attribute. */
function names(n: XNode, entity: string): boolean {
  for (const e of walk(n)) if (attr(e, 'entityRef') === entity) return true;
  return false;
}

/** The names of the storyboard's conditions that read `egoName` (an entity condition on it, or one relative to it). */
export function egoConditionNames(storyboard: XNode | undefined, egoName: string): string[] {
  if (!storyboard) return [];
  const out: string[] = [];
  for (const e of walk(storyboard))
    for (const c of kids(e, 'Condition')) if (names(c, egoName)) out.push(attr(c, 'name') ?? '(unnamed)');
  return out;
}

/** How many Events the storyboard holds. */
export function eventCount(storyboard: XNode | undefined): number {
  if (!storyboard) return 0;
  let n = 0;
  for (const e of walk(storyboard)) n += kids(e, 'Event').length;
  return n;
}

/**
 * The controller the Init assigns `egoName`: its `module` property (CARLA's `external_control`),
 * else its name; undefined when none is assigned.
 */
export function egoControllerOf(storyboard: XNode | undefined, egoName: string): string | undefined {
  const priv = kids(kid(kid(storyboard, 'Init'), 'Actions'), 'Private').find(
    (p) => attr(p, 'entityRef') === egoName,
  );
  if (!priv) return undefined;
  for (const e of walk(priv)) {
    const assign = kid(e, 'AssignControllerAction');
    // a controller from a catalog: its entry's name (CatalogExample's "ExternalControl")
    const ref = kid(assign, 'CatalogReference');
    if (ref) return attr(ref, 'entryName') ?? '(unnamed)';
    const ctrl = kid(assign, 'Controller');
    if (!ctrl) continue;
    const module = kids(kid(ctrl, 'Properties'), 'Property').find((p) => attr(p, 'name') === 'module');
    return attr(module, 'value') ?? attr(ctrl, 'name') ?? '(unnamed)';
  }
  return undefined;
}
