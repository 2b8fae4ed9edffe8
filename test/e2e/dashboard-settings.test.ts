import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from './harness/build-app.js';
import { generateAppKey, startApp } from './harness/start-app.js';

/** The real `probot run` start with dashboard settings: a partial or weak configuration stops it, naming the problem and never a value. */
describe('dashboard settings at start', () => {
  beforeAll(() => buildApp(), 180_000);

  const start = (env: Record<string, string>) =>
    startApp({
      appId: 4242,
      privateKey: generateAppKey().privateKey,
      webhookSecret: 'a-webhook-secret-of-32-characters',
      githubHost: '127.0.0.1:9',
      jira: { baseUrl: 'http://127.0.0.1:9', email: 'x@example.com', apiToken: 'x' },
      env: { DATABASE_URL: 'sqlite::memory:', ...env },
    });

  it('refuses to start with some but not all of the four settings', async () => {
    const failure = await start({ GITHUB_CLIENT_ID: 'Iv1.abc', GITHUB_CLIENT_SECRET: 'client-secret-value' }).then(
      async (app) => {
        await app.stop();
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(failure).toContain(
      'dashboard settings are invalid: the dashboard needs GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, SESSION_SECRET, DASHBOARD_TEAMS; GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET are set but SESSION_SECRET, DASHBOARD_TEAMS are not',
    );
    expect(failure).not.toContain('client-secret-value');
  });

  it('starts without them, and says the dashboard is not enabled', async () => {
    const app = await start({});
    try {
      const response = await fetch(`${app.url}/dashboard`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('The dashboard is not enabled');
    } finally {
      await app.stop();
    }
  });
});
