/**
 * The application's state: the problem being edited, the strategy and run settings, the
 * current run and the history. Views read and write these fields; derived checks decide
 * what is shown as invalid and whether Start is enabled.
 */
import type {
  AppInfo,
  ConnectionState,
  EvoboxApi,
  ExampleInfo,
  ExportFormat,
  LiveRunSnapshot,
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
import { executorOf } from '../lib/executor-choice';
import { RunState, type RunContext } from './run-state.svelte';

export type ViewName = 'open' | 'problem' | 'strategy' | 'run' | 'history';

/** Where a tab remembers which run it shows, so a reload (F5) shows it again. */
export type ViewMemory = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const RUN_KEY = 'evobox-run';
const VIEW_KEY = 'evobox-view';
/** Batches kept per run the page has not attached to yet (the newest ones). */
const EARLY_BATCHES = 200;

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

  /** The link to the backend; controls are disabled while it is not `connected`. */
  connection = $state<ConnectionState>('connected');

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

  private readonly memory: ViewMemory | null;

  constructor(api: EvoboxApi, memory: ViewMemory | null = null) {
    this.api = api;
    this.memory = memory;
  }

  get connected(): boolean {
    return this.connection === 'connected';
  }

  /**
   * Shows an error in the banner. A request that failed because the server is unreachable
   * (fetch's TypeError) is not repeated there while the connection banner says so.
   */
  private fail(error: unknown): void {
    if (!this.connected && error instanceof TypeError) return;
    this.error = errorText(error);
  }

  async init(): Promise<void> {
    this.unsubscribe.push(
      this.api.on('run:progress', (batch) => {
        const run = this.run;
        if (!run || run.runDir !== batch.runDir) {
          const list = this.early.get(batch.runDir) ?? [];
          list.push(batch);
          if (list.length > EARLY_BATCHES) list.shift();
          this.early.set(batch.runDir, list);
          return;
        }
        run.series.push(batch);
        run.touchSoon();
      }),
      this.api.on('run:status', (event) => {
        const run = this.run;
        if (run && run.runDir === event.runDir) {
          run.applyStatus(event);
        } else {
          this.earlyStatus.set(event.runDir, event);
        }
        if (this.view === 'history') void this.loadHistory();
      }),
    );
    if (this.api.onConnection) {
      let wasLost = false;
      this.unsubscribe.push(
        this.api.onConnection((state) => {
          this.connection = state;
          if (state === 'lost') wasLost = true;
          else if (state === 'connected' && wasLost) {
            wasLost = false;
            void this.reconnected();
          }
        }),
      );
    }
    try {
      this.info = await this.api.invoke('app:info', {});
      this.examples = await this.api.invoke('examples:list', {});
      await this.loadStrategies();
      await this.restoreView();
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * After a reload: the run this tab showed, and the view it was on. A new tab shows the
   * newest live run, if there is one (with full control: the backend owns runs, not pages).
   */
  private async restoreView(): Promise<void> {
    const remembered = this.memory?.getItem(RUN_KEY) ?? null;
    const view = this.memory?.getItem(VIEW_KEY) as ViewName | null;
    // A remembered run that is gone (another runs folder, deleted) is forgotten quietly.
    const shown = remembered !== null && (await this.show(remembered, { loadProblem: true, quiet: true }));
    if (!shown) {
      this.memory?.removeItem(RUN_KEY);
      const live = await this.api.invoke('runs:live', {});
      if (live[0]) await this.show(live[0].runDir, { loadProblem: true });
    }
    if (view === 'history') this.go('history');
  }

  /** Switches the view and remembers it for a reload. */
  go(view: ViewName): void {
    this.view = view;
    this.memory?.setItem(VIEW_KEY, view);
    if (view === 'history') void this.loadHistory();
  }

  /**
   * Shows a run in the Run view: attached to it with full control while the backend runs it,
   * else as read back from its folder.
   */
  async show(runDir: string, how: { loadProblem: boolean; quiet?: boolean }): Promise<boolean> {
    try {
      const attachment = await this.api.invoke('run:attach', { runDir });
      if (attachment.live) {
        this.attachLive(attachment, how.loadProblem);
        return true;
      }
      // A long journal: the run is shown from its first rows, and completed once it is read.
      const detail = await this.api.invoke('runs:read', { runDir, maxPoints: 5000, partial: true });
      this.showDetail(runDir, detail, how.loadProblem);
      if (detail.reading) void this.completeDetail(runDir);
      return true;
    } catch (error) {
      if (!how.quiet) this.fail(error);
      return false;
    }
  }

  private attachLive(snapshot: LiveRunSnapshot, loadProblem: boolean): void {
    const draft = snapshot.problem ?? { name: snapshot.name, objective: {} };
    const current = this.run;
    // Reattaching to the run shown keeps what it has drawn; the snapshot fills the gap.
    const series =
      current && current.runDir === snapshot.runDir ? current.series : RunSeries.fromCurve(snapshot.earlier);
    series.push({ generations: snapshot.generations, failures: snapshot.failures });
    series.failedEvaluations = Math.max(series.failedEvaluations, snapshot.failedEvaluations);
    const run = new RunState(snapshot.runDir, this.contextOf(draft), true, series);
    run.status = snapshot.status;
    run.statusSeq = snapshot.statusSeq;
    run.savedBest = snapshot.earlierBest ?? current?.best ?? null;
    if (loadProblem && snapshot.problem) this.loadRunProblem(snapshot.runDir, snapshot.problem);
    this.attach(run);
    this.view = 'run';
  }

  /** The run's problem in the editor (as it was run), so it can be changed and started again. */
  private loadRunProblem(runDir: string, problem: ProblemDraft): void {
    this.useProblem({ draft: problem, baseDir: runDir, path: `${runDir}/problem.json` });
  }

  /** The connection is back: catch up on what the run shown did meanwhile (or how it ended). */
  private async reconnected(): Promise<void> {
    const run = this.run;
    if (run) await this.show(run.runDir, { loadProblem: false });
    if (this.view === 'history') await this.loadHistory();
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
    void this.loadStrategies().catch((error: unknown) => this.fail(error));
  }

  async openProblem(path: string): Promise<void> {
    try {
      this.useProblem(await this.api.invoke('problem:open', { path }));
    } catch (error) {
      this.fail(error);
    }
  }

  async openExecutable(path: string): Promise<void> {
    try {
      this.useProblem(await this.api.invoke('problem:from-executable', { path }));
    } catch (error) {
      this.fail(error);
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
      this.fail(error);
    }
  }

  /**
   * Makes `run` the current run and replays anything that arrived for it before (the series
   * skips what it holds already; status events older than the run's state are ignored).
   */
  private attach(run: RunState): void {
    for (const batch of this.early.get(run.runDir) ?? []) run.series.push(batch);
    const status = this.earlyStatus.get(run.runDir);
    if (status && run.live) run.applyStatus(status);
    this.early.clear();
    this.earlyStatus.clear();
    run.touch();
    this.run = run;
    this.memory?.setItem(RUN_KEY, run.runDir);
  }

  private contextOf(draft: ProblemDraft): RunContext {
    return {
      name: draft.name,
      objective: draft.objective,
      parameters: draft.parameters ?? [],
      budget: draft.budget ?? {},
      direction: draft.objective.direction === 'maximize' ? 'maximize' : 'minimize',
      executor: executorOf(draft),
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
      this.fail(error);
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
      this.fail(error);
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
      this.fail(error);
    }
  }

  async loadHistory(): Promise<void> {
    try {
      this.history = await this.api.invoke('runs:list', {});
      const known = this.history.map((r) => r.runDir);
      this.compared = this.compared.filter((d) => known.includes(d.summary.runDir));
    } catch (error) {
      this.fail(error);
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
      this.fail(error);
    }
  }

  /** History → Open: a live run is attached to (full control), a past one read back. */
  async open(runDir: string): Promise<void> {
    await this.show(runDir, { loadProblem: true });
  }

  /** Shows a past run in the Run view (its curve, best and export) and loads its problem. */
  async reopen(runDir: string, loadProblem = true): Promise<void> {
    try {
      this.showDetail(runDir, await this.api.invoke('runs:read', { runDir, maxPoints: 5000 }), loadProblem);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * The past run shown was read from part of its journal: reads it again until the whole
   * journal is in, then shows it whole (the view stays where the user is).
   */
  private async completeDetail(runDir: string): Promise<void> {
    for (let attempt = 0; attempt < 1200; attempt++) {
      await new Promise((wake) => setTimeout(wake, 500));
      const shown = this.run;
      if (!shown || shown.runDir !== runDir || shown.live) return;
      let detail: RunDetail;
      try {
        detail = await this.api.invoke('runs:read', { runDir, maxPoints: 5000, partial: true });
      } catch {
        continue; // the connection dropped: reconnected() shows the run again
      }
      if (this.run !== shown) return;
      if (!detail.reading) {
        this.showDetail(runDir, detail, false, false);
        return;
      }
    }
  }

  private showDetail(runDir: string, detail: RunDetail, loadProblem: boolean, switchView = true): void {
    const draft = detail.problem ?? { name: detail.summary.name, objective: {} };
    const run = new RunState(runDir, this.contextOf(draft), false, RunSeries.fromCurve(detail.curve));
    run.status = detail.summary.status;
    run.savedBest = detail.best;
    run.series.failedEvaluations = detail.failedEvaluations;
    run.series.push({ generations: [], failures: detail.failures });
    if (detail.summary.stopReason) {
      run.result = {
        stopReason: detail.summary.stopReason,
        evaluations: detail.summary.evaluations,
        failedEvaluations: detail.failedEvaluations,
        elapsedMs: 0,
        best: detail.best,
      };
    }
    this.attach(run);
    if (loadProblem && detail.problem) this.loadRunProblem(runDir, detail.problem);
    if (switchView) this.view = 'run';
  }

  /** History → Resume: an interrupted run goes on where its folder says it was. */
  async resume(runDir: string): Promise<void> {
    try {
      const detail = await this.api.invoke('runs:read', { runDir, maxPoints: 5000 });
      const draft = detail.problem ?? { name: detail.summary.name, objective: {} };
      const run = new RunState(runDir, this.contextOf(draft), true, RunSeries.fromCurve(detail.curve));
      run.series.failedEvaluations = detail.failedEvaluations;
      run.savedBest = detail.best;
      this.attach(run);
      this.view = 'run';
      await this.api.invoke('run:resume-dir', { runDir });
    } catch (error) {
      this.fail(error);
      await this.reopen(runDir, false);
    }
  }

  /**
   * Continue: the run shown (finished, stopped or interrupted) goes on with `more`
   * evaluations, from where it was — its counters and charts continue, they do not restart.
   */
  async continueRun(more: number): Promise<void> {
    const shown = this.run;
    if (!shown || !Number.isInteger(more) || more < 1) return;
    const total = shown.evaluations + more;
    const context = { ...shown.context, budget: { ...shown.context.budget, evaluations: total } };
    const run = new RunState(shown.runDir, context, true, shown.series);
    run.savedBest = shown.best;
    run.status = 'running';
    this.attach(run);
    try {
      await this.api.invoke('run:resume-dir', { runDir: shown.runDir, budget: { evaluations: total } });
    } catch (error) {
      this.fail(error);
      await this.reopen(shown.runDir, false);
    }
  }

  addRow(): void {
    this.rows = [...this.rows, emptyRow(this.rows)];
  }

  removeRow(index: number): void {
    this.rows = this.rows.filter((_, k) => k !== index);
  }
}
