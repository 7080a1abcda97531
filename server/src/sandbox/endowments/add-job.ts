/**
 * `add_job(name_or_function, options)(...args)`: asks the host to run a function of this task later
 * as a sub-job. The name must be a top-level name of the task code or a public name of the common
 * code, since the sub-job evaluates the same code again.
 */
import type { AddJobOptions, AddJobSpec } from '../protocol.js';

const optionKeys: ReadonlySet<string> = new Set(['priority', 'eta', 'max_retries', 'description', 'identity_key']);

export interface AddJobDependencies {
  call: (spec: AddJobSpec) => Promise<void>;
  /** Names a sub-job can run. */
  runnableNames: ReadonlySet<string>;
  /** Record sets → their JSON form; the result must be JSON. */
  toJson: (value: unknown) => unknown;
}

function functionName(target: unknown): string {
  if (typeof target === 'string') return target;
  if (typeof target === 'function' && typeof target.name === 'string' && target.name !== '') return target.name;
  throw new TypeError('add_job: the first argument must be a function name or a named function');
}

function checkOptions(options: unknown): AddJobOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError('add_job: options must be an object');
  const checked: AddJobOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (!optionKeys.has(key)) throw new TypeError(`add_job: unknown option "${key}"; known options: ${[...optionKeys].join(', ')}`);
    if (value === undefined || value === null) continue;
    switch (key) {
      case 'priority':
      case 'max_retries':
        if (!Number.isInteger(value) || (key === 'max_retries' && (value as number) < 0)) {
          throw new TypeError(`add_job: ${key} must be an integer${key === 'max_retries' ? ' >= 0' : ''}`);
        }
        checked[key] = value as number;
        break;
      case 'eta':
        checked.eta = etaText(value);
        break;
      case 'description':
      case 'identity_key':
        if (typeof value !== 'string') throw new TypeError(`add_job: ${key} must be a string`);
        checked[key] = value;
        break;
    }
  }
  return checked;
}

/** A Date, an ISO date string, or a number of seconds from now → an ISO timestamp. */
function etaText(value: unknown): string {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(Date.now() + value * 1000)
        : typeof value === 'string'
          ? new Date(value)
          : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError('add_job: eta must be a Date, a date string or a number of seconds from now');
  }
  return date.toISOString();
}

/** An arrow function, so freezing it hardens it (see frozenFunction in index.ts). */
export function createAddJob({ call, runnableNames, toJson }: AddJobDependencies) {
  const add_job = (target: unknown, options?: unknown) => {
    const name = functionName(target);
    if (!runnableNames.has(name)) {
      throw new Error(`add_job: "${name}" is not a top-level function of this task or a public name of the common code`);
    }
    const checkedOptions = checkOptions(options);
    return (...args: unknown[]): Promise<void> => call({ function: name, args: toJson(args) as unknown[], options: checkedOptions });
  };
  return add_job;
}
