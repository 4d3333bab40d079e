/**
 * Writing a run folder: only the process holding its lock (lock.ts) does, through this
 * class. Every state file is replaced atomically; the checkpoint keeps its predecessor as
 * `checkpoint.prev.json`, so a checkpoint damaged on disk never leaves a run without one.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newMatricesFile, removeUnusedMatrices, writeMatrices } from './checkpoint-matrices';
import { JournalWriter } from './journal';
import { ParamRowsWriter, binaryParamsDimension } from './param-rows';
import { runFiles, type BestFile, type CheckpointFile, type ResultFile, type RunMeta } from './layout';
import { acquireRunLock, type RunLock } from './lock';
import { RunFolderReader } from './reader';
import { readStateFileLeniently, writeJsonAtomic } from './state-file';

export class RunFolderWriter extends RunFolderReader {
  private constructor(
    dir: string,
    readonly lock: RunLock,
    /** True when this writer made the folder (so `discard` may remove it whole). */
    private readonly madeFolder = false,
  ) {
    super(dir);
  }

  /**
   * A new run's folder (`dir` new or empty), locked. If the run cannot start after all,
   * `discard()` removes what was written, so no empty or half-written folder stays behind.
   */
  static create(dir: string, madeFolder: boolean): RunFolderWriter {
    mkdirSync(dir, { recursive: true });
    return new RunFolderWriter(dir, acquireRunLock(dir), madeFolder);
  }

  /** Takes the folder's lock (taking over a dead holder's): throws RunLockedError if it is held. */
  static open(dir: string): RunFolderWriter {
    return new RunFolderWriter(dir, acquireRunLock(dir));
  }

  /** Variables every program the run starts carries (how leftovers are found after a crash). */
  get processEnvironment(): Record<string, string> {
    return this.lock.environment;
  }

  writeProblem(problem: unknown): void {
    writeJsonAtomic(this.path('problem'), problem);
  }

  writeMeta(meta: RunMeta): void {
    writeJsonAtomic(this.path('meta'), meta);
  }

  writeBest(best: BestFile): void {
    writeJsonAtomic(this.path('best'), best);
  }

  writeResult(result: ResultFile): void {
    writeJsonAtomic(this.path('result'), result);
  }

  /** The side file checkpoint.json names (undefined: not looked at yet by this writer). */
  private currentMatrices: string | null | undefined;

  /**
   * Replaces the checkpoint, keeping the one it replaces as checkpoint.prev.json. `arrays`
   * (the state's `$f64at` arrays, see state-codec.ts) go to a new side file first.
   */
  writeCheckpoint(checkpoint: CheckpointFile, arrays?: readonly Float64Array[]): void {
    if (this.currentMatrices === undefined)
      this.currentMatrices =
        readStateFileLeniently<CheckpointFile>(this.path('checkpoint'))?.matrices?.file ?? null;
    let file: string | null = null;
    if (arrays && arrays.length > 0) {
      file = newMatricesFile();
      const float64s = writeMatrices(this.dir, file, arrays);
      checkpoint = { ...checkpoint, version: 2, matrices: { file, float64s } };
    }
    this.replaceCheckpoint(checkpoint);
    // The new checkpoint and its predecessor keep their side files; older ones go.
    const keep = new Set([file, this.currentMatrices].filter((name): name is string => name !== null));
    this.currentMatrices = file;
    removeUnusedMatrices(this.dir, keep);
  }

  private replaceCheckpoint(checkpoint: CheckpointFile): void {
    const current = this.path('checkpoint');
    if (existsSync(current)) {
      // A second name for the current checkpoint, then a rename over the previous one:
      // at every moment checkpoint.json is whole, and so is checkpoint.prev.json.
      const previous = this.path('previousCheckpoint');
      const temporary = `${previous}.tmp-${process.pid}`;
      rmSync(temporary, { force: true });
      try {
        linkSync(current, temporary);
      } catch {
        copyFileSync(current, temporary); // a file system without hard links
      }
      renameSync(temporary, previous);
    }
    writeJsonAtomic(current, checkpoint);
  }

  /**
   * Moves a checkpoint that cannot be used out of the way (to `<name>.damaged`), so the
   * next checkpoint does not keep it as the previous one.
   */
  setAsideDamaged(which: 'checkpoint' | 'previousCheckpoint'): void {
    const path = this.path(which);
    if (existsSync(path)) renameSync(path, `${path}.damaged`);
  }

  /**
   * The journal, appending. Runs with `binaryFrom` or more parameters (and runs that already
   * have a params.f64) keep their parameters as binary rows in params.f64.
   */
  openJournal(parameterNames: readonly string[] = [], binaryFrom = binaryParamsDimension): JournalWriter {
    const binary =
      parameterNames.length > 0 && (parameterNames.length >= binaryFrom || existsSync(this.path('params')));
    return new JournalWriter(
      this.path('journal'),
      binary ? new ParamRowsWriter(this.path('params'), parameterNames) : undefined,
    );
  }

  /** The root of the evaluations' scratch directories, created if needed. */
  scratchDir(): string {
    const dir = this.path('scratch');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  release(): void {
    this.lock.release();
  }

  /** Removes a run folder that never started: the whole folder if this writer made it, else its files. */
  discard(): void {
    this.release();
    if (this.madeFolder) {
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    for (const name of Object.values(runFiles))
      rmSync(join(this.dir, name), { recursive: true, force: true });
  }
}
