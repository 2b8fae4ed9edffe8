import { describe, expect, it } from '@jest/globals';
import type { Logger } from 'probot';
import { parseConfig } from '../../src/config/parse-config.js';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import { ensureCreatedTicket } from '../../src/evaluation/ensure-created-ticket.js';
import type { FoundPullRequest } from '../../src/github/read-pull-request-facts.js';
import type { RestClient } from '../../src/github/rest-client.js';
import type { ChangeControlConfig } from '../../src/policy/config-schema.js';
import { createSqliteAuditStore } from '../../src/store/sqlite-store.js';
import { TicketProviderError, type TicketReader } from '../../src/tickets/ticket-reader.js';
import { aPullRequest } from '../policy/builders.js';

/** The decisions of `ticket.create` before and around the provider call (the e2e tests cover the whole flow). */

const SOURCE = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'f00d' };
const NOW = new Date('2026-05-02T12:00:00.000Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

function configOf(text: string): ChangeControlConfig {
  const parsed = parseConfig(text, SOURCE);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}
const CREATE = configOf('ticket:\n  projects: [CHG]\n  create: {project: CHG}\n');

function setup(input: { title?: string; reader?: Partial<TicketReader> | null; store?: boolean } = {}) {
  const store = createSqliteAuditStore({ path: ':memory:', now: () => NOW });
  const calls: string[] = [];
  const reader: TicketReader = {
    provider: 'jira',
    lookup: () => Promise.reject(new Error('not asked here')),
    create: async (ticket) => {
      calls.push(`create ${ticket.project} ${ticket.type} ${ticket.marker}`);
      return { key: 'CHG-101' };
    },
    findByMarker: async ({ marker }) => {
      calls.push(`find ${marker}`);
      return null;
    },
    ...input.reader,
  };
  const deps = {
    tickets: input.reader === null ? { unavailable: 'JIRA_BASE_URL is not set' } : { reader },
    audit: store,
    now: () => NOW,
    ...(input.store === false ? {} : { createdTickets: store.createdTickets }),
  } as unknown as AppDeps;
  const writes: unknown[] = [];
  const octokit = {
    request: async (route: string, params: unknown) => void writes.push([route, params]),
    paginate: async () => [{ filename: 'src/a.ts' }],
  } as unknown as RestClient;
  const pr = aPullRequest({
    owner: 'acme',
    repo: 'payments',
    number: 7,
    title: input.title ?? 'Rotate certs',
    headRef: 'rotate',
    body: '',
  });
  const read = { facts: pr, changedFilesCount: 1 } as unknown as FoundPullRequest;
  const run = (config = CREATE) => ensureCreatedTicket({ config, read, octokit, deps, log: silent, deliveryId: 'd-1' });
  return { store, calls, writes, run };
}

describe('ensureCreatedTicket', () => {
  it('creates once, records the key, writes the PR line once; the next evaluation calls nothing', async () => {
    const { store, calls, writes, run } = setup();

    expect(await run()).toBeNull();
    expect(await run()).toBeNull();

    expect(calls).toEqual(['create CHG Change change-control-pr:acme/payments#7']);
    expect(writes).toEqual([
      [
        'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
        expect.objectContaining({ body: expect.stringContaining('Change ticket: CHG-101') }),
      ],
    ]);
    expect(await store.createdTickets.get('acme/payments', 7)).toMatchObject({ key: 'CHG-101', bodyWritten: true });
    expect((await store.list({ kinds: ['ticket-write-back'] })).map((e) => e.data)).toEqual([
      expect.objectContaining({ action: 'created', key: 'CHG-101', attempts: 1 }),
    ]);
  });

  it.each([
    { name: 'the policy does not set ticket.create', config: configOf('ticket:\n  projects: [CHG]\n'), title: 'Rotate certs' },
    { name: 'the PR names a ticket', config: CREATE, title: 'CHG-5: rotate certs' },
  ])('creates nothing when $name', async ({ config, title }) => {
    const { calls, writes, run } = setup({ title });

    expect(await run(config)).toBeNull();
    expect(calls).toEqual([]);
    expect(writes).toEqual([]);
  });

  it.each([
    {
      name: 'the provider is not configured',
      setup: { reader: null },
      failure: { message: expect.stringMatching(/^could not create the change ticket: Jira is not configured/), retryable: false },
    },
    {
      name: 'no store for created tickets',
      setup: { store: false },
      failure: { message: 'the app has no store for created tickets', retryable: false },
    },
    {
      name: 'Jira answers 500 (retryable)',
      setup: { reader: { create: () => Promise.reject(new TicketProviderError('Jira failed to answer (HTTP 500)', { retryable: true })) } },
      failure: { message: 'could not create the change ticket: Jira failed to answer (HTTP 500)', retryable: true },
    },
    {
      name: 'Jira refuses the fields (400: not retried by the queue)',
      setup: { reader: { create: () => Promise.reject(new TicketProviderError('Jira answered HTTP 400: issuetype invalid')) } },
      failure: { message: 'could not create the change ticket: Jira answered HTTP 400: issuetype invalid', retryable: false },
    },
  ])('fails, never passes, when $name', async ({ setup: options, failure }) => {
    const { run, writes } = setup(options);

    expect(await run()).toMatchObject(failure);
    expect(writes).toEqual([]);
  });

  it('after a failed attempt, searches by the marker first and records what it finds instead of creating', async () => {
    let fail = true;
    const { calls, store, run } = setup({
      reader: {
        create: async () => {
          if (fail) throw new TicketProviderError('Jira failed to answer (HTTP 502)', { retryable: true });
          throw new Error('must not create again');
        },
        findByMarker: async ({ marker }) => {
          calls.push(`find ${marker}`);
          return 'CHG-77';
        },
      },
    });

    expect(await run()).toMatchObject({ retryable: true });
    fail = false;
    expect(await run()).toBeNull();

    expect(calls).toEqual(['find change-control-pr:acme/payments#7']);
    expect(await store.createdTickets.get('acme/payments', 7)).toMatchObject({ key: 'CHG-77', attempts: 2 });
  });

  it('waits (retryable error) while another worker holds a fresh claim', async () => {
    const { store, calls, run } = setup();
    await store.createdTickets.claim({
      repo: 'acme/payments',
      prNumber: 7,
      provider: 'jira',
      token: 'other',
      nowMs: NOW.getTime(),
      staleMs: 1,
    });

    expect(await run()).toMatchObject({ message: 'the change ticket for this PR is being created by another worker', retryable: true });
    expect(calls).toEqual([]);
  });
});
