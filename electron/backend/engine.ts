/**
 * The one place the desktop backend touches the engine's Node API. Everything the UI
 * backend needs from engine/node goes through these names, so an engine change is one
 * edit here.
 */
export {
  loadProblem,
  parseProblem,
  problemToJson,
  ProblemError,
  type Problem,
} from '../../engine/node/problem/schema';
export { startRun, resumeRun, loadRunProblem } from '../../engine/node/run/runner';
export { BudgetError, type BudgetChange } from '../../engine/node/run/budget';
export { exportRun } from '../../engine/node/run/export';
export { probeProblem, type ProbeReport } from '../../engine/node/run/probe';
export {
  killOwnRunProcesses,
  openRunFolder,
  parseJournalLine,
  ParamRowsReader,
  runFiles,
  type JournalRecord,
  type RunFolderReader,
  type RunMeta,
} from '../../engine/node/run/folder';
export { evoboxVersion } from '../../engine/node/version';
export { readQueueStatus } from '../../engine/node/executors/bullmq-status';
export { strategies } from '../../engine/strategies/registry';
export { builtinFunctions } from '../../engine/objectives/index';
export type {
  GenerationEvent,
  RunHandle,
  RunResult,
  RunStatus,
  StopOptions,
} from '../../engine/node/run/types';
export { defaultStopGraceSeconds } from '../../engine/node/run/types';
