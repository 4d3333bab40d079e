/**
 * The application's state: the problem being edited, the strategy and run settings, the
 * current run and the history. Views read and write these fields; derived checks decide
 * what is shown as invalid and whether Start is enabled.
 */
import type {
  AppInfo,
  EvoboxApi,
  ExampleInfo,
  ExportFormat,
  OpenedProblem,
  ProbeResult,
  ProblemDraft,
  RunDetail,
  RunProgressBatch,
  RunStatusEvent,
  RunSummary,
  StrategyInfo,
  ValidationResult,
} from '../../../electron/ipc-contract';
import { buildDraft, checkSettings, settingsFromDraft, type RunSettingsText } from '../lib/draft';
import { defaultFieldValue, type OptionFieldValue } from '../lib/option-form';
import { checkRows, emptyRow, rowFromSpec, type ParameterRowText } from '../lib/parameter-rows';
import { RunSeries } from '../lib/run-series';
import { RunState, type RunContext } from './run-state.svelte';

export type ViewName = 'open' | 'problem' | 'strategy' | 'run' | 'history';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AppState {
  readonly api: EvoboxApi;
  info = $state<AppInfo | null>(null);
  view = $state<ViewName>('open');
  /** Last error, shown in the banner until dismissed. */
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  examples = $state<ExampleInfo[]>([]);

  // The problem being edited.
  opened = $state<OpenedProblem | null>(null);
  name = $state('');
  objective = $state<Record<string, unknown>>({});
  rows = $state<ParameterRowText[]>([]);
  validation = $state<ValidationResult | null>(null);
  probe = $state<ProbeResult | null>(null);
  probing = $state(false);
  probeError = $state<string | null>(null);

  // Strategy and run settings.
  strategies = $state<StrategyInfo[]>([]);
  strategyId = $state('');
  /** Options the user changed; everything else shows (and stays) the default. */
  optionOverrides = $state<Record<string, OptionFieldValue>>({});
  settings = $state<RunSettingsText>({
    seed: '1',
    workers: '1',
    budgetEvaluations: '',
    budgetSeconds: '',
    budgetTarget: '',
    restarts: 'none',
  });

  // Runs.
  run = $state<RunState | null>(null);
  starting = $state(false);
  history = $state<RunSummary[]>([]);
  compared = $state<RunDetail[]>([]);

  table = $derived(checkRows(this.rows));
  dimension = $derived(Math.max(1, this.rows.filter((r) => r.fixed === undefined).length));
  strategy = $derived(this.strategies.find((s) => s.id === this.strategyId) ?? null);
  optionFields = $derived.by(() => {
    const out: Record<string, OptionFieldValue> = {};
    for (const info of this.strategy?.options ?? []) {
      out[info.name] = this.optionOverrides[info.name] ?? defaultFieldValue(info);
    }
    return out;
  });
  settingsCheck = $derived(checkSettings(this.settings));
  built = $derived(
    this.opened
      ? buildDraft({
          base: this.opened.draft,
          name: this.name,
          objective: this.objective,
          rows: this.rows,
          strategyId: this.strategyId,
          optionInfos: this.strategy?.options ?? [],
          optionFields: this.optionFields,
          settings: this.settings,
        })
      : { draft: null, blockers: ['Open a problem first'] },
  );
  canStart = $derived(
    this.built.draft !== null &&
      !this.starting &&
      (!this.run || !this.run.live || this.run.status === 'finished' || this.run.status === 'failed'),
  );

  private unsubscribe: (() => void)[] = [];
  /**
   * Batches of runs the view has not attached to yet: over HTTP the first events can
   * overtake the answer to run:start. Bounded, and replayed when the run is attached.
   */
  // Plain buffers, deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private early = new Map<string, RunProgressBatch[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private earlyStatus = new Map<string, RunStatusEvent>();

  constructor(api: EvoboxApi) {
    this.api = api;
  }

  async init(): Promise<void> {
    this.unsubscribe.push(
      this.api.on('run:progress', (batch) => {
        const run = this.run;
        if (!run || run.runDir !== batch.runDir) {
          const list = this.early.get(batch.runDir) ?? [];
          if (list.length < 50) list.push(batch);
          this.early.set(batch.runDir, list);
          return;
        }
        run.series.push(batch);
        run.touchSoon();
      }),
      this.api.on('run:status', (event) => {
        const run = this.run;
        if (run && run.runDir === event.runDir) {
          run.touch(); // the final numbers with the final status
          run.status = event.status;
          if (event.result) run.result = event.result;
        } else {
          this.earlyStatus.set(event.runDir, event);
        }
        if (this.view === 'history' && (event.status === 'finished' || event.status === 'failed')) {
          void this.loadHistory();
        }
      }),
    );
    try {
      this.info = await this.api.invoke('app:info', {});
      this.examples = await this.api.invoke('examples:list', {});
      await this.loadStrategies();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
  }

  async loadStrategies(): Promise<void> {
    const list = await this.api.invoke('strategies:list', { dimension: this.dimension });
    this.strategies = list;
    if (!list.some((s) => s.id === this.strategyId) && list.length > 0) {
      const fallback = list.some((s) => s.id === 'cma-es') ? 'cma-es' : list[0].id;
      if (this.strategyId) {
        this.notice = `Strategy ${this.strategyId} is not available here; using ${fallback}.`;
        this.optionOverrides = {};
      }
      this.strategyId = fallback;
    }
  }

  /** Loads an opened problem into the editor. */
  useProblem(opened: OpenedProblem): void {
    this.opened = opened;
    this.name = opened.draft.name ?? '';
    this.objective = { ...opened.draft.objective };
    this.rows = (opened.draft.parameters ?? []).map(rowFromSpec);
    if (this.rows.length === 0) this.rows = [emptyRow([])];
    this.strategyId = opened.draft.strategy?.name ?? this.strategyId;
    const given = opened.draft.strategy?.options ?? {};
    this.optionOverrides = Object.fromEntries(
      Object.entries(given).map(([key, value]) => [key, typeof value === 'boolean' ? value : String(value)]),
    );
    this.settings = settingsFromDraft(opened.draft);
    this.validation = null;
    this.probe = null;
    this.probeError = null;
    this.error = opened.error ? `This problem file does not validate yet:\n${opened.error}` : null;
    this.view = 'problem';
    void this.loadStrategies().catch((error: unknown) => (this.error = errorText(error)));
  }

  async openProblem(path: string): Promise<void> {
    try {
      this.useProblem(await this.api.invoke('problem:open', { path }));
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async openExecutable(path: string): Promise<void> {
    try {
      this.useProblem(await this.api.invoke('problem:from-executable', { path }));
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /** Native dialog in Electron; null in browser mode (the caller shows the file browser). */
  async pickWithDialog(kind: 'executable' | 'problem'): Promise<string | null> {
    if (this.api.mode !== 'electron') return null;
    const picked = await this.api.invoke('dialog:open-file', { kind });
    return picked?.path ?? null;
  }

  async validate(): Promise<ValidationResult | null> {
    const draft = this.built.draft;
    if (!draft || !this.opened) {
      this.validation = { ok: false, errors: this.built.blockers };
      return this.validation;
    }
    try {
      this.validation = await this.api.invoke('problem:validate', { draft, baseDir: this.opened.baseDir });
    } catch (error) {
      this.validation = { ok: false, errors: [errorText(error)] };
    }
    return this.validation;
  }

  async runProbe(): Promise<void> {
    const draft = this.built.draft;
    if (!draft || !this.opened) {
      this.probeError = this.built.blockers.join('\n');
      return;
    }
    this.probing = true;
    this.probe = null;
    this.probeError = null;
    try {
      this.probe = await this.api.invoke('problem:probe', { draft, baseDir: this.opened.baseDir });
    } catch (error) {
      this.probeError = errorText(error);
    } finally {
      this.probing = false;
    }
  }

  async saveProblem(path: string): Promise<void> {
    const draft = this.built.draft;
    if (!draft || !this.opened) {
      this.error = this.built.blockers.join('\n');
      return;
    }
    try {
      const saved = await this.api.invoke('problem:save', { draft, baseDir: this.opened.baseDir, path });
      this.opened = { ...saved, draft: { ...this.opened.draft, ...saved.draft } };
      this.objective = { ...saved.draft.objective };
      this.notice = `Saved ${saved.path}`;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /** Makes `run` the current run and replays anything that arrived for it before. */
  private attach(run: RunState): void {
    for (const batch of this.early.get(run.runDir) ?? []) run.series.push(batch);
    const status = this.earlyStatus.get(run.runDir);
    if (status && run.live) {
      run.status = status.status;
      if (status.result) run.result = status.result;
    }
    this.early.clear();
    this.earlyStatus.clear();
    run.touch();
    this.run = run;
  }

  private contextOf(draft: ProblemDraft): RunContext {
    return {
      name: draft.name,
      objective: draft.objective,
      parameters: draft.parameters ?? [],
      budget: draft.budget ?? {},
      direction: draft.objective.direction === 'maximize' ? 'maximize' : 'minimize',
    };
  }

  async start(): Promise<void> {
    const draft = this.built.draft;
    if (!draft || !this.opened || this.starting) return;
    this.starting = true;
    try {
      const validation = await this.validate();
      if (!validation?.ok) {
        this.error = `The problem does not validate:\n${validation?.errors.join('\n')}`;
        return;
      }
      const { runDir } = await this.api.invoke('run:start', {
        draft,
        baseDir: this.opened.baseDir,
        ...(this.opened.path ? { problemPath: this.opened.path } : {}),
      });
      // Events may arrive before this point only for runDir; attach immediately.
      this.attach(new RunState(runDir, this.contextOf(draft), true));
      this.view = 'run';
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.starting = false;
    }
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const run = this.run;
    if (!run) return;
    try {
      const { status } = await this.api.invoke('run:control', { runDir: run.runDir, action });
      if (run.status !== 'finished' && run.status !== 'failed') run.status = status;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async exportRun(format: ExportFormat, runDir = this.run?.runDir): Promise<void> {
    if (!runDir) return;
    try {
      const file = await this.api.invoke('run:export', { runDir, format });
      if (this.api.mode === 'electron') {
        const saved = await this.api.invoke('dialog:save-file', {
          suggestedName: file.filename,
          content: file.content,
        });
        if (saved) this.notice = `Exported to ${saved.path}`;
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
      this.notice = `Downloaded ${file.filename}`;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async loadHistory(): Promise<void> {
    try {
      this.history = await this.api.invoke('runs:list', {});
      const known = this.history.map((r) => r.runDir);
      this.compared = this.compared.filter((d) => known.includes(d.summary.runDir));
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async toggleCompare(runDir: string): Promise<void> {
    if (this.compared.some((d) => d.summary.runDir === runDir)) {
      this.compared = this.compared.filter((d) => d.summary.runDir !== runDir);
      return;
    }
    try {
      const detail = await this.api.invoke('runs:read', { runDir, maxPoints: 2000 });
      this.compared = [...this.compared, detail];
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /** Shows a past run in the Run view (its curve, best and export) and loads its problem. */
  async reopen(runDir: string): Promise<void> {
    try {
      const detail = await this.api.invoke('runs:read', { runDir, maxPoints: 5000 });
      const draft = detail.problem ?? { name: detail.summary.name, objective: {} };
      const run = new RunState(runDir, this.contextOf(draft), false, RunSeries.fromCurve(detail.curve));
      run.status = detail.summary.status;
      run.savedBest = detail.best;
      run.series.failedEvaluations = detail.failedEvaluations;
      run.series.failures.push(...detail.failures);
      run.touch();
      this.run = run;
      if (detail.problem) {
        this.useProblem({ draft: detail.problem, baseDir: runDir, path: `${runDir}/problem.json` });
      }
      this.view = 'run';
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async resume(runDir: string): Promise<void> {
    try {
      const detail = await this.api.invoke('runs:read', { runDir, maxPoints: 5000 });
      const draft = detail.problem ?? { name: detail.summary.name, objective: {} };
      const run = new RunState(runDir, this.contextOf(draft), true, RunSeries.fromCurve(detail.curve));
      run.series.failedEvaluations = detail.failedEvaluations;
      this.attach(run);
      this.view = 'run';
      await this.api.invoke('run:resume-dir', { runDir });
    } catch (error) {
      this.error = errorText(error);
    }
  }

  addRow(): void {
    this.rows = [...this.rows, emptyRow(this.rows)];
  }

  removeRow(index: number): void {
    this.rows = this.rows.filter((_, k) => k !== index);
  }
}
