export * from './builtin';
