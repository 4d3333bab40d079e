export * from './builtin';
export { degenerateImageDimension, degenerateMap } from './degenerate-rosenbrock';
