/**
 * Every protocol an executable objective can speak, by id. Adding one is a file in this
 * folder, one line here and one entry in engine/problem/protocols.ts (the pure catalog the
 * schema, the editor and the docs read); the `Record<ProtocolId, …>` type makes a missing
 * half a compile error, and test/engine/node/evaluation/protocols/contract.test.ts runs each.
 */
import { protocolIds, type ProtocolId } from '../../../problem/protocols';
import { argsProtocol } from './args';
import { jsonStdinProtocol } from './json-stdin';
import { lineProtocol } from './line';
import type { Protocol } from './types';

export const protocols: Readonly<Record<ProtocolId, Protocol>> = {
  args: argsProtocol,
  'json-stdin': jsonStdinProtocol,
  line: lineProtocol,
};

export function protocolFor(id: string): Protocol {
  if (!Object.hasOwn(protocols, id)) {
    throw new Error(
      `objective.protocol must be one of ${protocolIds.join(', ')} (got ${JSON.stringify(id)})`,
    );
  }
  return protocols[id as ProtocolId];
}
