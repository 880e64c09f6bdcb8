/** nuPlan: SQLite logs + GeoPackage maps → Scenarios + RoadMap, and a schema-faithful fixture generator. */
export { type FixtureOptions, generateNuplanFixture, type NuplanFixture } from './generateNuplanFixture.ts';
export { readGpkgGeometry, writeGpkgGeometry } from './gpkgGeometry.ts';
export {
  createNuplanMapCache,
  importNuplan,
  importNuplanWith,
  listNuplanScenarios,
  loadNuplanRef,
  NUPLAN_SCENARIO_DT_S,
  NUPLAN_SCENARIO_DURATION_S,
  NUPLAN_SCENARIO_OFFSET_S,
  type NuplanListOptions,
  type NuplanMapCache,
  type NuplanScenarioSet,
  nuplanRef,
  quaternionYaw,
} from './importNuplan.ts';
export { NUPLAN_DB_TABLES, NUPLAN_MAP_LAYERS, STOP_LINE_TYPE } from './nuplanSchema.ts';
export { type NuplanMap, readNuplanMap } from './readNuplanMap.ts';
export { type Geometry, readWkb, WkbError, writeWkb } from './wkb.ts';
