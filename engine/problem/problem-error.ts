/**
 * A problem file that is not valid, with the field named. Its own module, so code that only
 * throws it (the evaluation layer's placeholder checks, loaded in every worker thread) does
 * not load the zod schema with it.
 */
export class ProblemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProblemError';
  }
}
