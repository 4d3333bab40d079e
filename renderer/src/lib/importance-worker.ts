/**
 * Parameter importance off the page's thread: fitting the forest takes tens of milliseconds
 * for a few thousand evaluations, which would make the page stutter while a run streams.
 */
import { parameterImportance, type ImportanceResult } from './importance';

export interface ImportanceRequest {
  id: number;
  columns: Float64Array[];
  fitness: (number | null)[];
}
export interface ImportanceReply {
  id: number;
  result: ImportanceResult;
}

self.onmessage = (event: MessageEvent<ImportanceRequest>) => {
  const { id, columns, fitness } = event.data;
  const reply: ImportanceReply = { id, result: parameterImportance(columns, fitness, { seed: 1 }) };
  self.postMessage(reply);
};
