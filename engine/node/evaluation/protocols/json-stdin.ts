/** `json-stdin`: one process per evaluation, `{"id","params"}` (plus `"workdir"`) as one JSON line on stdin. */
import { oneShotSession } from '../one-shot';
import { defineProtocol } from './define';

export const jsonStdinProtocol = defineProtocol('json-stdin', {
  validate: () => undefined,
  createSession: (context) => oneShotSession(context, (request) => `${JSON.stringify(request)}\n`),
});
