import { z } from 'zod';
import type { EmergencyAuthorisation } from './emergency-override.js';
import { keysOf } from './evaluate-ticket.js';
import type { ChangedFile, PullRequestFacts, TeamMembers, TicketLookup } from './facts.js';
import type { TicketKeySearch } from './find-ticket-keys.js';
import type { ControlResult, PolicySource } from './verdict.js';

/**
 * The input document OPA is asked with (`POST /v1/data/{path}` with `{ "input": … }`): the whole evaluation,
 * in snake_case as Rego policies usually read. Versioned: a field is only ever added within a version; renaming or
 * removing one makes a new `version`. `npm run schema` writes its JSON Schema to `schema/opa-input.schema.json`.
 */
export const OPA_INPUT_VERSION = 1;

const Actor = z.object({
  login: z.string().describe('GitHub login.'),
  is_bot: z.boolean().describe('True for a bot account or GitHub App.'),
});

const Identity = z.object({
  role: z.enum(['author', 'committer', 'co-author']),
  name: z.string().nullable(),
  email: z.string().nullable(),
  login: z.string().nullable().describe('The GitHub login GitHub tied this git identity to; null when none.'),
});

const Approval = z.object({
  how: z.enum(['status-transition', 'jsm-approval', 'servicenow-approval']),
  decision: z.enum(['approved', 'declined', 'pending']),
  approvers: z.array(z.object({ account_id: z.string().nullable(), email: z.string().nullable(), display_name: z.string().nullable() })),
  at: z.string().nullable(),
  detail: z.string(),
});

const Ticket = z.object({
  key: z.string().describe('The key as found in the PR.'),
  found_in: z
    .enum(['title', 'branch', 'body', 'created', 'standard-change'])
    .describe(
      'Where the key was found; created: the ticket the app created for the PR; standard-change: the standing ticket of the standard change class covering the PR.',
    ),
  found: z.boolean().describe('False: the provider does not know the key.'),
  provider_key: z.string().nullable().describe('The key the provider answered with (differs when a Jira issue moved).'),
  status: z.string().nullable(),
  type: z.string().nullable().describe('The issue type (Jira) or change type.'),
  summary: z.string().nullable(),
  url: z.string(),
  approval: Approval.nullable().describe('The approval evidence read from the provider; null when none was read.'),
  window: z.object({ start: z.string().nullable(), end: z.string().nullable() }).nullable(),
});

const Control = z.object({
  control: z.enum(['ticket', 'approval', 'checks', 'security']),
  outcome: z.enum(['success', 'pending', 'failure']),
  summary: z.string(),
});

export const OpaInput = z
  .object({
    version: z.literal(OPA_INPUT_VERSION).describe('The version of this document; a breaking change makes a new one.'),
    evaluated_at: z.string().describe('ISO-8601 time of the evaluation (UTC), e.g. for change freezes.'),
    policy: z
      .object({ repo: z.string(), path: z.string(), blob_sha: z.string() })
      .describe('The Change Control policy file applied, read from its default branch.'),
    repository: z.object({
      owner: z.string(),
      name: z.string(),
      visibility: z.enum(['public', 'private']).nullable().describe('internal counts as private; null when unknown.'),
    }),
    pull_request: z.object({
      number: z.int(),
      title: z.string(),
      body: z.string(),
      url: z.string(),
      author: Actor,
      base_ref: z.string().describe('The branch the PR merges into, e.g. main.'),
      head_ref: z.string(),
      head_sha: z.string(),
    }),
    commits: z.array(
      z.object({
        sha: z.string(),
        parents: z.array(z.string()).describe('A merge commit has two; the second is the branch merged in.'),
        committed_via_web: z.boolean(),
        identities: z.array(Identity).describe('Author, committer and Co-authored-by identities.'),
      }),
    ),
    pushers: z
      .array(z.object({ login: z.string(), head_sha: z.string(), at: z.string() }))
      .describe('Everyone who pushed a head to the PR while it was open.'),
    clean_base_merges: z.array(z.string()).describe('Merge commits verified to only bring in the base branch.'),
    reviews: z.array(
      z.object({
        reviewer: Actor,
        state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']),
        commit_sha: z.string().nullable().describe('The commit reviewed; null when GitHub no longer knows it.'),
        submitted_at: z.string(),
        reviewer_can_push: z.boolean().describe('Whether the reviewer has write access to the repository.'),
      }),
    ),
    checks: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['check_run', 'status']),
        state: z.enum(['success', 'pending', 'failure']),
        raw: z.string().describe('GitHub value: check run STATUS/CONCLUSION or status state.'),
        at: z.string(),
        url: z.string().nullable(),
        source: z.string().nullable().describe('The app slug (check run) or login (status) that reported it.'),
      }),
    ),
    changed_files: z
      .array(z.object({ path: z.string(), previous_path: z.string().nullable() }))
      .describe('Every file the PR changes; a rename lists its old path too.'),
    teams: z
      .record(z.string(), z.array(z.string()))
      .describe('Members (lower-case logins) of the teams named in opa.teams and approval.teams, by org/team-slug.'),
    tickets: z.array(Ticket).describe('Each ticket key of the configured projects found in the PR, with what the provider said.'),
    emergency: z.object({
      path_configured: z.boolean().describe('True when the policy has an emergency path (emergency.teams).'),
      authorisation: z
        .object({ by: z.string(), reason: z.string(), at: z.string(), audit_seq: z.int() })
        .nullable()
        .describe('The emergency authorisation recorded for this head commit, verified in the audit store; null when none.'),
    }),
    controls: z
      .array(Control)
      .describe("The built-in controls' outcomes (ticket, approval, checks; security when the policy has security:)."),
  })
  .describe('The input Change Control sends to OPA for each decision (docs/opa.md).');
