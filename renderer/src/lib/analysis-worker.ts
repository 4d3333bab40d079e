/**
 * The analysis views' heavy numerics off the page's thread: fitting the importance forest and
 * estimating the contour's surface take tens to hundreds of milliseconds for a few thousand
 * evaluations, which would delay a click on Pause while a run streams (bench/ui-under-load).
 */
import { parameterImportance, type ImportanceResult } from './importance';
import type { Range } from './landscape';
import { estimateLandscape, type LandscapeEstimate } from './landscape-estimate';

export interface ImportanceTask {
  kind: 'importance';
  columns: Float64Array[];
  fitness: (number | null)[];
}

export interface SurfaceTask {
  kind: 'surface';
  points: number[][];
  fitness: (number | null)[];
  xRange: Range;
  yRange: Range;
  grid: number;
}

export type AnalysisTask = ImportanceTask | SurfaceTask;

export interface AnalysisResults {
  importance: ImportanceResult;
  surface: LandscapeEstimate;
}

/** What a task computes, the same on the page (fallback) and in the worker. */
export function runAnalysisTask<T extends AnalysisTask>(task: T): AnalysisResults[T['kind']];
export function runAnalysisTask(task: AnalysisTask): ImportanceResult | LandscapeEstimate {
  if (task.kind === 'importance') return parameterImportance(task.columns, task.fitness, { seed: 1 });
  const { points, fitness, xRange, yRange, grid } = task;
  return estimateLandscape(points, fitness, 0, 1, xRange, yRange, { nx: grid, ny: grid });
}

export interface AnalysisRequest {
  id: number;
  task: AnalysisTask;
}
export interface AnalysisReply {
  id: number;
  result: AnalysisResults[AnalysisTask['kind']];
}

// Only inside a worker (the module is also imported by the page for its types and fallback).
if (typeof window === 'undefined' && typeof self !== 'undefined' && 'postMessage' in self) {
  self.onmessage = (event: MessageEvent<AnalysisRequest>) => {
    const { id, task } = event.data;
    const reply: AnalysisReply = { id, result: runAnalysisTask(task) };
    self.postMessage(reply);
  };
}
