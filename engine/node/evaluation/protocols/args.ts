/** `args`: one process per evaluation, the parameters as `{name}` placeholders in its arguments. */
import { oneShotSession } from '../one-shot';
import { defineProtocol } from './define';

export const argsProtocol = defineProtocol('args', {
  // Every placeholder works here: the arguments are rendered afresh for each evaluation.
  validate: () => undefined,
  createSession: (context) => oneShotSession(context, () => undefined),
});
