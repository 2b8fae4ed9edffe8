import type { GitIdentity, PullRequestFacts } from './facts.js';

/** GitHub's own committer for commits made in the web UI; not a person, so never a contributor. */
const WEB_FLOW_LOGIN = 'web-flow';

const VERB = { author: 'authored', committer: 'committed', 'co-author': 'co-authored' } as const;

export interface UnattributedIdentity extends GitIdentity {
  commitSha: string;
}

export interface Contribution {
  login: string;
  /** Why this person is a contributor, for the report: "committed 3f2a1c9", "pushed 1a2b3c4". */
  detail: string;
}

export interface Contributors {
  /** Lower-cased login to the first contribution found (the PR author is listed separately). */
  byLogin: Map<string, Contribution>;
  /** Git identities that GitHub could not tie to a user: independence cannot be proven for them. */
  unattributed: UnattributedIdentity[];
}

function isGitHubWebCommitter(identity: { role: string; email: string | null }, committedViaWeb: boolean): boolean {
  return identity.role === 'committer' && committedViaWeb && identity.email === 'noreply@github.com';
}

/**
 * Everyone who wrote or pushed the change under review: each commit's author, committer and
 * co-authors (GitHub resolves `Co-authored-by:` trailers into the commit's authors, by login or by
 * an email it knows), and everyone who pushed a head while the PR was open. Merge commits verified to
 * only bring in the base branch (`cleanBaseMerges`), and pushes of such a merge, make nobody a contributor.
 */
export function findContributors(pr: Pick<PullRequestFacts, 'commits' | 'pushers' | 'cleanBaseMerges'>): Contributors {
  const byLogin = new Map<string, Contribution>();
  const unattributed: UnattributedIdentity[] = [];
  const add = (login: string, detail: string): void => {
    const key = login.toLowerCase();
    if (key !== WEB_FLOW_LOGIN && !byLogin.has(key)) byLogin.set(key, { login, detail });
  };
  const clean = new Set(pr.cleanBaseMerges);
  for (const commit of pr.commits) {
    if (clean.has(commit.sha)) continue;
    for (const identity of commit.identities) {
      if (identity.login !== null) add(identity.login, `${VERB[identity.role]} ${commit.sha.slice(0, 7)}`);
      else if (!isGitHubWebCommitter(identity, commit.committedViaWeb)) unattributed.push({ ...identity, commitSha: commit.sha });
    }
  }
  // Pushing a head that is a verified clean base merge ("Update branch") only brought the base branch in.
  for (const push of pr.pushers) if (!clean.has(push.headSha)) add(push.login, `pushed ${push.headSha.slice(0, 7)}`);
  return { byLogin, unattributed };
}
