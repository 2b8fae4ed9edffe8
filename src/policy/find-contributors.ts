import type { PullRequestFacts } from './facts.js';
import type { UnattributedIdentity } from './verdict.js';

/** GitHub's own committer for commits made in the web UI; not a person, so never a contributor. */
const WEB_FLOW_LOGIN = 'web-flow';

export interface Contributors {
  /** Lower-cased logins of the PR author and everyone who authored, committed or co-authored a commit. */
  logins: Set<string>;
  /** Git identities that GitHub could not tie to a user: independence cannot be proven for them. */
  unattributed: UnattributedIdentity[];
}

function isGitHubWebCommitter(identity: { role: string; email: string | null }, committedViaWeb: boolean): boolean {
  return identity.role === 'committer' && committedViaWeb && identity.email === 'noreply@github.com';
}

/** Everyone who wrote the change under review, from the PR author and each commit's identities. */
export function findContributors(pr: Pick<PullRequestFacts, 'author' | 'commits'>): Contributors {
  const logins = new Set<string>([pr.author.login.toLowerCase()]);
  const unattributed: UnattributedIdentity[] = [];
  for (const commit of pr.commits) {
    for (const identity of commit.identities) {
      if (identity.login !== null) {
        if (identity.login.toLowerCase() !== WEB_FLOW_LOGIN) logins.add(identity.login.toLowerCase());
      } else if (!isGitHubWebCommitter(identity, commit.committedViaWeb)) {
        unattributed.push({ ...identity, commitSha: commit.sha });
      }
    }
  }
  return { logins, unattributed };
}
