/**
 * The protocols an executable objective can speak: pure data (no Node imports), so the
 * problem schema, the renderer's objective editor and the docs derive from this one list.
 * Each id has its implementation in engine/node/evaluation/protocols/<id>.ts; the node
 * registry there is typed `Record<ProtocolId, …>`, so an id without an implementation (or
 * the reverse) does not compile.
 */
export interface ProtocolDescriptor {
  title: string;
  /** One line for the editor's option list and the docs table. */
  summary: string;
  /** A fresh process per evaluation, or one long-lived process per worker slot. */
  dispatch: 'per-evaluation' | 'per-worker-session';
}

export const protocolCatalog = {
  args: {
    title: 'args',
    summary: 'one process per evaluation, parameters as {name} placeholders in the arguments',
    dispatch: 'per-evaluation',
  },
  'json-stdin': {
    title: 'json-stdin',
    summary: 'one process per evaluation, {"id","params"} as JSON on stdin',
    dispatch: 'per-evaluation',
  },
  line: {
    title: 'line',
    summary: 'one long-lived process per worker, one JSON request per line in, one reply line out',
    dispatch: 'per-worker-session',
  },
} as const satisfies Record<string, ProtocolDescriptor>;

export type ProtocolId = keyof typeof protocolCatalog;

export const protocolIds = Object.keys(protocolCatalog) as [ProtocolId, ...ProtocolId[]];