export type OpaInput = z.infer<typeof OpaInput>;

function ticketOf(
  key: { key: string; source: 'title' | 'branch' | 'body' | 'created' | 'standard-change' },
  lookup: TicketLookup | undefined,
): OpaInput['tickets'][number] {
  const base = { key: key.key, found_in: key.source };
  if (lookup === undefined || !lookup.found) {
    const none = { provider_key: null, status: null, type: null, summary: null, approval: null, window: null };
    return { ...base, found: false, url: lookup?.url ?? '', ...none };
  }
  const approval = lookup.approval ?? null;
  return {
    ...base,
    found: true,
    provider_key: lookup.key,
    status: lookup.status,
    type: lookup.issueType,
    summary: lookup.summary,
    url: lookup.url,
    approval:
      approval === null
        ? null
        : {
            how: approval.how,
            decision: approval.decision,
            approvers: approval.approvers.map((p) => ({ account_id: p.accountId, email: p.email, display_name: p.displayName })),
            at: approval.at,
            detail: approval.detail,
          },
    window: lookup.window ?? null,
  };
}

/** The input document for OPA from the complete facts, the built-in controls' outcomes and the emergency state. Pure. */
export function buildOpaInput(input: {
  policy: PolicySource;
  /** With the changed files read: OPA policies decide by path, so the input always lists them. */
  pr: PullRequestFacts & { changedFiles: ChangedFile[] };
  ticketSearch: TicketKeySearch;
  ticketLookups: TicketLookup[];
  teamMembers: TeamMembers;
  controls: ControlResult[];
  emergency: { pathConfigured: boolean; authorisation: EmergencyAuthorisation | null };
  now: Date;
}): OpaInput {
  const { pr, emergency } = input;
  const actor = (a: { login: string; isBot: boolean }) => ({ login: a.login, is_bot: a.isBot });
  const authorisation = emergency.authorisation;
  return {
    version: OPA_INPUT_VERSION,
    evaluated_at: input.now.toISOString(),
    policy: { repo: input.policy.repo, path: input.policy.path, blob_sha: input.policy.blobSha },
    repository: { owner: pr.owner, name: pr.repo, visibility: pr.visibility ?? null },
    pull_request: {
      number: pr.number,
      title: pr.title,
      body: pr.body,
      url: pr.url,
      author: actor(pr.author),
      base_ref: pr.baseRef,
      head_ref: pr.headRef,
      head_sha: pr.headSha,
    },
    commits: pr.commits.map((c) => ({
      sha: c.sha,
      parents: c.parents,
      committed_via_web: c.committedViaWeb,
      identities: c.identities.map((i) => ({ role: i.role, name: i.name, email: i.email, login: i.login })),
    })),
    pushers: pr.pushers.map((p) => ({ login: p.login, head_sha: p.headSha, at: p.at })),
    clean_base_merges: pr.cleanBaseMerges,
    reviews: pr.reviews.map((r) => ({
      reviewer: actor(r.reviewer),
      state: r.state,
      commit_sha: r.commitSha,
      submitted_at: r.submittedAt,
      reviewer_can_push: r.reviewerCanPush,
    })),
    checks: pr.checks.map((c) => ({ name: c.name, kind: c.kind, state: c.state, raw: c.raw, at: c.at, url: c.url, source: c.source })),
    changed_files: pr.changedFiles.map((f) => ({ path: f.path, previous_path: f.previousPath })),
    teams: input.teamMembers,
    tickets: keysOf(input.ticketSearch).map((key) =>
      ticketOf(
        key,
        input.ticketLookups.find((l) => l.requestedKey === key.key),
      ),
    ),
    emergency: {
      path_configured: emergency.pathConfigured,
      authorisation:
        authorisation === null
          ? null
          : { by: authorisation.by, reason: authorisation.reason, at: authorisation.at, audit_seq: authorisation.auditSeq },
    },
    controls: input.controls.flatMap((c) => (c.control === 'opa' ? [] : [{ control: c.control, outcome: c.outcome, summary: c.summary }])),
  };
}
