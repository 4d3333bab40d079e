export * from './builtin';
import './degenerate-rosenbrock';
