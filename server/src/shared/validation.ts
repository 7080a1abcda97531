/**
 * Turns zod failures into `InvalidInputError`s that name the offending field, and the schemas
 * shared by query strings (whole numbers, lists given as repeated keys or comma-separated).
 */
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

/** A whole number in a query string: "abc" is refused as "expected a whole number, got "abc"". */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d{1,15}$/, { error: (issue) => `expected a whole number, got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/**
 * A list in a query string: `?x=a&x=b`, `?x=a,b` or both; every item is checked by `item`, and a bad
 * one is reported against the key itself (`state`, not `state.1`).
 */
export function listOf<T extends z.ZodType>(item: T) {
  return z
    .preprocess(
      (value) =>
        (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).filter((v) => v !== ''),
      z.array(z.unknown()),
    )
    .transform((values, ctx) => {
      const items: z.output<T>[] = [];
      for (const value of values) {
        const result = item.safeParse(value, { reportInput: true });
        if (!result.success) {
          for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
          return z.NEVER;
        }
        items.push(result.data);
      }
      return items;
    });
}
