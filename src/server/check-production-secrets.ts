/** Probot's public default secret (`development`): anyone can sign a delivery with it. */
const PUBLIC_DEFAULT = 'development';
/** Shorter shared secrets can be guessed offline from one captured signed delivery. */
export const MIN_SECRET_LENGTH = 16;

function problemOf(name: string, value: string): string | null {
  if (value === PUBLIC_DEFAULT) return `${name} is "development", Probot's public default: anyone could sign deliveries with it`;
  if (value.length < MIN_SECRET_LENGTH)
    return `${name} has ${value.length} characters; use at least ${MIN_SECRET_LENGTH} (e.g. \`openssl rand -hex 32\`)`;
  return null;
}

/**
 * Why the app must not start (empty when it may). Only with `NODE_ENV=production`: without WEBHOOK_SECRET
 * Probot verifies signatures with `development`, so anyone could forge merges, pushes and emergency
 * authorisations. JIRA_WEBHOOK_SECRET and SERVICENOW_WEBHOOK_SECRET are checked when set, i.e. when
 * their route is on.
 */
export function checkProductionSecrets(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const webhook = env.WEBHOOK_SECRET ?? '';
  if (webhook === '')
    problems.push('WEBHOOK_SECRET is not set: Probot would accept deliveries signed with its public default "development"');
  else {
    const problem = problemOf('WEBHOOK_SECRET', webhook);
    if (problem) problems.push(problem);
  }
  for (const name of ['JIRA_WEBHOOK_SECRET', 'SERVICENOW_WEBHOOK_SECRET']) {
    const value = env[name]?.trim() ?? '';
    const problem = value === '' ? null : problemOf(name, value);
    if (problem) problems.push(problem);
  }
  return problems;
}
