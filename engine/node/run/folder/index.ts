/**
 * The run folder: the one module that knows its files and their formats. Readers
 * (`openRunFolder`) never change a folder; a writer (`RunFolderWriter`) holds its lock.
 */
export { runFiles, createRunDir } from './layout';
export type { BestFile, CheckpointFile, ResultFile, RunMeta } from './layout';
export {
  JournalWriter,
  parseJournalLine,
  readJournal,
  repairJournalTail,
  type JournalRecord,
  type JournalScan,
} from './journal';
export { JsonTooLargeError, StateFileError, readStateFile, writeJsonAtomic } from './state-file';
export { RunFolderReader, NotARunFolderError, openRunFolder, type ProblemFileSummary } from './reader';
export { RunFolderWriter } from './writer';
export { ParamRowsReader, binaryParamsDimension } from './param-rows';
export {
  RunLockedError,
  acquireRunLock,
  describeHolder,
  holderState,
  killOwnRunProcesses,
  type LockHolder,
  type RunLock,
} from './lock';
export { endTaggedProcesses, killTaggedProcessesNow, runTokenVariable } from './processes';
