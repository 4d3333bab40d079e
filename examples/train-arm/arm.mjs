// The arm black box as a JS module (same F as arm.py, noise from its own generator seeded
// by the call id): for in-process benchmarks. No gradient: the gears make F a staircase.
const links = [1, 0.8, 0.6];
const gear = 0.05;
const noise = 0.02;

/** A standard normal from the call id (splitmix32 + Box–Muller): the same id, the same noise. */
function gaussianFor(id, k) {
  let s = (Math.imul(id + 1, 0x9e3779b9) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const u = next() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

export function tip(q) {
  let x = 0;
  let y = 0;
  let angle = 0;
  links.forEach((length, j) => {
    angle += gear * Math.round(q[j] / gear);
    x += length * Math.cos(angle);
    y += length * Math.sin(angle);
  });
  return [x, y];
}

export function evaluate({ q1, q2, q3 }, context) {
  const [x, y] = tip([q1, q2, q3]);
  const id = context?.id ?? 0;
  return { y: [x + noise * gaussianFor(id, 0), y + noise * gaussianFor(id, 1)] };
}

/**
 * ∂tip/∂q of the smooth arm beneath F (no gears, no noise): F itself is a staircase whose
 * derivative is zero almost everywhere, so this is the gradient an `oracle` reference can
 * use — the bound of what any trainer could do with exact knowledge of the mechanism.
 */
export function gradient({ q1, q2, q3 }) {
  const q = [q1, q2, q3];
  const angles = [];
  let angle = 0;
  for (const joint of q) angles.push((angle += joint));
  const rows = [[], []];
  for (let j = 0; j < 3; j++) {
    let dx = 0;
    let dy = 0;
    for (let l = j; l < 3; l++) {
      dx -= links[l] * Math.sin(angles[l]);
      dy += links[l] * Math.cos(angles[l]);
    }
    rows[0].push(dx);
    rows[1].push(dy);
  }
  return rows;
}
