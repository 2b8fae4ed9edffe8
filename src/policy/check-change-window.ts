import type { TicketWindowValue } from './facts.js';

/** Where `now` lies against the ticket's change window. */
export interface WindowCheck {
  state: 'inside' | 'before' | 'after' | 'missing' | 'invalid';
  start: string | null;
  end: string | null;
  /** One line for the report. */
  detail: string;
}

const parse = (value: string | null): number | null => {
  if (value === null) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

/**
 * The change window control: `now` must lie within [start, end]. A missing or unreadable field, or an end before
 * the start, is never read as "no window": the control fails with what is wrong.
 */
export function checkChangeWindow(input: { window: TicketWindowValue; now: Date }): WindowCheck {
  const { start, end } = input.window;
  const shown = `${start ?? '(no start)'} to ${end ?? '(no end)'}`;
  if (start === null || end === null) return { state: 'missing', start, end, detail: `change window is not filled in (${shown})` };
  const from = parse(start);
  const to = parse(end);
  if (from === null || to === null || to < from)
    return { state: 'invalid', start, end, detail: `change window ${shown} is not a valid period` };
  const now = input.now.getTime();
  if (now < from) return { state: 'before', start, end, detail: `change window ${shown} has not started` };
  if (now > to) return { state: 'after', start, end, detail: `change window ${shown} has ended` };
  return { state: 'inside', start, end, detail: `within the change window ${shown}` };
}
