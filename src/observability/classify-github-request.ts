/** How a GitHub request counts against GitHub's limits (label `kind` of change_control_github_requests_total). */
export type GithubRequestKind = 'read' | 'graphql' | 'token' | 'write';

const INSTALLATION_TOKEN = /\/app\/installations\/\d+\/access_tokens$/;

/**
 * read: GET/HEAD (the 5,000/hour budget); graphql: a POST to /graphql (points, not a content write);
 * token: an installation access token (not content-creating); write: every other non-GET, which GitHub
 * counts against the 80/minute and 500/hour content-creating limits.
 */
export function classifyGithubRequest(method: string, url: string): GithubRequestKind {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return 'read';
  const path = url.split('?')[0] ?? '';
  if (path.endsWith('/graphql')) return 'graphql';
  if (INSTALLATION_TOKEN.test(path)) return 'token';
  return 'write';
}
