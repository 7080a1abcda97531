/** Turns zod failures into `InvalidInputError`s that name the offending field (the schemas are in contract/). */
import { z } from 'zod';
import { InvalidInputError } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  if (keys.length > 0) {
    const name = field ? `${field}.${keys[0]}` : keys[0]!;
    throw new InvalidInputError(`${what}: unknown field "${name}"`, name);
  }
  if (issue.code === 'invalid_value' && issue.values.length > 1) {
    const got = issue.input === undefined ? '' : `, got ${JSON.stringify(issue.input)}`;
    return fail(what, field, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`);
  }
  return fail(what, field, issue.message);
}

function fail(what: string, field: string, message: string): never {
  throw new InvalidInputError(field ? `${what}: field "${field}": ${message}` : `${what}: ${message}`, field || undefined);
}
