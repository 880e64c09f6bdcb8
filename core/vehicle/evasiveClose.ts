/**
 * The duration of an evasive lateral move (AES) shaped as a cubic Hermite in the distance travelled
 * — from the offset `offsetM` still to go and the lateral rate `rateTowardMps` already made towards
 * it (negative: away), to the target, parallel — whose end accelerations stay within `latAccelMps2`,
 * s. Shared by the gate's roll-out (safety/Rollout.ts) and the controller's change path
 * (controller/ClassicalController.ts) so that what is checked is what is steered.
 *
 * At constant speed the cubic's accelerations at its ends are (6·Δd − 4·r0·T)/T² and
 * (2·r0·T − 6·Δd)/T²; towards the target (r0 ≥ 0) the end one binds: a·T² + 2·r0·T − 6·Δd = 0.
 * Moving away (r0 < 0) the start one binds: a·T² − 4·|r0|·T − 6·Δd = 0. Re-planned every tick from
 * where the ego is, a move under way is not slowed down by its own progress.
 */
export function evasiveCloseS(offsetM: number, rateTowardMps: number, latAccelMps2: number): number {
  const dd = Math.abs(offsetM);
  const a = latAccelMps2;
  if (rateTowardMps >= 0)
    return (-2 * rateTowardMps + Math.sqrt(4 * rateTowardMps ** 2 + 24 * a * dd)) / (2 * a);
  const r = -rateTowardMps;
  return (4 * r + Math.sqrt(16 * r * r + 24 * a * dd)) / (2 * a);
}

/**
 * The longest an evasive move (a command with `lateralAccelMps2`) takes, s: the controller's
 * comfortable change duration (`ClassicalParams.changeLengthS`, 3 s). A low rate (0.01 m/s²) is
 * driven no slower than a comfortable change — and checked so: the gate's roll-out and the
 * controller's change path both take `evasiveMoveS`, so what is checked is what is steered.
 */
export const EVASIVE_MOVE_MAX_S = 3;

/**
 * The duration of an evasive lateral move as the gate rolls it out and the controller steers it, s:
 * `evasiveCloseS` (the cubic whose end accelerations stay within `latAccelMps2`), never longer than
 * `EVASIVE_MOVE_MAX_S`. Takes the offset still to go, m, the lateral rate already made towards it,
 * m/s, and the peak lateral acceleration, m/s² (> 0).
 */
export function evasiveMoveS(offsetM: number, rateTowardMps: number, latAccelMps2: number): number {
  return Math.min(EVASIVE_MOVE_MAX_S, evasiveCloseS(offsetM, rateTowardMps, latAccelMps2));
}
