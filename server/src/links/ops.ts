/**
 * The link operations task code can ask for, as plain JSON messages from the sandbox worker. They
 * come from untrusted code, so every op is validated here; a bad shape is an InvalidInputError
 * naming the field.
 */
import { z } from 'zod';
import { parseInput } from '../shared/validation.js';

const refValue = z
  .union([z.string().min(1), z.number().finite()], { error: 'a ref must be a non-empty string or a number (not false, null or an object)' })
  .transform(String);

const refPattern = z.union([refValue, z.array(refValue), z.null()], {
  error: 'a ref must be a non-empty string, a number, a list of them, or null for "any"',
});

/** Two systems, sorted by name: the first is system1/ref1, the second system2/ref2 (as upstream). */
function twoSystems<T extends z.ZodType>(value: T) {
  return z
    .record(z.string().min(1, 'a system name must not be empty'), value)
    .refine((refs) => Object.keys(refs).length === 2, {
      error: (issue) => {
        const names = Object.keys(issue.input as object);
        return `refs must name exactly two systems, got ${names.length}${names.length ? `: ${names.join(', ')}` : ''}`;
      },
    })
    .transform((refs) => {
      const [[system1, ref1], [system2, ref2]] = Object.entries(refs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) as [
        [string, z.output<T>],
        [string, z.output<T>],
      ];
      return { system1, ref1, system2, ref2 };
    });
}

const relation = z.string().min(1, 'the relation name must not be empty');
const model = z.string().min(1).nullish();
const syncDate = z.iso.datetime({ offset: true, error: 'sync_date must be an ISO 8601 date-time' }).nullish();
const ids = z.array(z.number().int().positive()).max(100_000);

export const linkOpSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('set'),
    relation,
    refs: twoSystems(refValue),
    model,
    sync_date: syncDate,
    allow_many2many: z.boolean().optional(),
  }),
  /** `null` means any ref; an empty list matches nothing. */
  z.strictObject({ op: z.literal('search'), relation, refs: twoSystems(refPattern), model }),
  /** Like search, but more than one match is an error. */
  z.strictObject({ op: z.literal('get'), relation, refs: twoSystems(refPattern), model }),
  /** Sets the date of these links to sync_date, or now. */
  z.strictObject({ op: z.literal('update_dates'), ids, sync_date: syncDate }),
  z.strictObject({ op: z.literal('delete'), ids }),
]);

export type LinkOp = z.output<typeof linkOpSchema>;
export type RefPattern = z.output<typeof refPattern>;

export function parseLinkOp(input: unknown): LinkOp {
  return parseInput(linkOpSchema, input, 'link operation');
}
