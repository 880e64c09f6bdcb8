import { describe, expect, it } from 'vitest';
import { parseXml } from '../opendrive/XmlTree.ts';
import { initActionOrder } from './InitOrder.ts';

function order(privates: string): string[] {
  const r = parseXml(`<Actions>${privates}</Actions>`, 'x.xosc', 'Actions');
  if (!r.ok) throw new Error(r.error.message);
  return initActionOrder(r.value).map((a) => `${a.who}:${Object.keys(a.action).find((k) => k !== '$')}`);
}

const teleport = (pos: string) =>
  `<PrivateAction><TeleportAction><Position>${pos}</Position></TeleportAction></PrivateAction>`;
const speed = '<PrivateAction><LongitudinalAction/></PrivateAction>';
const lane = '<LanePosition roadId="1" laneId="-1" s="100"/>';
const relObj = (ref: string) => `<RelativeObjectPosition entityRef="${ref}" dx="-10"/>`;

describe('Init action order (esmini ScenarioReader::parseInit)', () => {
  it('runs a chain of relative positions from its root: car2, then car1, then car0', () => {
    const xml =
      `<Private entityRef="car0">${speed}${teleport(relObj('car1'))}</Private>` +
      `<Private entityRef="car1">${teleport(relObj('car2'))}${speed}</Private>` +
      `<Private entityRef="car2">${teleport(lane)}${speed}</Private>`;
    expect(order(xml)).toEqual([
      'car2:TeleportAction',
      'car2:LongitudinalAction',
      'car1:TeleportAction',
      'car1:LongitudinalAction',
      'car0:TeleportAction',
      'car0:LongitudinalAction',
    ]);
  });

  it('keeps declaration order when references come first, and gives up on a cycle without losing actions', () => {
    const kept = `<Private entityRef="a">${teleport(lane)}</Private><Private entityRef="b">${teleport(relObj('a'))}</Private>`;
    expect(order(kept)).toEqual(['a:TeleportAction', 'b:TeleportAction']);
    const cycle = `<Private entityRef="a">${teleport(relObj('b'))}</Private><Private entityRef="b">${teleport(relObj('a'))}</Private>`;
    expect(order(cycle).sort()).toEqual(['a:TeleportAction', 'b:TeleportAction']);
  });

  it('does not reorder for a RelativeRoadPosition (esmini moves only object, lane and world references)', () => {
    const road = `<RelativeRoadPosition entityRef="b" ds="10" dt="0"/>`;
    const xml = `<Private entityRef="a">${teleport(road)}</Private><Private entityRef="b">${teleport(lane)}</Private>`;
    expect(order(xml)).toEqual(['a:TeleportAction', 'b:TeleportAction']);
  });

  it('keeps a route assigned before the teleport before it (the position may move along that route)', () => {
    const route = '<PrivateAction><RoutingAction><AssignRouteAction/></RoutingAction></PrivateAction>';
    const xml = `<Private entityRef="a">${route}${speed}${teleport(lane)}</Private>`;
    expect(order(xml)).toEqual(['a:RoutingAction', 'a:TeleportAction', 'a:LongitudinalAction']);
    const after = `<Private entityRef="a">${speed}${teleport(lane)}${route}</Private>`;
    expect(order(after)).toEqual(['a:TeleportAction', 'a:LongitudinalAction', 'a:RoutingAction']);
  });
});
