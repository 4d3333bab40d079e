/**
 * The "Train a model" workbench's state (Svelte 5 runes): the setup as the form edits it, the
 * training run it started (polled through `train:read`, journal lines appended to column
 * arrays the charts draw), and the training runs History compares. One instance per page, so
 * leaving the Open step and coming back finds the run where it was.
 */
import type {
  OptionInfo,
  TrainDataPreview,
  TrainerInfo,
  TrainProblemDraft,
  TrainRunSummary,
  TrainRunView,
} from '../../../../electron/ipc-contract';
import type { AppState } from '../../state/app-state.svelte';
import { collectOptions, initialFields, type OptionFieldValue } from '../../lib/option-form';
import { executorField, executorOf, type ExecutorChoice } from '../../lib/executor-choice';
import {
  blackBoxDraft,
  parseHidden,
  parameterCount,
  trainerProblem,
  type BlackBoxFields,
  type BlackBoxKind,
} from './train-form';

/** Column arrays of one training run's journal, as the charts draw them. */
export class TrainSeries {
  fCalls: number[] = [];
  trainLoss: (number | null)[] = [];
  validationCalls: number[] = [];
  validationLoss: number[] = [];
  total = 0;

  append(view: TrainRunView): void {
    for (const line of view.journal) {
      this.fCalls.push(line.fCalls);
      this.trainLoss.push(line.trainLoss);
      if (line.validationLoss !== undefined && line.validationLoss !== null) {
        this.validationCalls.push(line.fCalls);
        this.validationLoss.push(line.validationLoss);
      }
    }
    this.total = view.total;
  }
}

const pollMs = 300;

export class TrainState {
  // setup
  dataPath = $state('');
  preview = $state<TrainDataPreview | null>(null);
  inputs = $state<string[]>([]);
  targets = $state<string[]>([]);
  blackBoxKind = $state<BlackBoxKind>('command');
  command = $state('');
  protocol = $state('line');
  batch = $state(false);
  module = $state('');
  exportName = $state('');
  gradientName = $state('');
  executor = $state<ExecutorChoice>({ kind: 'local' });
  modelKind = $state<'mlp' | 'linear'>('mlp');
  hiddenText = $state('16');
  activation = $state('tanh');
  outputsText = $state('o');
  trainers = $state<TrainerInfo[]>([]);
  trainerId = $state('fd-backprop');
  optionFields = $state<Record<string, OptionFieldValue>>({});
  batchSize = $state(32);
  steps = $state(200);
  validationFraction = $state(0.2);
  validateEvery = $state(10);
  seed = $state(1);
  name = $state('train');

  /** The workbench is open on the Open step. */
  shown = $state(false);

  // the run this page started or opened
  view = $state<TrainRunView | null>(null);
  series = $state<TrainSeries>(new TrainSeries());
  /** Bumped whenever `series` grew. */
  version = $state(0);
  busy = $state(false);
  private timer: ReturnType<typeof setInterval> | null = null;
  private reading = false;

  // History
  runs = $state<TrainRunSummary[]>([]);
  compared = $state<{ summary: TrainRunSummary; series: TrainSeries }[]>([]);

  constructor(readonly app: AppState) {}

  get trainer(): TrainerInfo | undefined {
    return this.trainers.find((t) => t.id === this.trainerId);
  }

  get hidden(): number[] | string {
    return this.modelKind === 'linear' ? [] : parseHidden(this.hiddenText);
  }

