export function evaluate(params: { x1: number; x2: number; o: number }): { y: number[] };
export function gradient(params: { x1: number; x2: number; o: number }): number[][];
