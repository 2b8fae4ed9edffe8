import type { RestClient } from './rest-client.js';

/** Opens an issue for a success on a gated environment that Change Control did not approve. Returns its URL. */
export async function openDeploymentBypassIssue(input: {
  octokit: RestClient;
  /** `owner/name` where the issue goes. */
  target: string;
  repo: string;
  environment: string;
  sha: string;
  deploymentId: number;
  statusCreator: string | null;
  reason: string;
  auditSeq: number | null;
}): Promise<string> {
  const [owner, repo] = input.target.split('/') as [string, string];
  const who = input.statusCreator ? `@${input.statusCreator}` : 'an unknown user';
  const body = [
    `Deployment ${input.deploymentId} of \`${input.sha}\` in ${input.repo} was reported successful on ${input.environment} by ${who}, but Change Control did not approve it: the environment's gate was bypassed.`,
    '',
    `- Why: ${input.reason.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`,
    `- Audit entry: ${input.auditSeq ?? 'not recorded'}`,
    '',
    `The commit does not count as in ${input.environment}: the next gated deployment is compared with the last one Change Control approved. Find out how it was deployed and record the outcome here.`,
  ].join('\n');
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: `Change control exception: ${input.repo} deployed ${input.sha.slice(0, 7)} to ${input.environment} without the gate`,
    body,
  });
  return data.html_url;
}
