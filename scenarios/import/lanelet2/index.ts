/** Lanelet2 .osm importer (map only) and the lanelet helpers CommonRoad shares. */
export { importLanelet2 } from './importLanelet2.ts';
export { type LaneGeometry, laneFromBounds, leftIsLeft, runsAgainst } from './laneFromBounds.ts';
export {
  asArray,
  attr,
  child,
  ElementError,
  num,
  parseXmlFile,
  parseXmlText,
  text,
  type XmlNode,
} from './parseXml.ts';
