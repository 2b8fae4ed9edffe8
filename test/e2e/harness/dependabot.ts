import type { CommitInput } from '../../simulators/github/state.js';
import type { E2E, RepoTarget } from './start-e2e.js';
import { pullRequestEvent, type PullTarget } from './webhooks.js';

/** The standard change class of the issue (#19): dependency updates by Dependabot or Renovate, covered by `ticket`. */
export function dependencyUpdatesClass(ticket: string): string {
  return [
    'standard_changes:',
    '  - name: dependency-updates',
    `    ticket: ${ticket}`,
    '    authors: ["dependabot[bot]", "renovate[bot]"]',
    '    paths: ["package.json", "package-lock.json", "**/go.sum"]',
    '    max_changed_lines: 400',
    '    approval: { count: 0 }',
    '',
  ].join('\n');
}

export const LOCKFILE = { 'package-lock.json': '{\n  "lodash": "4.17.21"\n}\n' };

/** A Dependabot commit as GitHub shows it: authored with the bot's no-reply address (tied to no user), committed by GitHub. */
function dependabotCommit(files: Record<string, string>): CommitInput {
  return {
    author: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', login: null },
    committedViaWeb: true,
    message: 'Bump lodash from 4.17.20 to 4.17.21',
    files,
  };
}

/** A PR Dependabot opened (a Bot author, as GitHub's GraphQL names it: `dependabot`), with `build` green and no review. */
export function openDependabotPr(e2e: E2E, repo: RepoTarget, files: Record<string, string> = LOCKFILE): PullTarget {
  const pr = e2e.github.openPullRequest({
    ...repo,
    title: 'Bump lodash from 4.17.20 to 4.17.21',
    author: 'dependabot',
    authorIsBot: true,
    headRef: 'dependabot/npm_and_yarn/lodash-4.17.21',
    commits: [dependabotCommit(files)],
  });
  const target = { github: e2e.github, ...repo, number: pr.number };
  e2e.github.addCheckRun({ ...target, sha: e2e.github.pullRequest(target).headSha, name: 'build', conclusion: 'success' });
  return target;
}

/** `pull_request.opened` as GitHub sends it for Dependabot: the sender is the app's bot user (REST: `dependabot[bot]`, type Bot). */
export function openedByDependabot(pr: PullTarget): ReturnType<typeof pullRequestEvent> {
  const payload = pullRequestEvent(pr, 'opened', 'dependabot[bot]');
  Object.assign(payload.sender, { type: 'Bot' });
  return payload;
}
