/**
 * `{name}` placeholders in argument arrays, templates and result-file paths. Parameter
 * values are written with full precision (JavaScript's shortest round-trip form, so
 * Python's float() reads back the identical double) and integers as integers.
 */
import { placeholderPattern, placeholdersIn } from '../../problem/placeholders';
import type { ParamValues } from './types';

export { placeholdersIn };

export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '0';
  return String(value);
}

export interface PlaceholderValues {
  params: ParamValues;
  workdir?: string;
  id: number;
  /** The problem file's folder (the evaluator's `cwd`), for scripts next to the problem file. */
  problemdir?: string;
}

function lookup(name: string, values: PlaceholderValues): string | undefined {
  if (Object.hasOwn(values.params, name)) return formatNumber(values.params[name]);
  if (name === 'workdir') return values.workdir;
  if (name === 'id') return String(values.id);
  if (name === 'problemdir') return values.problemdir;
  return undefined;
}

/** Replaces every known placeholder; unknown `{…}` text is left as it is (templates may contain braces). */
export function substitute(text: string, values: PlaceholderValues): string {
  return text.replace(placeholderPattern, (whole, name: string) => lookup(name, values) ?? whole);
}

/**
 * Checks that the placeholders in the argument array all name a parameter, `workdir`, `id` or `problemdir`,
 * so a typo fails when the run starts instead of passing "{lenght}" to the program. The problem
 * model checks this first (engine/problem/placeholders.ts); this guards configs built by hand.
 */
export function checkArgPlaceholders(args: readonly string[], parameterNames: readonly string[]): void {
  const known = new Set([...parameterNames, 'workdir', 'id', 'problemdir']);
  args.forEach((arg, i) => {
    for (const name of placeholdersIn(arg)) {
      if (!known.has(name)) {
        throw new Error(
          `objective.args[${i}] uses {${name}}, which is not a parameter (expected one of ${[...known].join(', ')})`,
        );
      }
    }
  });
}