  get outputs(): string[] {
    return this.outputsText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  get blackBoxFields(): BlackBoxFields {
    return {
      kind: this.blackBoxKind,
      command: this.command,
      protocol: this.protocol,
      batch: this.batch,
      module: this.module,
      exportName: this.exportName,
      gradientName: this.gradientName,
    };
  }

  get weightCount(): number {
    const hidden = this.hidden;
    if (typeof hidden === 'string') return 1;
    return parameterCount(this.inputs.length || 1, hidden, this.outputs.length || 1);
  }

  get options(): { options: Record<string, number | boolean | string>; errors: Record<string, string> } {
    return collectOptions(this.trainer?.options ?? [], this.optionFields);
  }

  /** Why Start is not possible yet, or null. */
  get missing(): string | null {
    if (!this.preview) return 'pick a data file';
    if (this.inputs.length === 0) return 'choose at least one input column (X)';
    if (this.targets.length === 0) return 'choose at least one target column (Y)';
    if (this.blackBoxKind === 'command' ? !this.command.trim() : !this.module.trim())
      return 'pick the black box F';
    const trainerIssue = trainerProblem(this.trainer, this.blackBoxKind);
    if (trainerIssue) return trainerIssue;
    if (typeof this.hidden === 'string') return `model hidden sizes: ${this.hidden}`;
    if (this.outputs.length === 0) return 'name the model outputs o';
    const errors = Object.entries(this.options.errors);
    if (errors.length) return `trainer option ${errors[0][0]} ${errors[0][1]}`;
    return null;
  }

  get running(): boolean {
    return this.view?.status === 'running';
  }

  private fail(error: unknown): void {
    this.app.error = error instanceof Error ? error.message : String(error);
  }

  async loadTrainers(): Promise<void> {
    try {
      this.trainers = await this.app.api.invoke('train:trainers', { dimension: this.weightCount });
      this.selectTrainer(this.trainerId);
    } catch (error) {
      this.fail(error);
    }
  }

  selectTrainer(id: string): void {
    this.trainerId = id;
    const infos: OptionInfo[] = this.trainer?.options ?? [];
    this.optionFields = initialFields(infos, {});
  }

  async pickData(path: string): Promise<void> {
    try {
      const preview = await this.app.api.invoke('train:preview', { path, rows: 8 });
      this.preview = preview;
      this.dataPath = preview.path;
      // A guess the user corrects with the checkboxes: y… columns are targets, the rest inputs.
      const targets = preview.numeric.filter((c) => /^(y|target)/i.test(c));
      this.targets = targets.length ? targets : preview.numeric.slice(-1);
      this.inputs = preview.numeric.filter((c) => !this.targets.includes(c));
      this.name = (path.split('/').at(-2) ?? 'train').replace(/[^A-Za-z0-9_.-]/g, '-') || 'train';
    } catch (error) {
      this.fail(error);
    }
  }

  /** Fills the setup from an `evobox train` problem file (the examples list's "Open"). */
  async openFile(path: string): Promise<void> {
    try {
      const draft = await this.app.api.invoke('train:open', { path });
      await this.pickData(draft.data.file);
      this.inputs = [...draft.data.inputs];
      this.targets = [...draft.data.targets];
      this.validationFraction = draft.data.validation?.fraction ?? this.validationFraction;
      const blackBox = draft.blackBox;
      if ('module' in blackBox) {
        this.blackBoxKind = 'module';
        this.module = blackBox.module;
        this.exportName = blackBox.export ?? '';
        this.gradientName = blackBox.gradient ?? '';
      } else {
        this.blackBoxKind = 'command';
        this.command = blackBox.command;
        this.protocol = blackBox.protocol ?? 'line';
        this.batch = Boolean(blackBox.batch);
      }
      this.executor = executorOf(draft);
      this.modelKind = draft.model.hidden.length ? 'mlp' : 'linear';
      this.hiddenText = draft.model.hidden.join(', ') || '16';
      this.activation = draft.model.activation ?? 'tanh';
      this.outputsText = draft.model.outputs.join(', ');
      this.batchSize = draft.trainer.batchSize ?? this.batchSize;
      this.steps = draft.budget.steps ?? this.steps;
      this.validateEvery = draft.validateEvery ?? this.validateEvery;
      this.seed = draft.seed ?? this.seed;
      this.name = draft.name ?? this.name;
      this.trainers = await this.app.api.invoke('train:trainers', { dimension: this.weightCount });
      this.trainerId = draft.trainer.name;
      this.optionFields = initialFields(this.trainer?.options ?? [], draft.trainer.options ?? {});
      this.shown = true;
    } catch (error) {
      this.fail(error);
    }
  }

  toggle(list: 'inputs' | 'targets', column: string): void {
    const other = list === 'inputs' ? 'targets' : 'inputs';
    if (this[list].includes(column)) this[list] = this[list].filter((c) => c !== column);
    else {
      this[list] = [...this[list], column];
      this[other] = this[other].filter((c) => c !== column);
    }
  }

  draft(): TrainProblemDraft {
    const hidden = this.hidden;
    return {
      name: this.name,
      data: {
        file: this.dataPath,
        inputs: [...this.inputs],
        targets: [...this.targets],
        validation: { fraction: this.validationFraction },
      },
      model: {
        hidden: typeof hidden === 'string' ? [] : hidden,
        activation: this.activation,
        outputs: this.outputs,
      },
      blackBox: blackBoxDraft(this.blackBoxFields),
      trainer: { name: this.trainerId, batchSize: this.batchSize, options: this.options.options },
      budget: { steps: this.steps },
      validateEvery: this.validateEvery,
      checkpointEvery: this.validateEvery,
      seed: this.seed,
      ...executorField(this.executor),
    };
  }

  async start(): Promise<void> {
    if (this.missing) return;
    this.busy = true;
    try {
      const baseDir = this.dataPath.slice(0, this.dataPath.lastIndexOf('/')) || '/';
      const { runDir } = await this.app.api.invoke('train:start', { problem: this.draft(), baseDir });
      await this.attach(runDir);
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  /** Shows a training run (a new one, or one from History) and follows it while it runs. */
  async attach(runDir: string): Promise<void> {
    this.stopPolling();
    this.shown = true;
    this.series = new TrainSeries();
    this.view = null;
    await this.poll(runDir);
    this.timer = setInterval(() => void this.poll(runDir), pollMs);
  }

  private async poll(runDir: string): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const view = await this.app.api.invoke('train:read', { runDir, from: this.series.total });
      this.series.append(view);
      this.view = view;
      this.version += 1;
      if (view.status !== 'running') this.stopPolling();
      if (view.error) this.app.error = `Training failed: ${view.error}`;
    } catch (error) {
      this.stopPolling();
      this.fail(error);
    } finally {
      this.reading = false;
    }
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const runDir = this.view?.runDir;
    if (!runDir) return;
    try {
      await this.app.api.invoke('train:control', { runDir, action });
      if (action === 'resume') {
        this.stopPolling();
        this.timer = setInterval(() => void this.poll(runDir), pollMs);
      }
      await this.poll(runDir);
    } catch (error) {
      this.fail(error);
    }
  }

  async exportModel(format: 'json' | 'mjs' | 'py', runDir = this.view?.runDir): Promise<void> {
    if (!runDir) return;
    try {
      const file = await this.app.api.invoke('train:export', { runDir, format });
      if (this.app.api.mode === 'electron') {
        const saved = await this.app.api.invoke('dialog:save-file', {
          suggestedName: file.filename,
          content: file.content,
        });
        if (saved) this.app.notice = `Exported to ${saved.path}`;
        return;
      }
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.app.notice = `Downloaded ${file.filename}`;
    } catch (error) {
      this.fail(error);
    }
  }

  async loadRuns(): Promise<void> {
    try {
      this.runs = await this.app.api.invoke('train:list', {});
      const known = this.runs.map((r) => r.runDir);
      this.compared = this.compared.filter((c) => known.includes(c.summary.runDir));
    } catch (error) {
      this.fail(error);
    }
  }

  async toggleCompare(runDir: string): Promise<void> {
    if (this.compared.some((c) => c.summary.runDir === runDir)) {
      this.compared = this.compared.filter((c) => c.summary.runDir !== runDir);
      return;
    }
    try {
      const view = await this.app.api.invoke('train:read', { runDir, from: 0 });
      const series = new TrainSeries();
      series.append(view);
      this.compared = [...this.compared, { summary: view, series }];
    } catch (error) {
      this.fail(error);
    }
  }
}

const states = new WeakMap<AppState, TrainState>();

/** The page's one TrainState (kept while the app lives, across steps). */
export function trainStateOf(app: AppState): TrainState {
  let state = states.get(app);
  if (!state) {
    state = new TrainState(app);
    states.set(app, state);
  }
  return state;
}
