/**
 * One-sided Fisher's exact test for two success counts: the probability, if both sides had the
 * same success rate, of side A doing as badly as it did or worse given the total successes
 * (the hypergeometric lower tail). Small means "A is really worse", large means chance.
 */
export function fisherLowerTail(
  successesA: number,
  runsA: number,
  successesB: number,
  runsB: number,
): number {
  const total = runsA + runsB;
  const successes = successesA + successesB;
  const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  const denominator = logChoose(total, successes);
  let p = 0;
  for (let a = Math.max(0, successes - runsB); a <= successesA; a++) {
    p += Math.exp(logChoose(runsA, a) + logChoose(runsB, successes - a) - denominator);
  }
  return Math.min(1, p);
}

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials[k] = logFactorials[k - 1] + Math.log(k);
  return logFactorials[n];
}
