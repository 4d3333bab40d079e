/**
 * Degenerate Rosenbrock: f(ψ) = rosenbrock(A ψ), with A a fixed random 10×n matrix.
 *
 * From the L-GSO paper (Shirobokov et al. 2020, arXiv:2002.04632, seed document 002): the
 * parameters ψ ∈ ℝⁿ (n = 100 there) act on the function only through a 10-dimensional
 * linear image, so the problem "lives on a low-dimensional manifold" and methods that learn
 * the local structure (surrogates) should beat ones that estimate the gradient afresh in all
 * n directions. The minimum 0 is attained on the whole (n − 10)-dimensional affine subspace
 * {ψ : Aψ = 1}.
 *
 * A has independent N(0, 1/n) entries drawn from a generator with a fixed seed string, so
 * "degenerate-rosenbrock, n = 100" is the same function everywhere. With this scaling
 * A Aᵀ ≈ I₁₀, so the minimum-norm optimum ψ* = Aᵀ(A Aᵀ)⁻¹·1 has entries of size about
 * √(10/n) ≈ 0.3 for n = 100: the optimum set crosses the default box [−5, 5]ⁿ near its centre.
 * For n < 10 the map is not a reduction; the function is then a rotated-and-scaled
 * Rosenbrock of a 10-dimensional image whose minimum may be unreachable — use n ≥ 10.
 */
import { createRng } from '../core/rng';
import type { BuiltinFunction } from './types';

/** Dimension of the image A ψ on which Rosenbrock is evaluated. */
export const degenerateImageDimension = 10;

/** The fixed 10×n map, row-major, N(0, 1/n) entries from a fixed seed. */
export function degenerateMap(dimension: number): Float64Array {
  const rng = createRng(`evobox-degenerate-rosenbrock:${dimension}`);
  const map = new Float64Array(degenerateImageDimension * dimension);
  rng.gaussians(map);
  const scale = 1 / Math.sqrt(dimension);
  for (let k = 0; k < map.length; k++) map[k] *= scale;
  return map;
}

export const degenerateRosenbrock: BuiltinFunction = {
  id: 'degenerate-rosenbrock',
  title: 'Degenerate Rosenbrock: Rosenbrock of a fixed random map A ψ from n to 10 dims (L-GSO, seed 002)',
  domain: [-5, 5],
  minimum: 0,
  create(dimension) {
    const m = degenerateImageDimension;
    const map = degenerateMap(dimension);
    const image = new Float64Array(m);
    return (x) => {
      for (let i = 0; i < m; i++) {
        let sum = 0;
        const row = i * dimension;
        for (let k = 0; k < dimension; k++) sum += map[row + k] * x[k];
        image[i] = sum;
      }
      let value = 0;
      for (let i = 0; i < m - 1; i++) {
        const a = image[i + 1] - image[i] * image[i];
        const b = 1 - image[i];
        value += 100 * a * a + b * b;
      }
      return value;
    };
  },
};
