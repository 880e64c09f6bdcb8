/**
 * The ego's top speed on an imported scenario. `VehicleParamsSchema` defaults `maxSpeedMps` to
 * 30 m/s (108 km/h) and the simulator clamps the ego to it, so a scenario whose ego starts or is
 * driven faster (CommonRoad's DEU_A9 / USA_US101 families, commonroad-crime's OSC_Overtake at
 * 41.7 m/s, nuPlan logs: nuPlan's vehicle model has no top speed) would be cut to 30 m/s on the
 * first tick — a step the comfort metric punishes — and the planners could never match the
 * expert. Importers raise that scenario's `vehicle.maxSpeedMps` to cover it; the schema default
 * stays (planners fall back to it on lanes with no posted limit).
 */
import type { TrackPoint, VehicleParams } from '../../core/index.ts';

/**
 * Headroom above the fastest speed a scenario asks of its ego, as a factor (our choice): 5 %, so a
 * planner that matches the expert is not clamped on the expert's own speed (recorded speeds are
 * samples; a car holding 41.7 m/s drifts a little above it) and the top speed is not far above
 * what the data shows. Raised top speeds are rounded up to 0.1 m/s.
 */
export const EGO_TOP_SPEED_MARGIN = 1.05;

/** What `coverEgoSpeed` returns: the vehicle (the same object when nothing was raised) and the warning line, if raised. */
export interface CoveredVehicle {
  vehicle: VehicleParams;
  warning?: string;
}

/**
 * The vehicle with `maxSpeedMps` raised, when one of `speeds` (the ego's start speed, its
 * expert's speeds, a goal speed; m/s, each with what asked for it; undefined and non-finite
 * speeds ignored) is above it, to the fastest × `EGO_TOP_SPEED_MARGIN` rounded up to 0.1 m/s;
 * otherwise the vehicle unchanged. The warning names the scenario (`id`), the new top speed and
 * what asked for it.
 */
export function coverEgoSpeed(
  vehicle: VehicleParams,
  id: string,
  speeds: ReadonlyArray<{ speedMps: number | undefined; what: string }>,
): CoveredVehicle {
  let fastest: { speedMps: number; what: string } | undefined;
  for (const s of speeds) {
    const v = s.speedMps;
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!fastest || Math.abs(v) > fastest.speedMps) fastest = { speedMps: Math.abs(v), what: s.what };
  }
  if (!fastest || fastest.speedMps <= vehicle.maxSpeedMps) return { vehicle };
  const top = Math.ceil(fastest.speedMps * EGO_TOP_SPEED_MARGIN * 10 - 1e-9) / 10;
  return {
    vehicle: { ...vehicle, maxSpeedMps: top },
    warning: `${id}: the ego's ${fastest.what} ${fastest.speedMps.toFixed(2)} m/s is above the vehicle's top speed ${vehicle.maxSpeedMps} m/s: maxSpeedMps raised to ${top} m/s (+${Math.round((EGO_TOP_SPEED_MARGIN - 1) * 100)} %)`,
  };
}

/** The speeds of an ego start and expert track, labelled for `coverEgoSpeed`. */
export function egoSpeeds(
  startSpeedMps: number | undefined,
  expert: ReadonlyArray<Pick<TrackPoint, 'speedMps' | 'tS'>>,
): { speedMps: number | undefined; what: string }[] {
  return [
    { speedMps: startSpeedMps, what: 'start speed' },
    ...expert.map((p) => ({ speedMps: p.speedMps, what: `expert speed at ${p.tS} s` })),
  ];
}
