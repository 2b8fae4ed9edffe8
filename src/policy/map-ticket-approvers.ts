import type { PeopleMap, PullRequestFacts, TicketPerson } from './facts.js';
import type { Contributors } from './find-contributors.js';

/** How a ticket approver was tied to GitHub, and whether that makes the approval a conflict of duties. */
export interface ApproverCheck {
  approver: TicketPerson;
  /** GitHub logins the approver is (lower-case); empty when they could not be tied to any. */
  logins: string[];
  /** `people-file`: the organisation's mapping; `commit-email`: their e-mail is on a commit of the PR; null: unmapped. */
  via: 'people-file' | 'commit-email' | null;
  /** `author`: the approver opened the PR; `contributor`: they wrote, committed or pushed part of it; null: independent. */
  conflict: 'author' | 'contributor' | null;
  /** Why, for the report: "is @alice (people file), the PR author". */
  detail: string;
}

const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

function loginsFromPeopleFile(approver: TicketPerson, people: PeopleMap): string[] {
  const matches = people.entries.filter((e) => same(e.ticketIdentity, approver.email) || same(e.ticketIdentity, approver.accountId));
  return [...new Set(matches.map((e) => e.login.toLowerCase()))];
}

/** Commit identities carrying the approver's e-mail: the approver wrote or committed that commit. */
function commitsByEmail(approver: TicketPerson, pr: Pick<PullRequestFacts, 'commits'>): { logins: string[]; shas: string[] } {
  const logins = new Set<string>();
  const shas: string[] = [];
  for (const commit of pr.commits) {
    const hits = commit.identities.filter((identity) => same(identity.email, approver.email));
    if (hits.length === 0) continue;
    shas.push(commit.sha.slice(0, 7));
    for (const hit of hits) if (hit.login !== null) logins.add(hit.login.toLowerCase());
  }
  return { logins: [...logins], shas };
}

function conflictOf(input: { logins: string[]; author: string; contributors: Contributors }): ApproverCheck['conflict'] {
  const { logins, author, contributors } = input;
  if (logins.includes(author.toLowerCase())) return 'author';
  return logins.some((login) => contributors.byLogin.has(login)) ? 'contributor' : null;
}

function describe(check: Omit<ApproverCheck, 'detail'>, shas: string[]): string {
  if (check.via === null) return 'is not tied to any GitHub identity (not in the people file, e-mail not on any commit)';
  const who = check.logins.length > 0 ? check.logins.map((l) => `@${l}`).join(', ') : `the e-mail on ${shas.join(', ')}`;
  const via = check.via === 'people-file' ? 'people file' : `commit e-mail on ${shas.join(', ')}`;
  const verdict =
    check.conflict === 'author' ? 'the PR author' : check.conflict === 'contributor' ? 'a contributor to the PR' : 'independent of the PR';
  return `is ${who} (${via}): ${verdict}`;
}

/**
 * Cross-system segregation of duties: ties each ticket approver to GitHub (the organisation's people file first,
 * then their e-mail on the PR's commits) and says whether they are the PR author or a contributor. An approver
 * whose e-mail is on a commit is a contributor even when GitHub could not tie that commit to a login.
 */
export function mapTicketApprovers(input: {
  approvers: TicketPerson[];
  people: PeopleMap;
  pr: Pick<PullRequestFacts, 'commits' | 'author'>;
  contributors: Contributors;
}): ApproverCheck[] {
  const { approvers, people, pr, contributors } = input;
  return approvers.map((approver) => {
    const mapped = loginsFromPeopleFile(approver, people);
    const byEmail = commitsByEmail(approver, pr);
    const logins = [...new Set([...mapped, ...byEmail.logins])];
    const via = mapped.length > 0 ? 'people-file' : byEmail.shas.length > 0 ? 'commit-email' : null;
    const conflict = conflictOf({ logins, author: pr.author.login, contributors }) ?? (byEmail.shas.length > 0 ? 'contributor' : null);
    const check = { approver, logins, via, conflict } as const;
    return { ...check, detail: describe(check, byEmail.shas) };
  });
}
