import { describe, it, expect } from '@jest/globals';
import { readJiraEnv } from '../../src/tickets/jira/jira-env.js';

const TOKEN = 'cloud-token-s3cret';
const PAT = 'dc-pat-s3cret';

describe('readJiraEnv', () => {
  it.each([
    {
      name: 'Jira Cloud with the default timeout',
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'ci@acme.test', JIRA_API_TOKEN: TOKEN },
      expected: { baseUrl: 'https://acme.atlassian.net', auth: { kind: 'cloud', email: 'ci@acme.test', apiToken: TOKEN }, timeoutMs: 5000 },
    },
    {
      name: 'Data Center with a context path, trailing slash and timeout',
      env: { JIRA_BASE_URL: 'https://jira.acme.test/jira/', JIRA_PAT: PAT, JIRA_TIMEOUT_MS: '2500' },
      expected: { baseUrl: 'https://jira.acme.test/jira', auth: { kind: 'data-center', personalAccessToken: PAT }, timeoutMs: 2500 },
    },
    {
      name: 'blank variables count as unset and values are trimmed',
      env: { JIRA_BASE_URL: ' http://jira.local:8080 ', JIRA_PAT: `${PAT}\n`, JIRA_EMAIL: '', JIRA_API_TOKEN: '  ', JIRA_TIMEOUT_MS: '' },
      expected: { baseUrl: 'http://jira.local:8080', auth: { kind: 'data-center', personalAccessToken: PAT }, timeoutMs: 5000 },
    },
  ])('accepts $name', ({ env, expected }) => {
    expect(readJiraEnv(env)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { env: { JIRA_EMAIL: 'ci@acme.test', JIRA_API_TOKEN: TOKEN }, reason: 'JIRA_BASE_URL is not set' },
    {
      env: { JIRA_BASE_URL: 'acme.atlassian.net', JIRA_PAT: PAT },
      reason: 'JIRA_BASE_URL must be an http(s) URL such as https://acme.atlassian.net',
    },
    {
      env: { JIRA_BASE_URL: 'ftp://acme.test', JIRA_PAT: PAT },
      reason: 'JIRA_BASE_URL must be an http(s) URL such as https://acme.atlassian.net',
    },
    {
      env: { JIRA_BASE_URL: `https://ci:${TOKEN}@acme.atlassian.net`, JIRA_PAT: PAT },
      reason: 'JIRA_BASE_URL must not contain a user name or password: set JIRA_EMAIL and JIRA_API_TOKEN or JIRA_PAT',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net' },
      reason: 'set JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center)',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_API_TOKEN: TOKEN },
      reason: 'JIRA_EMAIL is not set (Jira Cloud needs it with JIRA_API_TOKEN)',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'ci@acme.test' },
      reason: 'JIRA_API_TOKEN is not set (Jira Cloud needs it with JIRA_EMAIL)',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'ci@acme.test', JIRA_API_TOKEN: TOKEN, JIRA_PAT: PAT },
      reason: 'set either JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center), not both',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_PAT: PAT, JIRA_TIMEOUT_MS: '5s' },
      reason: 'JIRA_TIMEOUT_MS must be a whole number of milliseconds, got "5s"',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_PAT: PAT, JIRA_TIMEOUT_MS: '0' },
      reason: 'JIRA_TIMEOUT_MS must be between 1 and 120000 ms, got 0',
    },
    {
      env: { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_PAT: PAT, JIRA_TIMEOUT_MS: '9999999999' },
      reason: 'JIRA_TIMEOUT_MS must be between 1 and 120000 ms, got 9999999999',
    },
    {
      env: { JIRA_TIMEOUT_MS: '-1' },
      reason: 'JIRA_BASE_URL is not set; JIRA_TIMEOUT_MS must be a whole number of milliseconds, got "-1"',
    },
  ])('rejects $env with "$reason"', ({ env, reason }) => {
    const result = readJiraEnv(env);

    expect(result).toEqual({ ok: false, reason });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(PAT);
  });

  it('ignores unrelated variables', () => {
    const result = readJiraEnv({ PATH: '/usr/bin', JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_PAT: PAT });

    expect(result.ok).toBe(true);
  });
});
