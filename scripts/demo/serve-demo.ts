import { randomBytes } from 'node:crypto';
import { startE2E } from '../../test/e2e/harness/start-e2e.js';
import { DEFAULT_OAUTH_CLIENT } from '../../test/simulators/github/oauth-routes.js';
import { AUDITOR, DASHBOARD_TEAM, seedHistory } from './seed-history.js';

/**
 * `npm run demo -- --serve`: the real app process (as `npm start` runs it) against the built-in GitHub and Jira
 * simulators, with four weeks of history sent through it as webhooks, serving the compliance dashboard with
 * sign-in through the simulated GitHub's OAuth pages. Runs until Ctrl-C (SIGINT) or SIGTERM.
 */
export async function serveDemo(): Promise<void> {
  const started = Date.now();
  const e2e = await startE2E({
    env: {
      GITHUB_CLIENT_ID: DEFAULT_OAUTH_CLIENT.clientId,
      GITHUB_CLIENT_SECRET: DEFAULT_OAUTH_CLIENT.clientSecret,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DASHBOARD_TEAMS: DASHBOARD_TEAM,
    },
  });
  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= e2e.stop().finally(() => process.exit(code));
    return stopping;
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    console.log('Seeding four weeks of history through the app (every record is a webhook it evaluated)…');
    const seeded = await seedHistory(e2e, new Date());
    const unexpected = e2e.sims.unexpectedRequests();
    if (unexpected.github.length + unexpected.jira.length > 0)
      throw new Error(`the simulators received requests they did not expect: ${JSON.stringify(unexpected)}`);
    console.log(
      [
        `Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${seeded.merged} merged changes in ${seeded.repositories.join(' and ')},`,
        `  a bypass (${seeded.bypass}), an emergency change approved retrospectively (${seeded.emergency}),`,
        `  and a deployment (${seeded.deployment}).`,
        '',
        `Dashboard: ${e2e.app.url}/dashboard`,
        `Sign in as: ${AUDITOR}`,
        `  (type the login on the simulated GitHub's sign-in page; ${AUDITOR} is in ${DASHBOARD_TEAM}, the dashboard's team)`,
        `Simulated GitHub: ${e2e.github.url}   app log level: warn`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(`app output:\n${e2e.app.output()}`);
    await stop(1);
  }
}
