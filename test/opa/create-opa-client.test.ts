import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createOpaClient, OpaError } from '../../src/opa/create-opa-client.js';
import { readOpaEnv } from '../../src/opa/opa-env.js';
import { OPA_BUNDLE, startOpaSimulator, type OpaMode } from '../simulators/index.js';

const TOKEN = 'opa-token-for-tests';
const opa = await startOpaSimulator({ token: TOKEN });
afterAll(() => opa.stop());
afterEach(() => {
  expect(opa.unexpectedRequests()).toEqual([]);
  opa.reset();
});

const client = (overrides: { token?: string | null; timeoutMs?: number; url?: string } = {}) =>
  createOpaClient({
    url: overrides.url ?? opa.url,
    token: overrides.token === undefined ? TOKEN : overrides.token,
    timeoutMs: overrides.timeoutMs ?? 2000,
  });

const INPUT = { version: 1, pull_request: { number: 7 } };

describe('createOpaClient: the Data API contract', () => {
  it('posts the input to /v1/data/{path}?provenance=true with the bearer token, and returns the decision, its id and bundle revision', async () => {
    opa.definePolicy('change_control/allow', (input) => ({
      allow: false,
      reasons: [`PR ${(input.pull_request as { number: number }).number} denied`],
    }));

    const answer = await client().decide({ path: 'change_control/allow', input: INPUT });

    expect(answer).toEqual({
      allow: false,
      reasons: ['PR 7 denied'],
      decisionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bundleRevisions: { [OPA_BUNDLE.name]: OPA_BUNDLE.revision },
    });
    const [request] = opa.requests();
    expect(request).toMatchObject({
      path: '/v1/data/change_control/allow',
      query: { provenance: 'true' },
      input: INPUT,
      authorization: `Bearer ${TOKEN}`,
      status: 200,
    });
  });

  it.each<{ case: string; mode?: OpaMode; define?: boolean; result?: unknown; token?: string | null; message: RegExp }>([
    { case: 'no decision defined at the path', define: false, message: /no decision at change_control\/allow \(result undefined\)/ },
    { case: 'a result of another shape', result: { allow: 'yes' }, message: /is not \{ allow: boolean, reasons: \[string\] \}/ },
    { case: 'a result without reasons', result: { allow: true }, message: /is not \{ allow: boolean, reasons/ },
    { case: 'a bare boolean result', result: true, message: /is not \{ allow: boolean/ },
    { case: 'an answer that is not JSON', mode: 'not-json', message: /is not a Data API response/ },
    { case: 'a 404 (a gateway in front of OPA)', mode: 'not-found', message: /HTTP 404 for change_control\/allow: page not found/ },
    { case: 'a server error', mode: 'server-error', message: /HTTP 500 .*storage failure/ },
    { case: 'a wrong token', token: 'wrong', message: /HTTP 401/ },
    { case: 'no token', token: null, message: /HTTP 401/ },
  ])(
    'rejects $case with an OpaError, never a decision',
    async ({ mode, define = true, result = { allow: true, reasons: [] }, token, message }) => {
      if (define) opa.definePolicy('change_control/allow', () => result);
      if (mode) opa.setMode(mode);

      const asked = client({ token }).decide({ path: 'change_control/allow', input: INPUT });

      await expect(asked).rejects.toThrow(OpaError);
      await expect(asked).rejects.toThrow(message);
    },
  );

  it('gives up after the timeout when OPA hangs', async () => {
    opa.setMode('hang');

    const started = Date.now();
    await expect(client({ timeoutMs: 200 }).decide({ path: 'change_control/allow', input: INPUT })).rejects.toThrow(
      'OPA did not answer within 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says OPA is unreachable when nothing listens', async () => {
    const gone = await startOpaSimulator();
    await gone.stop();

    await expect(client({ url: gone.url }).decide({ path: 'change_control/allow', input: INPUT })).rejects.toThrow(
      /^OPA is unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
  });
});

describe('readOpaEnv', () => {
  it.each([
    [{}, { ok: false, reason: 'OPA_URL is not set' }],
    [{ OPA_URL: '  ' }, { ok: false, reason: 'OPA_URL is not set' }],
    [{ OPA_URL: 'https://opa.acme.test:8181/' }, { ok: true, value: { url: 'https://opa.acme.test:8181', token: null, timeoutMs: 5000 } }],
    [
      { OPA_URL: 'http://opa.internal/gateway', OPA_TOKEN: 's3cret', OPA_TIMEOUT_MS: '750' },
      { ok: true, value: { url: 'http://opa.internal/gateway', token: 's3cret', timeoutMs: 750 } },
    ],
    [{ OPA_URL: 'opa:8181' }, { ok: false, reason: expect.stringContaining('OPA_URL must be an http(s) URL') }],
    [{ OPA_URL: 'https://user:pw@opa.test' }, { ok: false, reason: expect.stringContaining('must not contain a user name or password') }],
    [
      { OPA_URL: 'https://opa.test', OPA_TIMEOUT_MS: '5s' },
      { ok: false, reason: 'OPA_TIMEOUT_MS must be a whole number of milliseconds' },
    ],
    [
      { OPA_URL: 'https://opa.test', OPA_TIMEOUT_MS: '0' },
      { ok: false, reason: 'OPA_TIMEOUT_MS must be between 1 and 120000 ms' },
    ],
  ])('%j → %j', (env, expected) => {
    expect(readOpaEnv(env)).toEqual(expected);
  });

  it('never names the token in a reason', () => {
    const read = readOpaEnv({ OPA_URL: 'nope', OPA_TOKEN: 'very-secret-token' });
    expect(JSON.stringify(read)).not.toContain('very-secret-token');
  });
});
