/** The shape of a built-in test function and of the objective spec that names one. */
export interface BuiltinFunction {
  id: string;
  title: string;
  /** Fixed dimension (1-D functions), or undefined when any n ≥ 1 works. */
  fixedDimension?: number;
  /** Default box for problem files that give no parameters. */
  domain: [number, number];
  /** The global minimum value. */
  minimum: number;
  /** Builds the evaluator for dimension n (precomputes rotations, weights). */
  create(dimension: number): (x: ArrayLike<number>) => number;
}

export interface BuiltinObjectiveSpec {
  builtin: string;
  dimension?: number;
  /** Standard deviation of additive Gaussian noise; 0 for the exact function. */
  noise?: number;
}
