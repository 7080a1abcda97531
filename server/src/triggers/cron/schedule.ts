/**
 * Cron slot arithmetic, pure: adding an interval (calendar months like dateutil's relativedelta,
 * clamping the day: Jan 31 + 1 month = Feb 28/29) and finding the first slot after "now" from a
 * stored `nextcall`. Times are UTC instants; a day is 24 hours (decision note 013).
 */
export const intervalTypes = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
export type IntervalType = (typeof intervalTypes)[number];

export interface Interval {
  number: number;
  type: IntervalType;
}

const fixedMs: Record<Exclude<IntervalType, 'months'>, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/** `start` plus `count` units of `type` (count may be any integer). */
export function addInterval(start: Date, count: number, type: IntervalType): Date {
  if (type !== 'months') return new Date(start.getTime() + count * fixedMs[type]);
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + count;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(start.getTime());
  result.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return result;
}

/**
 * The first slot `nextcall + k × interval` (k ≥ 1) strictly after `now`, and how many slots were
 * due (k): a schedule that was missed for a while catches up in one step, not slot by slot.
 */
export function nextSlotAfter(nextcall: Date, interval: Interval, now: Date): { nextcall: Date; dueSlots: number } {
  const slot = (k: number) => addInterval(nextcall, k * interval.number, interval.type);
  let k: number;
  if (interval.type === 'months') {
    const monthsLate = (now.getUTCFullYear() - nextcall.getUTCFullYear()) * 12 + (now.getUTCMonth() - nextcall.getUTCMonth());
    k = Math.max(1, Math.floor(monthsLate / interval.number));
    while (k > 1 && slot(k - 1) > now) k -= 1;
  } else {
    const step = interval.number * fixedMs[interval.type];
    k = Math.max(1, Math.floor((now.getTime() - nextcall.getTime()) / step) + 1);
  }
  while (slot(k) <= now) k += 1;
  return { nextcall: slot(k), dueSlots: k };
}
