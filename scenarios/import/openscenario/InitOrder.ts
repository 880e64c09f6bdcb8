/**
 * The order Init's private actions run in. Declaration order, except that an entity placed
 * relative to another (RelativeObjectPosition, RelativeLanePosition, RelativeWorldPosition in a
 * TeleportAction) has all its actions moved after that entity's, as esmini's
 * ScenarioReader::parseInit does (repeated until nothing moves, at most 2 × the number of actions
 * for circular references). Within one entity, teleports come first (speeds and lane changes refer
 * to its position), after any AssignRouteAction written before them.
 */
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

export interface InitAction {
  /** The entity the action belongs to (Private@entityRef). */
  who: string;
  /** The PrivateAction element. */
  action: XNode;
  /** Its path in the file, for messages. */
  path: string;
}

/** Position types whose reference entity esmini places first (RelativeRoadPosition is not among them). */
const RELATIVE = ['RelativeObjectPosition', 'RelativeLanePosition', 'RelativeWorldPosition'] as const;

/** The entity a teleport's position is relative to, if any. */
function teleportReference(a: InitAction): string | undefined {
  const pos = kid(kid(a.action, 'TeleportAction'), 'Position');
  for (const tag of RELATIVE) {
    const ref = attr(kid(pos, tag), 'entityRef');
    if (ref !== undefined) return ref;
  }
  return undefined;
}

/**
 * Moves the actions of `who` that come before any of `ref`'s to right after the first run of
 * `ref`'s actions; false when `who` has no action before `ref`'s (nothing to move).
 */
function moveAfter(list: InitAction[], who: string, ref: string): boolean {
  const moved: InitAction[] = [];
  let held: InitAction[] = [];
  let refFound = false;
  for (const a of list) {
    if (a.who === ref) {
      refFound = true;
      if (held.length === 0) return false;
    } else if (a.who === who && !refFound) {
      held.push(a);
      continue;
    } else if (refFound && held.length > 0) {
      moved.push(...held);
      held = [];
    }
    moved.push(a);
  }
  moved.push(...held);
  list.splice(0, list.length, ...moved);
  return true;
}

/** Init/Actions → its private actions in the order to run them. */
export function initActionOrder(actions: XNode | undefined): InitAction[] {
  const list: InitAction[] = [];
  kids(actions, 'Private').forEach((pr, i) => {
    const who = attr(pr, 'entityRef') ?? '';
    const pas = kids(pr, 'PrivateAction');
    const at = (pa: XNode): InitAction => ({
      who,
      action: pa,
      path: `/OpenSCENARIO/Storyboard/Init/Actions/Private[${i}]/PrivateAction[${pas.indexOf(pa)}]`,
    });
    // A route assigned before the first teleport stays before it: a position relative to
    // another entity moves along the entity's own route (esmini runs them in file order).
    const firstTeleport = pas.findIndex((p) => kid(p, 'TeleportAction'));
    const routeFirst = (p: XNode): boolean =>
      kid(kid(p, 'RoutingAction'), 'AssignRouteAction') !== undefined && pas.indexOf(p) < firstTeleport;
    list.push(...pas.filter(routeFirst).map(at));
    list.push(...pas.filter((p) => kid(p, 'TeleportAction')).map(at));
    list.push(...pas.filter((p) => !kid(p, 'TeleportAction') && !routeFirst(p)).map(at));
  });
  const entities = new Set(list.map((a) => a.who));
  const maxLoops = 2 * list.length;
  for (let loop = 0, done = false; !done && loop < maxLoops; loop++) {
    done = true;
    // esmini walks the list while it changes; a moved action may be visited again.
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      const ref = teleportReference(a);
      if (ref !== undefined && ref !== a.who && entities.has(ref) && moveAfter(list, a.who, ref))
        done = false;
    }
  }
  return list;
}
