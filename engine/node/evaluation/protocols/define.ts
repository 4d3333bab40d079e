import { protocolCatalog, type ProtocolId } from '../../../problem/protocols';
import type { Protocol, ProtocolImplementation } from './types';

/** Joins an implementation to its catalog entry, so title, summary and dispatch are written once. */
export function defineProtocol(id: ProtocolId, implementation: ProtocolImplementation): Protocol {
  return { id, ...protocolCatalog[id], ...implementation };
}
