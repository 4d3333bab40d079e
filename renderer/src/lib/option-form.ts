/**
 * The strategy options form, generated from option metadata alone (no per-strategy UI
 * code). Fields hold text; a value is checked against its spec with the engine's rules
 * (engine/core/strategy.ts resolveOptions) and only values that differ from the default
 * are written to the problem, so dimension-dependent defaults stay dimension-dependent.
 */
import type { OptionInfo } from '../../../electron/ipc-contract';

export type OptionFieldValue = string | boolean;

export function defaultFieldValue(info: OptionInfo): OptionFieldValue {
  return info.type === 'boolean' ? Boolean(info.default) : String(info.default);
}

/** Initial field values: the problem's own options where given, else the defaults. */
export function initialFields(
  infos: readonly OptionInfo[],
  given: Record<string, unknown> = {},
): Record<string, OptionFieldValue> {
  const out: Record<string, OptionFieldValue> = {};
  for (const info of infos) {
    const value = given[info.name];
    if (info.type === 'boolean') out[info.name] = typeof value === 'boolean' ? value : Boolean(info.default);
    else out[info.name] = value === undefined || value === null ? String(info.default) : String(value);
  }
  return out;
}

export interface ParsedOption {
  value?: number | boolean | string;
  error?: string;
}

export function parseOption(info: OptionInfo, field: OptionFieldValue): ParsedOption {
  if (info.type === 'boolean') return { value: Boolean(field) };
  const text = String(field).trim();
  if (info.type === 'string') {
    if (info.choices && !info.choices.includes(text)) {
      return { error: `must be one of ${info.choices.join(', ')}` };
    }
    return { value: text };
  }
  if (text === '') return { error: 'a number is required' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: `expected a number (got ${JSON.stringify(text)})` };
  if (info.integer && !Number.isInteger(value)) return { error: `must be an integer (got ${value})` };
  if (info.min !== undefined && value < info.min) return { error: `must be ≥ ${info.min} (got ${value})` };
  if (info.max !== undefined && value > info.max) return { error: `must be ≤ ${info.max} (got ${value})` };
  return { value };
}

export interface CollectedOptions {
  /** Values that differ from the defaults. */
  options: Record<string, number | boolean | string>;
  errors: Record<string, string>;
}

export function collectOptions(
  infos: readonly OptionInfo[],
  fields: Record<string, OptionFieldValue>,
): CollectedOptions {
  const options: CollectedOptions['options'] = {};
  const errors: CollectedOptions['errors'] = {};
  for (const info of infos) {
    const field = fields[info.name] ?? defaultFieldValue(info);
    const parsed = parseOption(info, field);
    if (parsed.error) {
      errors[info.name] = parsed.error;
      continue;
    }
    if (parsed.value !== info.default) options[info.name] = parsed.value!;
  }
  return { options, errors };
}

/** "≥ 2, integer" style hint shown under a field. */
export function constraintText(info: OptionInfo): string {
  const parts: string[] = [];
  if (info.min !== undefined && info.max !== undefined) parts.push(`${info.min} … ${info.max}`);
  else if (info.min !== undefined) parts.push(`≥ ${info.min}`);
  else if (info.max !== undefined) parts.push(`≤ ${info.max}`);
  if (info.integer) parts.push('integer');
  if (info.defaultText) parts.push(`default ${info.defaultText}`);
  return parts.join(', ');
}
