/**
 * Assembles the problem draft from what the editor holds (objective fields, parameter rows,
 * strategy options, run settings) and lists what blocks a start. Pure, so the rules that
 * decide whether "Start" is enabled are unit-tested.
 */
import type { OptionInfo, ParameterRow, ProblemDraft } from '../../../electron/ipc-contract';
import { problemLimits } from '../../../engine/problem/schema';
import { collectOptions, type OptionFieldValue } from './option-form';
import { checkRows, type ParameterRowText } from './parameter-rows';

export interface RunSettingsText {
  seed: string;
  workers: string;
  budgetEvaluations: string;
  budgetSeconds: string;
  budgetTarget: string;
  restarts: 'none' | 'ipop' | 'bipop';
}

export type SettingsField = Exclude<keyof RunSettingsText, 'restarts'>;

export interface SettingsCheck {
  values: { seed?: number; workers?: number; evaluations?: number; seconds?: number; target?: number };
  errors: Partial<Record<SettingsField, string>>;
}

function numberField(
  text: string,
  rule: { integer?: boolean; min?: number; exclusiveMin?: number; max?: number },
): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `expected a number (got ${JSON.stringify(trimmed)})` };
  if (rule.integer && !Number.isInteger(value)) return { error: `must be a whole number (got ${value})` };
  if (rule.min !== undefined && value < rule.min) return { error: `must be ≥ ${rule.min} (got ${value})` };
  if (rule.exclusiveMin !== undefined && value <= rule.exclusiveMin) {
    return { error: `must be > ${rule.exclusiveMin} (got ${value})` };
  }
  if (rule.max !== undefined && value > rule.max) return { error: `must be ≤ ${rule.max} (got ${value})` };
  return { value };
}

/** The problem model's limits (engine/problem/schema.ts), checked as the user types. */
export function checkSettings(settings: RunSettingsText): SettingsCheck {
  const fields: Record<SettingsField, ReturnType<typeof numberField>> = {
    seed: numberField(settings.seed, problemLimits.seed),
    workers: numberField(settings.workers, problemLimits.workers),
    budgetEvaluations: numberField(settings.budgetEvaluations, problemLimits.budgetEvaluations),
    budgetSeconds: numberField(settings.budgetSeconds, problemLimits.budgetSeconds),
    budgetTarget: numberField(settings.budgetTarget, {}),
  };
  const errors: SettingsCheck['errors'] = {};
  for (const [key, field] of Object.entries(fields) as [SettingsField, ReturnType<typeof numberField>][]) {
    if (field.error) errors[key] = field.error;
  }
  return {
    values: {
      seed: fields.seed.value,
      workers: fields.workers.value,
      evaluations: fields.budgetEvaluations.value,
      seconds: fields.budgetSeconds.value,
      target: fields.budgetTarget.value,
    },
    errors,
  };
}

export function settingsFromDraft(draft: ProblemDraft): RunSettingsText {
  const text = (value: unknown) => (typeof value === 'number' ? String(value) : '');
  const restarts = (draft as { restarts?: { mode?: string } }).restarts?.mode;
  return {
    seed: text(draft.seed ?? 1),
    workers: text(draft.workers ?? 1),
    budgetEvaluations: text(draft.budget?.evaluations),
    budgetSeconds: text(draft.budget?.seconds),
    budgetTarget: text(draft.budget?.target),
    restarts: restarts === 'ipop' || restarts === 'bipop' ? restarts : 'none',
  };
}

export interface DraftInput {
  base: ProblemDraft;
  name: string;
  objective: Record<string, unknown>;
  rows: readonly ParameterRowText[];
  strategyId: string;
  /** Option metadata of the chosen strategy (empty while strategies load). */
  optionInfos: readonly OptionInfo[];
  optionFields: Record<string, OptionFieldValue>;
  settings: RunSettingsText;
}

export interface DraftResult {
  draft: ProblemDraft | null;
  /** Why the draft cannot run yet, each naming the place to fix it. */
  blockers: string[];
}

export function buildDraft(input: DraftInput): DraftResult {
  const blockers: string[] = [];
  const name = input.name.trim();
  if (!new RegExp(problemLimits.name.pattern).test(name) || name.length > problemLimits.name.maxLength) {
    blockers.push('Problem name: use letters, digits, _ . - (it names the run folder)');
  }
  const table = checkRows(input.rows);
  if (table.invalidRows > 0) {
    const rows = table.invalidRows === 1 ? '1 row needs' : `${table.invalidRows} rows need`;
    blockers.push(`Parameters: ${rows} fixing`);
  } else if (table.tableError) {
    blockers.push(`Parameters: ${table.tableError}`);
  }
  if (!input.strategyId) blockers.push('Strategy: choose one');
  const options = collectOptions(input.optionInfos, input.optionFields);
  for (const [name, message] of Object.entries(options.errors))
    blockers.push(`Strategy option ${name}: ${message}`);
  const settings = checkSettings(input.settings);
  const labels: Record<SettingsField, string> = {
    seed: 'Seed',
    workers: 'Workers',
    budgetEvaluations: 'Budget (evaluations)',
    budgetSeconds: 'Budget (seconds)',
    budgetTarget: 'Target',
  };
  for (const [key, message] of Object.entries(settings.errors))
    blockers.push(`${labels[key as SettingsField]}: ${message}`);
  if (blockers.length > 0) return { draft: null, blockers };

  const { values } = settings;
  const budget: NonNullable<ProblemDraft['budget']> = {};
  if (values.evaluations !== undefined) budget.evaluations = values.evaluations;
  if (values.seconds !== undefined) budget.seconds = values.seconds;
  if (values.target !== undefined) budget.target = values.target;
  const { restarts: baseRestarts, ...rest } = input.base as ProblemDraft & { restarts?: unknown };
  // The form picks the mode; maxRestarts and populationFactor from the opened file stay.
  const restartExtras =
    baseRestarts && typeof baseRestarts === 'object' ? (baseRestarts as Record<string, unknown>) : {};
  const draft: ProblemDraft = {
    ...rest,
    name: input.name.trim(),
    objective: input.objective,
    parameters: table.specs as ParameterRow[],
    strategy: {
      name: input.strategyId,
      ...(Object.keys(options.options).length ? { options: options.options } : {}),
    },
    budget,
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.workers !== undefined ? { workers: values.workers } : {}),
    ...(input.settings.restarts !== 'none'
      ? { restarts: { ...restartExtras, mode: input.settings.restarts } }
      : {}),
  };
  return { draft, blockers };
}
