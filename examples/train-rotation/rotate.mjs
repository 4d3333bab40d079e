// The rotation black box as a JS module, with its gradient: what the `oracle` reference
// trainer and the finite-difference tests need. Same F as rotate.py.
export function evaluate({ x1, x2, o }) {
  const c = Math.cos(o);
  const s = Math.sin(o);
  return { y: [c * x1 - s * x2, s * x1 + c * x2] };
}

/** ∂y/∂o: one row per output y_i, one column per model output (here only o). */
export function gradient({ x1, x2, o }) {
  const c = Math.cos(o);
  const s = Math.sin(o);
  return [[-s * x1 - c * x2], [c * x1 - s * x2]];
}
