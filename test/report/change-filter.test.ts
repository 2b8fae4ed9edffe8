import { describe, expect, it } from '@jest/globals';
import { filterQuery, parseChangeFilter } from '../../src/report/change-filter.js';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const parse = (query: string) => parseChangeFilter(new URLSearchParams(query), NOW);

describe('parseChangeFilter', () => {
  it('defaults to the 13 weeks up to the end of today, page 1 of 50', () => {
    expect(parse('')).toEqual({
      ok: true,
      filter: { since: '2025-12-02T00:00:00.000Z', until: '2026-03-03T00:00:00.000Z', page: 1, perPage: 50 },
    });
  });

  it('reads every filter, a blank field counting as absent', () => {
    expect(
      parse(
        'org=acme&repo=acme/payments&since=2026-02-01&until=2026-03-01&verdict=success&exception=bypass&ticket=PAY-12&person=alice&page=2&perPage=10&ticket=',
      ),
    ).toEqual({
      ok: false,
      errors: ['ticket is given more than once'],
    });
    const parsed = parse(
      'org=acme&repo=acme/payments&since=2026-02-01&until=2026-03-01&verdict=success&exception=bypass&ticket=PAY-12&person=alice&page=2&perPage=10&org2=',
    );
    expect(parsed).toEqual({
      ok: false,
      errors: ['unknown filter org2; allowed: org, repo, since, until, verdict, exception, ticket, person, page, perPage'],
    });
    expect(
      parse(
        'org=&repo=acme/payments&since=2026-02-01&until=2026-03-01&verdict=success&exception=bypass&ticket=PAY-12&person=alice&page=2&perPage=10',
      ),
    ).toEqual({
      ok: true,
      filter: {
        repo: 'acme/payments',
        since: '2026-02-01T00:00:00.000Z',
        until: '2026-03-01T00:00:00.000Z',
        verdict: 'success',
        exception: 'bypass',
        ticket: 'PAY-12',
        person: 'alice',
        page: 2,
        perPage: 10,
      },
    });
  });

  it.each([
    ['verdict=passed', 'verdict must be one of success, pending, failure, error, none, got "passed"'],
    [
      'exception=late',
      'exception must be one of any, none, bypass, emergency, emergency-overdue, deployment-bypass, direct-push, got "late"',
    ],
    ['repo=payments', 'repo must be OWNER/NAME like acme/payments, got "payments"'],
    ['since=yesterday', 'since must be a date like 2026-01-31, got "yesterday"'],
    ['ticket=PAY', 'ticket must be a key like PAY-12, got "PAY"'],
    ['person=<script>', 'person must be a GitHub login, got "<script>"'],
    ['page=0', 'page must be a whole number ≥ 1'],
    ['perPage=1000', 'perPage must be a whole number from 1 to 200'],
    [
      'since=2026-03-01&until=2026-02-01',
      'since (2026-03-01T00:00:00.000Z) must be before until (2026-02-01T00:00:00.000Z); until is exclusive',
    ],
    ['colour=red', 'unknown filter colour; allowed: org, repo, since, until, verdict, exception, ticket, person, page, perPage'],
  ])('refuses %s: %s', (query, message) => {
    expect(parse(query)).toEqual({ ok: false, errors: [message] });
  });

  it('round-trips through filterQuery', () => {
    const parsed = parse('repo=acme/payments&since=2026-02-01&until=2026-03-01&exception=any&perPage=20');
    if (!parsed.ok) throw new Error('expected a filter');
    expect(filterQuery(parsed.filter, { page: 3 })).toBe(
      'repo=acme%2Fpayments&since=2026-02-01T00%3A00%3A00.000Z&until=2026-03-01T00%3A00%3A00.000Z&exception=any&page=3&perPage=20',
    );
    expect(parse(filterQuery(parsed.filter))).toEqual({ ok: true, filter: { ...parsed.filter, perPage: 50 } });
  });
});
