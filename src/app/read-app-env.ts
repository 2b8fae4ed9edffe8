import type { Probot } from 'probot';
import { openAuditStore, readAuditEnv } from '../store/open-audit-store.js';
import { readQueueEnv } from '../queue/queue-settings.js';
import type { AppDeps } from '../evaluation/app-deps.js';
import { readEvaluationEnv } from '../evaluation/read-evaluation-env.js';

/** Our bot's login, asked of GitHub once (`GET /app` with the app's own credentials) and then remembered. */
function botLoginOf(app: Probot): () => Promise<string> {
  let login: Promise<string> | null = null;
  return () => {
    login ??= app
      .auth()
      .then((octokit) => octokit.request('GET /app'))
      .then(({ data }) => `${data?.slug ?? 'change-control'}[bot]`)
      .catch((error: unknown) => {
        login = null; // ask again next time
        throw error;
      });
    return login;
  };
}

/**
 * The app's dependencies from the environment. `APP_ID` is also read by Probot; we need it to tell our
 * own check runs from others'. The audit store opens (and migrates) here, so a bad DATABASE_URL stops
 * the start. Jira, ServiceNow and OPA settings are optional: without them, a policy that needs one gets `error`. The
 * evaluation's own settings are read by read-evaluation-env.ts, which the dry run (`change-control evaluate`) shares.
 */
export async function createDepsFromEnv(app: Probot, env: NodeJS.ProcessEnv): Promise<AppDeps> {
  const evaluation = readEvaluationEnv(env, app.log);
  const queueSettings = readQueueEnv(env);
  const audit = await openAuditStore(readAuditEnv(env));
  app.log.info({ store: audit.kind }, 'audit store open');
  return {
    ...evaluation,
    audit,
    botLogin: botLoginOf(app),
    now: () => new Date(),
    queue: audit.queue,
    createdTickets: audit.createdTickets,
    queueSettings,
  };
}
