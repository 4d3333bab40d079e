/**
 * `line`: one long-lived process per worker, one JSON request per line in, one reply line
 * out, in order (the session is in ../line-session.ts). The process is started once, so
 * nothing that differs between evaluations may appear in its arguments.
 */
import { LineSession } from '../line-session';
import { placeholdersIn } from '../placeholders';
import { defineProtocol } from './define';

export const lineProtocol = defineProtocol('line', {
  validate(objective, { args, parameterNames, needsWorkdir }) {
    const perEvaluation = new Set([...parameterNames, 'id', 'workdir']);
    args.forEach((arg, i) => {
      const used = placeholdersIn(arg).filter((name) => perEvaluation.has(name));
      if (used.length) {
        throw new Error(
          `objective.args[${i}] uses {${used[0]}}, but a line process is started once per worker; parameters (and workdir) arrive as JSON lines on stdin`,
        );
      }
    });
    if (objective.result?.file !== undefined && !needsWorkdir) {
      throw new Error(
        'objective.result.file with protocol "line" needs a per-request directory: use templates or a {workdir} placeholder in the file name',
      );
    }
  },
  createSession: (context) => new LineSession(context),
});
