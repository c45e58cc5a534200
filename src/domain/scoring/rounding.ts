/**
 * Rounding for storage and display: scores are computed in full floating precision and only
 * rounded here (roundScore); percentages shown as text are truncated like the published reports
 * (truncatePercent).
 */

/**
 * A score rounded to 2 decimals, half away from zero (55.995 → 56, −3.925 → −3.93), for
 * storage and display of totals, group scores and points.
 *
 * The scaled value is first cut to 15 significant digits, so a binary representation just
 * below a half (1.005 is 1.00499999999999989…) rounds as the decimal it stands for; values
 * that differ from a half by less than ~1e-13 relative are float noise, not data.
 */
export function roundScore(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot round a non-finite score (${x})`);
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const rounded = Math.round(scaled) / 100;
  // Math.round rounds .5 up, which on a non-negative number is away from zero.
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * numerator / denominator as a percentage with `decimals` decimals, TRUNCATED as the
 * published reports do (docs/INDEX_METHOD.md "Display": 45,679 / 52,447 = 87.0955… → "87.09").
 * Integer arithmetic (BigInt), so a value such as 99.45 % is never cut to 99.44 by a binary
 * fraction. Counts must be non-negative integers and the denominator positive (a criterion
 * without denominator has no percentage: check `applicable` first).
 */
export function truncatePercent(numerator: number, denominator: number, decimals = 2): string {
  if (!Number.isSafeInteger(numerator) || numerator < 0) {
    throw new RangeError(`Percentage numerator must be a non-negative integer (got ${numerator})`);
  }
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`Percentage denominator must be a positive integer (got ${denominator})`);
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) {
    throw new RangeError(`Decimals must be an integer from 0 to 12 (got ${decimals})`);
  }
  const scale = 10n ** BigInt(decimals);
  const scaled = (BigInt(numerator) * 100n * scale) / BigInt(denominator); // BigInt division truncates
  const whole = (scaled / scale).toString();
  if (decimals === 0) return whole;
  return `${whole}.${(scaled % scale).toString().padStart(decimals, '0')}`;
}
