import { z } from 'zod';
import { createJiraTicketReader } from '../tickets/jira/create-jira-ticket-reader.js';
import { readJiraEnv } from '../tickets/jira/jira-env.js';
import type { AppDeps } from './evaluate-pull-request.js';

const AppId = z.coerce.number({ error: 'APP_ID must be the numeric id of the GitHub App' }).int().positive();

/**
 * The app's dependencies from the environment. `APP_ID` is also read by Probot; we need it to tell our
 * own check runs from others'. Jira settings are optional: without them, a policy that needs Jira gets `error`.
 */
export function readAppEnv(env: NodeJS.ProcessEnv): { deps: AppDeps; warnings: string[] } {
  const warnings: string[] = [];
  const appId = AppId.safeParse(env.APP_ID);
  // Without our own id we cannot tell our check runs from others' and would react to our own output.
  if (!appId.success) throw new Error(appId.error.issues[0]?.message ?? 'APP_ID is invalid');
  const jira = readJiraEnv(env);
  if (!jira.ok) warnings.push(`Jira is not configured (${jira.reason}); PRs whose policy needs Jira will get an error status`);
  return {
    deps: {
      appId: appId.data,
      tickets: jira.ok ? { reader: createJiraTicketReader(jira.value) } : { unavailable: jira.reason },
      now: () => new Date(),
    },
    warnings,
  };
}
