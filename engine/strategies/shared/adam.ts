/**
 * Adam's moment estimates and bias-corrected step direction (Kingma & Ba, "Adam: A Method
 * for Stochastic Optimization", ICLR 2015, Algorithm 1), for the strategies that follow
 * estimated gradients with it. Each returns new arrays; the state stays immutable.
 */

/** m ← β₁m + (1 − β₁)g: the decaying mean of the gradients (also heavy-ball momentum). */
export function updateFirstMoment(
  firstMoment: Float64Array,
  gradient: ArrayLike<number>,
  beta1: number,
): Float64Array {
  return firstMoment.map((m, i) => beta1 * m + (1 - beta1) * gradient[i]);
}

/** v ← β₂v + (1 − β₂)g²: the decaying mean of the squared gradients. */
export function updateSecondMoment(
  secondMoment: Float64Array,
  gradient: ArrayLike<number>,
  beta2: number,
): Float64Array {
  return secondMoment.map((v, i) => beta2 * v + (1 - beta2) * gradient[i] ** 2);
}

/**
 * m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) after `steps` = t
 * updates of the moments.
 */
export function adamDirection(
  firstMoment: Float64Array,
  secondMoment: Float64Array,
  steps: number,
  beta1: number,
  beta2: number,
  epsilon: number,
): Float64Array {
  const firstCorrection = 1 - beta1 ** steps;
  const secondCorrection = 1 - beta2 ** steps;
  return firstMoment.map(
    (m, i) => m / firstCorrection / (Math.sqrt(secondMoment[i] / secondCorrection) + epsilon),
  );
}
