import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addInterval, nextSlotAfter } from './schedule.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('addInterval', () => {
  test('fixed units add exact durations', () => {
    assert.equal(iso(addInterval(at('2024-03-01T10:00:00Z'), 90, 'minutes')), '2024-03-01T11:30:00.000Z');
    assert.equal(iso(addInterval(at('2024-03-01T10:00:00Z'), 5, 'hours')), '2024-03-01T15:00:00.000Z');
    assert.equal(iso(addInterval(at('2024-02-28T10:00:00Z'), 2, 'days')), '2024-03-01T10:00:00.000Z');
    assert.equal(iso(addInterval(at('2024-03-01T10:00:00Z'), 2, 'weeks')), '2024-03-15T10:00:00.000Z');
  });

  test('months are calendar months that clamp the day, like relativedelta', () => {
    assert.equal(iso(addInterval(at('2024-01-31T08:15:00Z'), 1, 'months')), '2024-02-29T08:15:00.000Z');
    assert.equal(iso(addInterval(at('2023-01-31T08:15:00Z'), 1, 'months')), '2023-02-28T08:15:00.000Z');
    assert.equal(iso(addInterval(at('2024-03-31T00:00:00Z'), 1, 'months')), '2024-04-30T00:00:00.000Z');
    assert.equal(iso(addInterval(at('2024-11-30T23:59:59Z'), 3, 'months')), '2025-02-28T23:59:59.000Z');
    assert.equal(iso(addInterval(at('2024-01-15T12:00:00Z'), 12, 'months')), '2025-01-15T12:00:00.000Z');
    assert.equal(iso(addInterval(at('2024-05-31T12:00:00Z'), -3, 'months')), '2024-02-29T12:00:00.000Z');
  });
});

describe('nextSlotAfter', () => {
  test('a slot that is just due moves one interval on', () => {
    const next = nextSlotAfter(at('2024-03-01T10:00:00Z'), { number: 1, type: 'hours' }, at('2024-03-01T10:00:00Z'));
    assert.deepEqual({ nextcall: iso(next.nextcall), dueSlots: next.dueSlots }, { nextcall: '2024-03-01T11:00:00.000Z', dueSlots: 1 });
  });

  test('after a downtime the next slot stays on the schedule, not on the time it ran', () => {
    const next = nextSlotAfter(at('2024-03-01T10:00:00Z'), { number: 1, type: 'days' }, at('2024-03-06T17:42:13Z'));
    assert.equal(iso(next.nextcall), '2024-03-07T10:00:00.000Z');
    assert.equal(next.dueSlots, 6, 'six slots were due (1st … 6th), they run once');
  });

  test('a slot exactly at now is due, so the next one is strictly after now', () => {
    const next = nextSlotAfter(at('2024-03-01T10:00:00Z'), { number: 15, type: 'minutes' }, at('2024-03-01T11:00:00Z'));
    assert.equal(iso(next.nextcall), '2024-03-01T11:15:00.000Z');
    assert.equal(next.dueSlots, 5);
  });

  test('a slot not yet due (clock skew) still moves one interval on', () => {
    const next = nextSlotAfter(at('2024-03-01T10:00:00Z'), { number: 1, type: 'minutes' }, at('2024-03-01T09:59:59.500Z'));
    assert.equal(iso(next.nextcall), '2024-03-01T10:01:00.000Z');
  });

  test('monthly schedules count from the stored nextcall with clamping', () => {
    const next = nextSlotAfter(at('2024-01-31T06:00:00Z'), { number: 1, type: 'months' }, at('2024-02-10T00:00:00Z'));
    assert.equal(iso(next.nextcall), '2024-02-29T06:00:00.000Z');
    const late = nextSlotAfter(at('2023-01-31T06:00:00Z'), { number: 2, type: 'months' }, at('2024-02-10T00:00:00Z'));
    assert.equal(iso(late.nextcall), '2024-03-31T06:00:00.000Z', 'Jan 31 + 14 months, not a drifted day');
    const sameDay = nextSlotAfter(at('2024-01-15T06:00:00Z'), { number: 1, type: 'months' }, at('2024-03-15T05:59:59Z'));
    assert.equal(iso(sameDay.nextcall), '2024-03-15T06:00:00.000Z');
    assert.equal(sameDay.dueSlots, 2);
  });

  test('a long downtime on a minute schedule is computed, not looped over', () => {
    const next = nextSlotAfter(at('2000-01-01T00:00:00Z'), { number: 1, type: 'minutes' }, at('2024-01-01T00:00:30Z'));
    assert.equal(iso(next.nextcall), '2024-01-01T00:01:00.000Z');
  });
});
