/**
 * The backend of the "Train a model" workbench: the `train:*` channels of the IPC contract.
 * A training run is the engine's own (engine/node/train/session.ts) — the same run folder,
 * journal, checkpoints and model files as `evobox train` — started in this process and kept
 * in a registry by run folder, so Pause (stop after the step, resumable), Resume and Stop
 * work from any page. Pages poll `train:read` for journal lines past the ones they have.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  parseRequest,
  RequestError,
  type ExportedFile,
  type InvokeResponses,
  type TrainDataPreview,
  type TrainerInfo,
  type TrainJournalLine,
  type TrainProblemDraft,
  type TrainRunStatus,
  type TrainRunSummary,
  type TrainRunView,
} from '../ipc-contract';
import { describeOption } from '../../engine/core/strategy-info';
import { readTable } from '../../engine/node/train/data';
import { modelModuleJs, modelModulePy } from '../../engine/node/train/export-code';
import { loadTrainProblem, parseTrainProblem, type TrainProblem } from '../../engine/node/train/problem';
import {
  isTrainRun,
  readJournal,
  trainFiles,
  type ValidationPredictions,
} from '../../engine/node/train/run-files';
import {
  prepareTraining,
  resumeTraining,
  startTraining,
  type TrainHandle,
  type TrainResult,
} from '../../engine/node/train/session';
import { checkModelFile } from '../../engine/train/model-file';
import { trainers } from '../../engine/train/trainers/registry';

export type TrainChannel =
  | 'train:preview'
  | 'train:trainers'
  | 'train:start'
  | 'train:control'
  | 'train:read'
  | 'train:list'
  | 'train:export'
  | 'train:open';

const numberPattern = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

interface LiveTraining {
  handle: TrainHandle;
  status: TrainRunStatus;
  error?: string;
  /** Set by Stop: the run ends for good (it stays resumable from History). */
  stopping: boolean;
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** A loaded training problem as the workbench's setup (absolute paths). */
function draftOf(problem: TrainProblem): TrainProblemDraft {
  const { data, model, blackBox, trainer } = problem;
  return {
    name: problem.name,
    data: {
      file: data.file,
      inputs: data.inputs,
      targets: data.targets,
      ...('fraction' in data.validation ? { validation: { fraction: data.validation.fraction } } : {}),
    },
    model: { hidden: model.hidden, activation: model.activation, outputs: model.outputs.map((o) => o.name) },
    blackBox:
      'command' in blackBox
        ? {
            command: blackBox.command,
            protocol: blackBox.protocol,
            ...(blackBox.batch || blackBox.batchSize !== undefined ? { batch: true } : {}),
          }
        : {
            module: blackBox.module,
            export: blackBox.export,
            ...(blackBox.gradient ? { gradient: blackBox.gradient } : {}),
          },
    trainer: { name: trainer.name, batchSize: trainer.batchSize, options: trainer.options },
    budget: problem.budget,
    validateEvery: problem.validateEvery,
    checkpointEvery: problem.checkpointEvery,
    seed: problem.seed,
    workers: problem.workers,
    ...(problem.executor ? { executor: problem.executor } : {}),
  };
}

export class TrainService {
  private readonly live = new Map<string, LiveTraining>();

  constructor(private readonly runsDir: string) {}

  async invoke<C extends TrainChannel>(channel: C, payload: unknown): Promise<InvokeResponses[C]> {
    return (await this.dispatch(channel, payload)) as InvokeResponses[C];
  }

  private async dispatch(channel: TrainChannel, payload: unknown): Promise<unknown> {
    switch (channel) {
      case 'train:preview': {
        const { path, rows } = parseRequest(channel, payload);
        return this.preview(resolve(path), rows ?? 8);
      }
      case 'train:trainers': {
        const { dimension } = parseRequest(channel, payload);
        return Object.values(trainers).map((trainer): TrainerInfo => ({
          id: trainer.id,
          title: trainer.title,
          summary: trainer.summary,
          reference: trainer.reference,
          needsGradient: Boolean(trainer.needsGradient),
          options: Object.entries(trainer.options).map(([name, spec]) =>
            describeOption(name, spec, dimension),
          ),
        }));
      }
      case 'train:start': {
        const { problem, baseDir } = parseRequest(channel, payload);
        // The engine's own validation: errors name the field (`model.hidden[0]: …`).
        const parsed = parseTrainProblem(problem, resolve(baseDir));
        prepareTraining(parsed); // data, trainer and options checked before a folder is written
        const handle = await startTraining(parsed, { runsDir: this.runsDir });
        this.track(handle);
        return { runDir: handle.runDir };
      }
      case 'train:control': {
        const { runDir, action } = parseRequest(channel, payload);
        return { status: await this.control(resolve(runDir), action) };
      }
      case 'train:read': {
        const { runDir, from } = parseRequest(channel, payload);
        return this.read(resolve(runDir), from);
      }
      case 'train:list':
        parseRequest(channel, payload);
        return this.list();
      case 'train:export': {
        const { runDir, format } = parseRequest(channel, payload);
        return this.exportModel(resolve(runDir), format);
      }
      case 'train:open': {
        const { path } = parseRequest(channel, payload);
        return draftOf(loadTrainProblem(resolve(path)));
      }
      default: {
        const unknown: never = channel;
        throw new RequestError(`unknown channel ${String(unknown)}`);
      }
    }
  }

