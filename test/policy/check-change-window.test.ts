import { describe, it, expect } from '@jest/globals';
import { checkChangeWindow, type WindowCheck } from '../../src/policy/check-change-window.js';

const NOW = new Date('2026-05-02T12:00:00.000Z');

describe('checkChangeWindow', () => {
  it.each<{ name: string; start: string | null; end: string | null; state: WindowCheck['state']; detail: string }>([
    {
      name: 'inside',
      start: '2026-05-02T10:00:00.000+0000',
      end: '2026-05-02T14:00:00.000+0000',
      state: 'inside',
      detail: 'within the change window 2026-05-02T10:00:00.000+0000 to 2026-05-02T14:00:00.000+0000',
    },
    {
      name: 'on its first instant',
      start: '2026-05-02T12:00:00.000Z',
      end: '2026-05-02T13:00:00.000Z',
      state: 'inside',
      detail: 'within the change window 2026-05-02T12:00:00.000Z to 2026-05-02T13:00:00.000Z',
    },
    {
      name: 'in another time zone',
      start: '2026-05-02T13:30:00.000+0200',
      end: '2026-05-02T15:00:00.000+0200',
      state: 'inside',
      detail: 'within the change window 2026-05-02T13:30:00.000+0200 to 2026-05-02T15:00:00.000+0200',
    },
    {
      name: 'before it',
      start: '2026-05-03T10:00:00.000Z',
      end: '2026-05-03T14:00:00.000Z',
      state: 'before',
      detail: 'change window 2026-05-03T10:00:00.000Z to 2026-05-03T14:00:00.000Z has not started',
    },
    {
      name: 'after it',
      start: '2026-05-01T10:00:00.000Z',
      end: '2026-05-01T14:00:00.000Z',
      state: 'after',
      detail: 'change window 2026-05-01T10:00:00.000Z to 2026-05-01T14:00:00.000Z has ended',
    },
    {
      name: 'a missing start',
      start: null,
      end: '2026-05-02T14:00:00.000Z',
      state: 'missing',
      detail: 'change window is not filled in ((no start) to 2026-05-02T14:00:00.000Z)',
    },
    {
      name: 'a missing end',
      start: '2026-05-02T10:00:00.000Z',
      end: null,
      state: 'missing',
      detail: 'change window is not filled in (2026-05-02T10:00:00.000Z to (no end))',
    },
    {
      name: 'an unreadable date',
      start: 'next Tuesday',
      end: '2026-05-02T14:00:00.000Z',
      state: 'invalid',
      detail: 'change window next Tuesday to 2026-05-02T14:00:00.000Z is not a valid period',
    },
    {
      name: 'an end before the start',
      start: '2026-05-02T14:00:00.000Z',
      end: '2026-05-02T10:00:00.000Z',
      state: 'invalid',
      detail: 'change window 2026-05-02T14:00:00.000Z to 2026-05-02T10:00:00.000Z is not a valid period',
    },
  ])('$name', ({ start, end, state, detail }) => {
    expect(checkChangeWindow({ window: { start, end }, now: NOW })).toEqual({ state, start, end, detail });
  });
});
