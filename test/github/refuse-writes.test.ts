import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { refuseWrites, WriteRefusedError, writeOf } from '../../src/github/refuse-writes.js';
import { PULL_REQUEST_FACTS_QUERY } from '../../src/github/queries.js';
import { POLICY_FILES_QUERY } from '../../src/github/read-policy-files.js';

/** The dry run's client (docs/cli.md `evaluate`): reads pass, anything that would write is refused before it is sent. */

describe('writeOf: what a read-only client refuses', () => {
  it.each([
    { method: 'GET', url: '/repos/{owner}/{repo}/pulls/{pull_number}/files', write: null },
    { method: 'HEAD', url: '/repos/acme/payments', write: null },
    { method: 'POST', url: '/app/installations/{installation_id}/access_tokens', write: null },
    { method: 'POST', url: 'http://ghe.acme.test/api/v3/app/installations/42/access_tokens', write: null },
    { method: 'POST', url: '/repos/{owner}/{repo}/check-runs', write: 'POST /repos/{owner}/{repo}/check-runs' },
    { method: 'POST', url: '/repos/{owner}/{repo}/statuses/{sha}', write: 'POST /repos/{owner}/{repo}/statuses/{sha}' },
    {
      method: 'PATCH',
      url: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      write: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    },
    { method: 'PUT', url: '/repos/{owner}/{repo}/pulls/{pull_number}/merge', write: 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge' },
    { method: 'DELETE', url: '/repos/{owner}/{repo}/issues/comments/1', write: 'DELETE /repos/{owner}/{repo}/issues/comments/1' },
    {
      method: 'POST',
      url: '/repos/{owner}/{repo}/installation/access_tokens',
      write: 'POST /repos/{owner}/{repo}/installation/access_tokens',
    },
  ])('$method $url → $write', ({ method, url, write }) => {
    expect(writeOf({ method, url })).toBe(write);
  });

  it.each([
    { case: "the app's facts query", query: PULL_REQUEST_FACTS_QUERY, write: null },
    { case: "the app's policy files query", query: POLICY_FILES_QUERY, write: null },
    { case: 'an anonymous query', query: '{ viewer { login } }', write: null },
    { case: 'a field named mutation inside a query', query: 'query Q { repository(name: "mutation") { mutation: name } }', write: null },
    { case: 'a comment that says mutation', query: '# mutation AddComment\nquery Q { viewer { login } }', write: null },
    {
      case: 'a mutation',
      query: 'mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }',
      write: 'a GraphQL mutation',
    },
    { case: 'a named mutation after a query', query: 'query A { viewer { login } }\nmutation B { x }', write: 'a GraphQL mutation' },
    {
      case: 'a mutation after a string holding a brace',
      query: 'query A { repository(name: "{") { id } } mutation B { x }',
      write: 'a GraphQL mutation',
    },
    { case: 'a subscription', query: 'subscription { x }', write: 'a GraphQL subscription' },
    { case: 'no document', query: undefined, write: 'a GraphQL request without a query document' },
  ])('GraphQL: $case → $write', ({ query, write }) => {
    expect(writeOf({ method: 'POST', url: '/graphql', query })).toBe(write);
  });
});

describe('refuseWrites on a real Octokit', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  const client = () =>
    refuseWrites(new ProbotOctokit({ auth: { token: 'test-token' }, retry: { enabled: false }, throttle: { enabled: false } }));

  it('lets reads and GraphQL queries through', async () => {
    const api = nock('https://api.github.com')
      .get('/repos/acme/payments/pulls/1/files')
      .reply(200, [])
      .post('/graphql', (body: { query: string }) => body.query.startsWith('query'))
      .reply(200, { data: { viewer: { login: 'alice' } } });
    const octokit = client();

    await expect(
      octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: 'acme', repo: 'payments', pull_number: 1 }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(octokit.graphql('query Viewer { viewer { login } }')).resolves.toEqual({ viewer: { login: 'alice' } });
    expect(api.isDone()).toBe(true);
  });

  it('refuses a REST write and a GraphQL mutation before sending them (no request reaches GitHub)', async () => {
    const octokit = client();

    await expect(
      octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner: 'acme',
        repo: 'payments',
        sha: 'a'.repeat(40),
        state: 'success',
      }),
    ).rejects.toThrow(new WriteRefusedError('a dry run writes nothing: refused POST /repos/{owner}/{repo}/statuses/{sha}'));
    await expect(octokit.graphql('mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }')).rejects.toThrow(
      'a dry run writes nothing: refused a GraphQL mutation',
    );
    // disableNetConnect would have failed a request that went out; none was mocked and none was made.
  });
});
