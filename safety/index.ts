/** safety/: the situational-safety gate, its rules, the minimal-risk manoeuvre and the audit log. */
export { AgentForecast, forecastAgents } from './AgentForecast.ts';
export {
  AUDIT_FORMAT,
  type AuditEntryRecord,
  type AuditInput,
  AuditLog,
  type AuditLogOptions,
  keyFingerprint,
  publicKeyOf,
  recoverTornTail,
  segmentPath,
  segmentPaths,
  strandedSegments,
} from './AuditLog.ts';
export {
  type AuditQuery,
  auditReportHtml,
  explainRecord,
  queryAudit,
  readAuditRecords,
  readable,
  type VerifyOptions,
  type VerifyReport,
  verifyAuditLog,
  verifyAuditSegments,
  verifyAuditText,
} from './auditReader.ts';
export { CanonicalJsonWriter, canonicalJson, sha256Hex } from './canonicalJson.ts';
export { checkControlStep } from './checkControlStep.ts';
export { deriveCommand } from './deriveCommand.ts';
export { egoLaneOccupied } from './egoLaneOccupied.ts';
export { buildLanePath, type LanePath } from './LanePath.ts';
export {
  brakesHarder,
  commandRate,
  MRM_INITIAL,
  type MrmDrive,
  type MrmParams,
  MrmParamsSchema,
  type MrmState,
  mrmChallenger,
  mrmDrive,
  mrmStep,
  mrmStopCommand,
} from './Mrm.ts';
export { LanePathCache, Rollout, rolloutCommand, rolloutToTrajectory, rolloutTrajectory } from './Rollout.ts';
export { defaultDynamics, type RssDynamics, RssDynamicsSchema, type RssVehicle, rss } from './rss.ts';
export { findInjection, parseCommand } from './rules/inputRule.ts';
export { ssmMaxSpeed, ssmProtectiveDistance } from './rules/vruRule.ts';
export { type CheckOptions, type ControlCheck, createSafetyGate, type SafetyGate } from './SafetyGate.ts';
export { type SafetyParams, type SafetyParamsInput, SafetyParamsSchema } from './SafetyParams.ts';
export { gateRouteRank, routeAhead, type SafetyScene } from './Scene.ts';
export { startLane } from './startLane.ts';