  private preview(path: string, rows: number): TrainDataPreview {
    const table = readTable(path);
    const shown = table.rows.slice(0, rows).map((row) => table.columns.map((column) => row[column] ?? ''));
    const numeric = table.columns.filter(
      (_, c) => shown.length > 0 && shown.every((row) => numberPattern.test(row[c])),
    );
    return { path, columns: table.columns, rows: shown, rowCount: table.rows.length, numeric };
  }

  private track(handle: TrainHandle): void {
    const runDir = resolve(handle.runDir);
    const entry: LiveTraining = { handle, status: 'running', stopping: false };
    this.live.set(runDir, entry);
    handle.done.then(
      (result: TrainResult) => {
        if (this.live.get(runDir) !== entry) return;
        if (result.stopReason !== 'stopped') entry.status = 'completed';
        else entry.status = entry.stopping ? 'stopped' : 'paused';
      },
      (error: unknown) => {
        if (this.live.get(runDir) !== entry) return;
        entry.status = 'failed';
        entry.error = error instanceof Error ? error.message : String(error);
      },
    );
  }

  private async control(runDir: string, action: 'pause' | 'resume' | 'stop'): Promise<TrainRunStatus> {
    const entry = this.live.get(runDir);
    if (action === 'resume') {
      if (entry?.status === 'running') return 'running';
      const status = entry?.status ?? this.statusOnDisk(runDir);
      if (status === 'completed')
        throw new Error(`${basename(runDir)} has completed; there is nothing to resume`);
      if (entry) await entry.handle.done.catch(() => undefined);
      this.track(await resumeTraining(runDir));
      return 'running';
    }
    if (!entry || entry.status !== 'running')
      throw new Error(`${basename(runDir)} is not running (${entry?.status ?? this.statusOnDisk(runDir)})`);
    entry.stopping = action === 'stop';
    entry.handle.stop();
    await entry.handle.done.catch(() => undefined);
    return entry.status;
  }

  private statusOnDisk(runDir: string): TrainRunStatus {
    if (!isTrainRun(runDir))
      throw new Error(`${runDir} is not a training run folder (no ${trainFiles.problem})`);
    return readJson(join(runDir, trainFiles.result)) ? 'completed' : 'interrupted';
  }

  private summary(
    runDir: string,
    journal: TrainJournalLine[],
  ): TrainRunSummary & { problem: TrainProblem | null } {
    const problem = readJson<TrainProblem>(join(runDir, trainFiles.problem));
    const entry = this.live.get(runDir);
    const last = journal.at(-1);
    const validated = journal.findLast((line) => line.validationLoss !== undefined);
    let createdAt: string;
    try {
      createdAt = statSync(join(runDir, trainFiles.problem)).mtime.toISOString();
    } catch {
      createdAt = new Date(0).toISOString();
    }
    return {
      runDir,
      name: problem?.name ?? basename(runDir),
      trainer: problem?.trainer?.name ?? '',
      status: entry?.status ?? this.statusOnDisk(runDir),
      createdAt,
      steps: last?.step ?? 0,
      fCalls: last?.fCalls ?? 0,
      failures: last?.failures ?? 0,
      validationLoss: validated?.validationLoss ?? null,
      problem,
    };
  }

  private read(runDir: string, from: number): TrainRunView {
    if (!isTrainRun(runDir))
      throw new Error(`${runDir} is not a training run folder (no ${trainFiles.problem})`);
    const journal = readJournal(runDir) as TrainJournalLine[];
    const { problem, ...summary } = this.summary(runDir, journal);
    const entry = this.live.get(runDir);
    return {
      ...summary,
      inputs: problem?.data.inputs ?? [],
      targets: problem?.data.targets ?? [],
      outputs: problem?.model.outputs.map((o) => o.name) ?? [],
      budget: problem?.budget ?? {},
      journal: journal.slice(from),
      total: journal.length,
      predictions: readJson<ValidationPredictions>(join(runDir, trainFiles.predictions)),
      ...(entry?.error ? { error: entry.error } : {}),
    };
  }

  private list(): TrainRunSummary[] {
    let names: string[];
    try {
      names = readdirSync(this.runsDir);
    } catch {
      return [];
    }
    return names
      .map((name) => join(this.runsDir, name))
      .filter(isTrainRun)
      .map((runDir) => {
        const { problem: _problem, ...summary } = this.summary(
          runDir,
          readJournal(runDir) as TrainJournalLine[],
        );
        return summary;
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runDir.localeCompare(a.runDir));
  }

  private exportModel(runDir: string, format: 'json' | 'mjs' | 'py'): ExportedFile {
    const raw = readJson<unknown>(join(runDir, trainFiles.model));
    if (raw === null)
      throw new Error(
        `${basename(runDir)} has no model yet (${trainFiles.model} is written at every checkpoint)`,
      );
    const model = checkModelFile(raw, join(runDir, trainFiles.model));
    const stem = `${basename(runDir)}-model`;
    if (format === 'json')
      return {
        filename: `${stem}.json`,
        mimeType: 'application/json',
        content: `${JSON.stringify(model, null, 2)}\n`,
      };
    if (format === 'mjs')
      return { filename: `${stem}.mjs`, mimeType: 'text/javascript', content: modelModuleJs(model) };
    return { filename: `${stem}.py`, mimeType: 'text/x-python', content: modelModulePy(model) };
  }

  /** Ends every live training run after its current step (server shutdown). */
  async close(): Promise<void> {
    const running = [...this.live.values()].filter((entry) => entry.status === 'running');
    for (const entry of running) entry.handle.stop();
    await Promise.all(running.map((entry) => entry.handle.done.catch(() => undefined)));
  }
}
