/** Nakamoto's double-spend odds (Bitcoin whitepaper §11, Poisson form). */

/**
 * Probability that an attacker with share `q` (0–1) of the hashrate ever catches up from `z` blocks
 * behind, after the merchant waited for z confirmations:
 *
 *   P = 1 − Σ_{k=0..z} (λ^k e^{−λ} / k!) (1 − (q/p)^{z−k}),  λ = z q / p,  p = 1 − q;  P = 1 when q ≥ p.
 *
 * Evaluated in the algebraically equal all-positive form P = Σ_{k>z} pois(k) + Σ_{k≤z} pois(k) (q/p)^{z−k}
 * with Poisson terms in log space, so tiny probabilities are not lost to 1 − (almost 1) cancellation.
 * Returns a number in [0, 1].
 */
export function attackerSuccessProbability(q: number, z: number): number {
  if (!Number.isFinite(q) || q < 0 || q > 1)
    throw new RangeError(`attacker share must be in [0, 1], got ${q}`);
  if (!Number.isInteger(z) || z < 0)
    throw new RangeError(`confirmations must be a non-negative integer, got ${z}`);
  const p = 1 - q;
  if (q >= p) return 1;
  if (z === 0) return 1;
  if (q === 0) return 0;
  const ratio = q / p;
  const lambda = z * ratio;
  const logLambda = Math.log(lambda);
  const logRatio = Math.log(ratio);
  let logPois = -lambda; // log pois(0)
  let caughtUp = 0;
  for (let k = 0; k <= z; k++) {
    if (k > 0) logPois += logLambda - Math.log(k);
    caughtUp += Math.exp(logPois + (z - k) * logRatio);
  }
  // Upper Poisson tail Σ_{k>z}: λ < z here, so terms shrink geometrically past z; stop when negligible.
  let tail = 0;
  for (let k = z + 1; k < z + 10_000; k++) {
    logPois += logLambda - Math.log(k);
    const term = Math.exp(logPois);
    tail += term;
    if (term <= tail * 1e-17) break;
  }
  return Math.min(1, Math.max(0, caughtUp + tail));
}
