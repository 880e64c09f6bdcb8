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
