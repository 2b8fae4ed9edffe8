import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import { askOpa } from '../../src/evaluation/ask-opa.js';
import { EvaluationError } from '../../src/evaluation/lookup-tickets.js';
import { OpaError, type OpaClient } from '../../src/opa/create-opa-client.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { aChangedFile, aConfig, aFoundTicket, aKeySearch, aPullRequest, NOW, POLICY } from '../policy/builders.js';

type Store = Awaited<ReturnType<typeof openAuditStore>>;
let audit: Store;
beforeEach(async () => {
  audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
});
afterEach(() => audit.close());

const grounds = () => ({
  config: { ...aConfig(), opa: { decisions: [{ path: 'change_control/allow', source: 'opa.decision' as const }], teams: [] } },
  policy: POLICY,
  pr: { ...aPullRequest(), changedFiles: [aChangedFile('payments/ledger.ts')] },
  ticketSearch: aKeySearch(),
  ticketLookups: [aFoundTicket()],
  teamMembers: {},
  now: NOW,
});

const depsWith = (opa: AppDeps['opa']): AppDeps => ({ opa, audit }) as unknown as AppDeps;

async function failureOf(promise: Promise<unknown>): Promise<EvaluationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof EvaluationError)) throw new Error(`expected an EvaluationError, got ${String(error)}`);
  return error;
}

describe('askOpa', () => {
  it.each<[string, AppDeps['opa']]>([
    ['no OPA settings at all', undefined],
    ['OPA_URL unset', { unavailable: 'OPA_URL is not set' }],
  ])('with %s: an error naming OPA_URL, not retried (the app must be configured)', async (_case, opa) => {
    const error = await failureOf(askOpa({ grounds: grounds(), deps: depsWith(opa) }));

    expect(error.message).toBe('OPA is not configured on the app: OPA_URL is not set');
    expect(error.nextStep).toContain('must set OPA_URL');
    expect(error.retryable).toBe(false);
  });

  it('turns an OPA failure into an error the queue retries', async () => {
    const client: OpaClient = { decide: () => Promise.reject(new OpaError('OPA did not answer within 5000 ms')) };

    const error = await failureOf(askOpa({ grounds: grounds(), deps: depsWith({ client }) }));

    expect(error.message).toBe('OPA did not answer within 5000 ms');
    expect(error.retryable).toBe(true);
  });

  it('refuses to ask without the changed files (the input would say none changed)', async () => {
    const client: OpaClient = { decide: () => Promise.reject(new Error('must not be called')) };

    const asked = askOpa({ grounds: { ...grounds(), pr: aPullRequest({ changedFiles: null }) }, deps: depsWith({ client }) });

    await expect(asked).rejects.toThrow('the changed files were not read for the OPA input');
  });

  it('asks nothing when the policy names no decision', async () => {
    const client: OpaClient = { decide: () => Promise.reject(new Error('must not be called')) };

    expect(await askOpa({ grounds: { ...grounds(), config: aConfig() }, deps: depsWith({ client }) })).toEqual([]);
  });

  it('asks each decision once with the built input, and keeps the answer with its key', async () => {
    const asked: { path: string; input: unknown }[] = [];
    const client: OpaClient = {
      decide: (request) => {
        asked.push(request);
        return Promise.resolve({ allow: true, reasons: [], decisionId: 'd-1', bundleRevisions: { acme: 'r9' } });
      },
    };

    const decisions = await askOpa({ grounds: grounds(), deps: depsWith({ client }) });

    expect(decisions).toEqual([
      {
        path: 'change_control/allow',
        source: 'opa.decision',
        allow: true,
        reasons: [],
        decisionId: 'd-1',
        bundleRevisions: { acme: 'r9' },
        inputVersion: 1,
      },
    ]);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.input).toMatchObject({
      version: 1,
      changed_files: [{ path: 'payments/ledger.ts' }],
      emergency: { authorisation: null },
    });
  });
});
