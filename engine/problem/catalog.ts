/**
 * What a client needs to edit a problem, published once by the backend (`app:info`): the
 * protocols an executable can speak and the limits the problem schema enforces. Plain JSON.
 */
import { protocolCatalog, protocolIds, type ProtocolDescriptor, type ProtocolId } from './protocols';
import { problemLimits, type ProblemLimits } from './schema';

export interface ProtocolInfo extends ProtocolDescriptor {
  id: ProtocolId;
}

export interface ProblemCatalog {
  /** In the catalog's order; the first is the default. */
  protocols: ProtocolInfo[];
  limits: ProblemLimits;
}

export function problemCatalog(): ProblemCatalog {
  return {
    protocols: protocolIds.map((id) => ({ id, ...protocolCatalog[id] })),
    limits: problemLimits,
  };
}
