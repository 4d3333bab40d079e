export function tip(q: number[]): [number, number];
export function evaluate(
  params: { q1: number; q2: number; q3: number },
  context?: { id: number },
): { y: number[] };
export function gradient(params: { q1: number; q2: number; q3: number }): number[][];
