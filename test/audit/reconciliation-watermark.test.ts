import { describe, expect, it } from '@jest/globals';
import { extendWatermark, type ReconciliationWatermark } from '../../src/audit/reconciliation-watermark.js';

const REPO = 'acme/payments';
const at = (day: number): string => new Date(Date.UTC(2026, 0, day)).toISOString();
const mark = (from: number, upTo: number): ReconciliationWatermark => ({ repo: REPO, from: at(from), upTo: at(upTo) });

describe('extendWatermark', () => {
  it.each([
    ['the first sweep sets the span', null, [1, 8], mark(1, 8)],
    ['a sweep starting inside the span moves its end', mark(1, 8), [7, 9], mark(1, 9)],
    ['a sweep starting exactly at its end moves it', mark(1, 8), [8, 10], mark(1, 10)],
    ['a sweep reaching further back moves its start too', mark(5, 8), [1, 9], mark(1, 9)],
    ['a sweep inside the span changes nothing', mark(1, 8), [2, 3], mark(1, 8)],
    ['a sweep starting after its end leaves a gap: the span stays', mark(1, 8), [9, 12], mark(1, 8)],
    ['a sweep ending before its start leaves a gap: the span stays', mark(5, 8), [1, 3], mark(5, 8)],
  ] as const)('%s', (_case, existing, [since, upTo], expected) => {
    expect(extendWatermark(existing, { repo: REPO, since: at(since), upTo: at(upTo) })).toEqual(expected);
  });
});
