import { z } from 'zod';

/** A Jira project key: upper-case letter, then letters, digits or underscores. */
const ProjectKey = z.string().regex(/^[A-Z][A-Z0-9_]+$/, { error: 'must be a Jira project key in capitals, such as CHG' });

/** An `org/team-slug` reference. */
const TeamSlug = z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'must be written org/team-slug, such as acme/release-managers' });

/** Jira field ids of a change window, such as `customfield_10060`. */
const FieldId = z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'must be a Jira field id such as customfield_10060' });

export const TicketWindowConfig = z
  .object({
    /** Jira field id holding the start of the change window (a date-time field). */
    start_field: FieldId.describe('Jira field id of the window start, e.g. customfield_10060.'),
    /** Jira field id holding the end of the change window (a date-time field). */
    end_field: FieldId.describe('Jira field id of the window end, e.g. customfield_10061.'),
  })
  .strict();
export type TicketWindowConfig = z.infer<typeof TicketWindowConfig>;

/** `ticket.create`: the app files the change request itself for a PR that names none (docs/tickets.md). */
export const TicketCreateConfig = z
  .object({
    /**
     * Jira: the project the change request is created in. ServiceNow: the table is always `change_request`; this is
     * the number prefix shown in the report (CHG).
     */
    project: ProjectKey.describe('Jira project key the change request is created in (ServiceNow: the number prefix, CHG).'),
    /** Jira: the issue type (name) of the created issue, default `Change`. ServiceNow: the change type, default `normal`. */
    type: z
      .string()
      .min(1)
      .optional()
      .describe('Jira issue type of the created ticket (default Change); ServiceNow: the change type (default normal).'),
    /** When a ticket is created: `missing`, for a PR into a controlled branch that names no ticket. */
    when: z
      .enum(['missing'])
      .default('missing')
      .describe('When a ticket is created: missing, for a PR into a controlled branch that names no ticket.'),
  })
  .strict();
export type TicketCreateConfig = z.infer<typeof TicketCreateConfig>;

export const TicketConfig = z
  .object({
    /** Where change tickets live. `none` switches the ticket control off (it then passes with that noted). */
    provider: z
      .enum(['jira', 'servicenow', 'none'])
      .default('jira')
      .describe('Ticket provider: jira, servicenow, or none to switch the ticket control off.'),
    /**
     * Jira project keys whose issues count as change tickets (required with jira). With servicenow: the change
     * number prefixes (default CHG, as in CHG0030001).
     */
    projects: z
      .array(ProjectKey)
      .default([])
      .describe(
        'Jira project keys whose issues count as change tickets (required with jira); with servicenow the number prefixes, default CHG.',
      ),
    /** Statuses (ServiceNow: states) that mean the change is approved (compared case-insensitively). */
    statuses: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Statuses that count as approved (ServiceNow: states); default Approved for jira, Scheduled and Implement for servicenow.'),
    /** Optional: issue types allowed as change tickets (compared case-insensitively). Empty means any type. */
    types: z.array(z.string().min(1)).default([]).describe('Optional issue types allowed as change tickets; empty allows any.'),
    /** Jira Service Management: the request's approvals must end in a final decision `approved`; the approvers are the evidence. */
    jsm_approvals: z
      .boolean()
      .default(false)
      .describe(
        'Jira Service Management: require an approval whose final decision is approved and take its approvers as the evidence (default false).',
      ),
    /** An approver who cannot be tied to a GitHub identity: `warn` reports it, `block` fails the control. */
    unmapped_approver: z
      .enum(['warn', 'block'])
      .default('warn')
      .describe('A ticket approver not tied to any GitHub identity: warn reports it, block fails the control (default warn).'),
    /** Optional change window read from two Jira fields; outside it the control fails. */
    window: TicketWindowConfig.optional().describe('Change window read from two Jira date-time fields; outside it the control fails.'),
    /** With several ticket keys in a PR: `any` needs one approved ticket, `all` needs every one. */
    require: z
      .enum(['any', 'all'])
      .default('any')
      .describe('With several ticket keys in a PR: any needs one approved ticket, all needs every one (default any).'),
    /** On merge, link the PR from the ticket and comment the evidence (docs/tickets.md). */
    write_back: z
      .boolean()
      .default(false)
      .describe('On merge, add a link to the PR and an evidence comment to each ticket (default false).'),
    /** Off unless set: the app creates the change ticket for a PR that names none (docs/tickets.md#tickets-created-for-you). */
    create: TicketCreateConfig.optional().describe(
      'The app creates a change ticket for a PR that names none, and the PR waits for its approval (off unless set).',
    ),
    /** Close the ticket the app created once the change is merged (`merge`) or deployed (`deploy`). */
    close_on: z
      .enum(['merge', 'deploy'])
      .optional()
      .describe('Close the ticket the app created on merge or after a successful deployment (off unless set).'),
    /** The status the created ticket is closed to: a Jira transition's target status, or a ServiceNow state. */
    close_status: z
      .string()
      .min(1)
      .optional()
      .describe('Status the created ticket is moved to by close_on (Jira transition target; ServiceNow state); default Done / Closed.'),
    /** ServiceNow only: the close code written with close_on (`successful`). */
    close_code: z
      .string()
      .min(1)
      .optional()
      .describe('ServiceNow only: the close code set when close_on closes the change (default successful).'),
    /** Seconds a ticket answer is reused, so a burst of events does not ask the provider each time (0: never). */
    cache_seconds: z
      .int()
      .min(0)
      .max(600)
      .optional()
      .describe('Seconds a ticket answer is reused (0 to 600); default TICKET_CACHE_SECONDS or 30.'),
  })
  .strict()
  .transform((ticket) => ({
    ...ticket,
    statuses: ticket.statuses ?? (ticket.provider === 'servicenow' ? ['Scheduled', 'Implement'] : ['Approved']),
  }));
export type TicketConfig = z.infer<typeof TicketConfig>;

/** A stricter requirement for PRs that touch some paths. */
export const ApprovalRule = z
  .object({
    /** Globs of repository paths (`src/ledger/**`); the rule applies when the PR changes a matching file. */
    paths: z
      .array(z.string().min(1))
      .min(1)
      .describe('Globs of paths; the rule applies when the PR changes a matching file (renames count as both paths).'),
    /** Independent approvals this rule needs. */
    count: z.int().min(0).default(1).describe('Independent approvals this rule needs.'),
    /** Only members of these `org/team-slug` teams count for this rule. */
    teams: z.array(TeamSlug).default([]).describe('Only members of these org/team-slug teams count for this rule; empty allows anyone.'),
  })
  .strict();
export type ApprovalRule = z.infer<typeof ApprovalRule>;

export const ApprovalConfig = z
  .object({
    /** Independent approvals needed on the head commit. */
    count: z.int().min(0).default(1).describe('Independent approvals needed on the head commit.'),
    /** Optional `org/team-slug` list: only members of these teams count as approvers. */
    teams: z.array(TeamSlug).default([]).describe('Only members of these org/team-slug teams count as approvers; empty allows anyone.'),
    /** Count an approval by the PR author. Default false. */
    allow_author: z.boolean().default(false).describe('Count an approval by the PR author (default false).'),
    /** Count approvals by people who wrote, committed, co-authored or pushed to the PR. Never allows the author. Default false. */
    allow_contributors: z
      .boolean()
      .default(false)
      .describe(
        'Count approvals by contributors (commit authors, committers, co-authors, pushers); never allows the PR author (default false).',
      ),
    /** `block`: a commit identity not tied to a GitHub user fails the control; `allow`: it is only reported. */
    unattributed_commits: z
      .enum(['block', 'allow'])
      .default('block')
      .describe('block: a commit by an identity not tied to a GitHub user fails the control; allow: it is only reported.'),
    /** Only approvals of the current head commit count (a push invalidates earlier approvals). Default true. */
    invalidate_on_push: z.boolean().default(true).describe('Only approvals of the current head commit count (default true).'),
    /** A clean merge of the base branch into the PR neither invalidates approvals nor makes its author a contributor. */
    ignore_base_merges: z
      .boolean()
      .default(false)
      .describe(
        'A merge commit that only brings in the base branch neither invalidates approvals nor makes its author a contributor (default false).',
      ),
    /**
     * An approval of an earlier head still counts when the PR's own change is the same: the patch of the approved
     * head against its merge base has the same patch id as the current head's (a rebase without changes). Default false.
     */
    keep_on_rebase: z
      .boolean()
      .default(false)
      .describe(
        "An approval of an earlier head still counts when the head's patch against its merge base is the same (a rebase that changed nothing in the PR's diff; default false).",
      ),
    /** Stricter requirements for PRs that touch some paths; every matching rule must be met. */
    rules: z.array(ApprovalRule).default([]).describe('Stricter requirements by changed paths; every matching rule must be met.'),
  })
  .strict();
export type ApprovalConfig = z.infer<typeof ApprovalConfig>;

/**
 * One required check: a plain name, or a name bound to the source that must report it (as GitHub rulesets'
 * "expected source"): `app` is the GitHub App slug of a check run, `creator` the login that posts a commit status.
 */
export const RequiredCheck = z.union([
  z.string().min(1),
  z
    .object({
      /** The check run name. */
      name: z.string().min(1).describe('The check run name.'),
      /** The slug of the GitHub App that must create the check run (e.g. github-actions). */
      app: z.string().min(1).describe('The slug of the GitHub App that must create the check run (e.g. github-actions).'),
    })
    .strict(),
  z
    .object({
      /** The commit status context. */
      name: z.string().min(1).describe('The commit status context.'),
      /** The login that must post the commit status (e.g. ci-bot). */
      creator: z.string().min(1).describe('The login that must post the commit status (e.g. ci-bot).'),
    })
    .strict(),
]);
export type RequiredCheck = z.infer<typeof RequiredCheck>;

export const ChecksConfig = z
  .object({
    /**
     * Check run names or commit status contexts that must succeed on the head commit; an entry may name its expected
     * source: `{ name: ci/test, app: github-actions }` or `{ name: jenkins, creator: ci-bot }`.
     */
    required: z
      .array(RequiredCheck)
      .default([])
      .describe(
        'Check run names or status contexts that must succeed on the head commit; an entry may name its source: { name, app } (check run) or { name, creator } (commit status).',
      ),
  })
  .strict();
export type ChecksConfig = z.infer<typeof ChecksConfig>;

export const ReportConfig = z
  .object({
    /**
     * Whether the check run shows a ticket's details (summary, type, approval history, approvers' names and e-mails,
     * link). Default: only on private and internal repositories; on public ones anyone can read the check run, so it
     * shows each ticket's key and status only.
     */
    ticket_details: z
      .boolean()
      .optional()
      .describe(
        "Show a ticket's summary, approvers and link in the check run; default: only on private repositories (public ones show key and status).",
      ),
  })
  .strict();
export type ReportConfig = z.infer<typeof ReportConfig>;

export const AuditConfig = z
  .object({
    /** `owner/name` of the repository where bypass exceptions are opened as issues; default: the PR's repository. */
    exceptions_repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, { error: 'must be written owner/name, such as acme/compliance' })
      .optional()
      .describe('Repository (owner/name) where bypass exceptions are opened as issues; default: the PR repository.'),
  })
  .strict();
export type AuditConfig = z.infer<typeof AuditConfig>;

const OwnerRepo = z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'must be written owner/name, such as acme/compliance' });

export const EmergencyConfig = z
  .object({
    /** Members of these `org/team-slug` teams may authorise an emergency change; empty switches the path off. */
    teams: z
      .array(TeamSlug)
      .default([])
      .describe('Members of these org/team-slug teams may authorise an emergency change; empty: no emergency path.'),
    /** Members of these teams may approve an emergency change retrospectively; empty: the members of `teams`. */
    reviewers: z
      .array(TeamSlug)
      .default([])
      .describe('Members of these teams may approve an emergency change retrospectively; empty: emergency.teams.'),
    /** `owner/name` where follow-up issues are opened; default: the PR's repository. */
    review_repo: OwnerRepo.optional().describe('Repository (owner/name) for emergency follow-up issues; default: the PR repository.'),
    /** Hours within which the retrospective approval is due. */
    review_within_hours: z.int().min(1).max(720).default(72).describe('Hours within which the retrospective approval is due (default 72).'),
  })
  .strict();
export type EmergencyConfig = z.infer<typeof EmergencyConfig>;

/**
 * A path of OPA's Data API (`POST /v1/data/{path}`): the Rego package path and rule, slash-separated, such as
 * `change_control/allow` for `package change_control` and its rule `allow`.
 */
const OpaDecisionPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/, {
  error: 'must be an OPA Data API path such as change_control/allow (package path and rule, separated by /)',
});

/** Where an OPA decision the evaluation asks for comes from: the policy's own `opa.decision` or the organisation floor's. */
export interface OpaDecisionRef {
  path: string;
  source: 'opa.decision' | 'floor.opa.decision';
}

/** Policy as code on the organisation's OPA server (docs/opa.md): a fourth control. */
export const OpaConfig = z
  .object({
    /**
     * The OPA decision to ask for each evaluation (Data API path). Its result must be `{ allow: boolean, reasons:
     * string[] }`; `allow: false` fails the PR with the reasons. Needs OPA_URL on the app.
     */
    decision: OpaDecisionPath.optional().describe(
      'OPA Data API path of the decision, e.g. change_control/allow; its result must be { allow: boolean, reasons: [string] } (docs/opa.md).',
    ),
    /** `org/team-slug` teams whose members the OPA input lists (`input.teams`), for policies that name teams. */
    teams: z
      .array(TeamSlug)
      .default([])
      .describe('org/team-slug teams whose members the OPA input lists (input.teams), for Rego policies that name teams.'),
  })
  .strict()
  .transform(({ decision, teams }) => {
    /** The decisions to ask for, each must allow: the policy's own, and the floor's (src/config/apply-floor.ts). */
    const decisions: OpaDecisionRef[] = decision === undefined ? [] : [{ path: decision, source: 'opa.decision' }];
    return { decisions, teams };
  });
export type OpaConfig = z.infer<typeof OpaConfig>;

/** A full 40-character commit SHA. */
const CommitSha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be a full 40-character commit SHA in lower case' });

/** Deployment gating (docs/deployments.md): which environments only receive approved changes. */
export const DeploymentsConfig = z
  .object({
    /**
     * GitHub environments the app gates as a custom deployment protection rule, compared ignoring case
     * (as GitHub names environments). Others are left to their own rules. Empty: no gating.
     */
    environments: z
      .array(z.string().min(1))
      .default(['production'])
      .describe('GitHub environments the app gates (custom deployment protection rule), ignoring case; default [production].'),
    /**
     * The commit that was in production when gating started: it and its history count as deployed. Used only
     * while neither the audit store nor GitHub knows a successful deployment to the environment.
     */
    baseline: CommitSha.optional().describe(
      'Commit SHA already in production when gating started; used only until a successful deployment is known.',
    ),
  })
  .strict();
export type DeploymentsConfig = z.infer<typeof DeploymentsConfig>;

/** Code scanning severities, most severe first: `rule.security_severity_level`, or `rule.severity` mapped (docs/controls.md). */
export const CODE_SCANNING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Dependency review (GitHub Advisory Database) severities, most severe first. */
export const DEPENDENCY_SEVERITIES = ['critical', 'high', 'moderate', 'low'] as const;

export const CodeScanningConfig = z
  .object({
    /** Open code scanning alerts the PR introduces at this severity or above block it (critical, high, medium, low). */
    block_at: z
      .enum(CODE_SCANNING_SEVERITIES)
      .describe('Alerts the PR introduces at this severity or above block it: critical, high, medium or low.'),
  })
  .strict();
export type CodeScanningConfig = z.infer<typeof CodeScanningConfig>;

export const DependenciesConfig = z
  .object({
    /** Dependencies the PR adds with a known vulnerability at this severity or above block it (critical, high, moderate, low). */
    block_at: z
      .enum(DEPENDENCY_SEVERITIES)
      .describe('Dependencies the PR adds with a vulnerability at this severity or above block it: critical, high, moderate or low.'),
  })
  .strict();
export type DependenciesConfig = z.infer<typeof DependenciesConfig>;

/** Security findings as a control (docs/controls.md#security-findings): each key switches one source on. */
export const SecurityConfig = z
  .object({
    /** SAST: GitHub code scanning alerts on the PR's merge ref, compared with the base branch's. */
    code_scanning: CodeScanningConfig.optional().describe(
      "SAST: code scanning alerts the PR introduces (refs/pull/N/merge compared with the base branch's).",
    ),
    /** SCA: GitHub dependency review of base...head: vulnerable dependencies the PR adds. */
    dependencies: DependenciesConfig.optional().describe(
      'SCA: vulnerable dependencies the PR adds (GitHub dependency review, base...head).',
    ),
  })
  .strict();
export type SecurityConfig = z.infer<typeof SecurityConfig>;

/** A Jira key (`CHG-1000`) or a ServiceNow change number (`CHG0030001`): the standing ticket of a standard change class. */
const StandingTicketKey = z.string().regex(/^(?:[A-Z][A-Z0-9_]+-\d+|[A-Z]{2,8}\d{7,})$/, {
  error: 'must be a Jira key such as CHG-1000 or a ServiceNow number such as CHG0030001',
});

/**
 * One standard (pre-approved) change class (docs/tickets.md#standard-changes): a PR that meets every condition is
 * covered by the class's standing ticket instead of a ticket of its own. Read from the default branch only.
 */
export const StandardChangeClass = z
  .object({
    /** The class's name, shown in the report and the evidence. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]*$/, { error: 'must be letters, digits, ".", "_" or "-", such as dependency-updates' })
      .describe('Name of the class, shown in the report and the evidence (letters, digits, ".", "_", "-").'),
    /** The standing, approved standard-change ticket (Jira key or ServiceNow number). */
    ticket: StandingTicketKey.describe(
      'The standing approved standard-change ticket: a Jira key (CHG-1000) or a ServiceNow number (CHG0030001).',
    ),
    /** Who may author a change of the class: the PR author and every commit author, committer and pusher must be listed. */
    authors: z
      .array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/, { error: 'must be a GitHub login, such as dependabot[bot]' }))
      .min(1)
      .describe(
        'GitHub logins allowed to author the change (a bot as dependabot[bot]); the PR author and every commit author, committer and pusher must be listed.',
      ),
    /** Globs: every changed file (both paths of a rename) must match one. */
    paths: z.array(z.string().min(1)).min(1).describe('Globs every changed file must match (both paths of a rename).'),
    /** The most lines (additions + deletions) a change of the class may change. */
    max_changed_lines: z
      .int()
      .min(0)
      .optional()
      .describe('The most changed lines (additions + deletions) a change of the class may have; no limit when absent.'),
    /** May lower `approval.count`, only when every author of the PR is a listed bot. */
    approval: z
      .object({
        /** The approvals a change of the class needs when every author is a listed bot. */
        count: z.int().min(0).describe('Approvals needed when every author is a listed bot (may be below approval.count).'),
      })
      .strict()
      .optional()
      .describe('May lower approval.count, only when every author of the PR is a listed bot.'),
  })
  .strict();
export type StandardChangeClass = z.infer<typeof StandardChangeClass>;

/**
 * The organisation's floor (only in the org `.github` repository's policy): a repository's own policy can
 * tighten it, never loosen it (src/config/apply-floor.ts). Every key is optional; an absent key imposes nothing.
 */
export const FloorConfig = z
  .object({
    ticket: z
      .object({
        /** `jira`: a repository cannot switch the ticket control off. */
        provider: z
          .enum(['jira', 'servicenow', 'none'])
          .optional()
          .describe(
            'jira or servicenow: repositories must use this provider and cannot switch the ticket control off (none imposes nothing).',
          ),
        /** The projects a repository may choose from; it may narrow them. */
        projects: z.array(ProjectKey).optional().describe('Jira project keys a repository may narrow, never extend.'),
        /** The approved statuses a repository may choose from; it may narrow them. */
        statuses: z.array(z.string().min(1)).min(1).optional().describe('Approved statuses a repository may narrow, never extend.'),
        /** The issue types a repository may choose from; it may narrow them, never allow any type. */
        types: z.array(z.string().min(1)).optional().describe('Issue types a repository may narrow, never extend or empty.'),
        /** `true`: a repository cannot drop the Jira Service Management approval requirement. */
        jsm_approvals: z.boolean().optional().describe('true: repositories must require JSM approvals (false imposes nothing).'),
        /** `block`: a repository cannot let an unmapped approver pass. */
        unmapped_approver: z
          .enum(['warn', 'block'])
          .optional()
          .describe('block: a repository cannot only warn about unmapped approvers (warn imposes nothing).'),
        /** `all`: every ticket key in a PR must be approved. */
        require: z
          .enum(['any', 'all'])
          .optional()
          .describe('all: a repository cannot accept one approved ticket among several (any imposes nothing).'),
        /** A change window every repository must check; a repository's own window is replaced by it. */
        window: TicketWindowConfig.optional().describe("A change window every repository must check; it replaces a repository's own."),
      })
      .strict()
      .optional()
      .describe('The least a repository ticket policy may ask.'),
    approval: z
      .object({
        /** The least `approval.count`. */
        count: z.int().min(0).optional().describe('The least approval.count; a lower count is raised to it.'),
        /** Teams whose approvals the floor needs, as a requirement of its own next to the repository's. */
        teams: z
          .array(TeamSlug)
          .optional()
          .describe("Teams the floor's approvals must come from; added as a requirement next to the repository's (both must be met)."),
        /** `false`: a repository cannot count the author's approval. */
        allow_author: z.boolean().optional().describe('false: a repository cannot set allow_author (true imposes nothing).'),
        /** `false`: a repository cannot count contributors' approvals. */
        allow_contributors: z.boolean().optional().describe('false: a repository cannot set allow_contributors (true imposes nothing).'),
        /** `block`: a repository cannot allow unattributed commits. */
        unattributed_commits: z
          .enum(['block', 'allow'])
          .optional()
          .describe('block: a repository cannot allow unattributed commits (allow imposes nothing).'),
        /** `true`: a repository cannot keep approvals across pushes. */
        invalidate_on_push: z
          .boolean()
          .optional()
          .describe('true: a repository cannot keep approvals across pushes (false imposes nothing).'),
        /** `false`: a repository cannot ignore base merges. */
        ignore_base_merges: z.boolean().optional().describe('false: a repository cannot ignore base merges (true imposes nothing).'),
        /** `false`: a repository cannot keep approvals across a rebase, even one that leaves the PR's diff unchanged. */
        keep_on_rebase: z.boolean().optional().describe('false: a repository cannot keep approvals across rebases (true imposes nothing).'),
      })
      .strict()
      .optional()
      .describe('The least a repository approval policy may ask.'),
    checks: z
      .object({
        /** Checks every repository requires, besides its own. */
        required: z
          .array(RequiredCheck)
          .optional()
          .describe("Checks every repository requires, added to its own (a named source replaces the repository's)."),
      })
      .strict()
      .optional()
      .describe('Checks every repository requires.'),
    security: SecurityConfig.optional().describe(
      'Security thresholds every repository must meet: a repository may block at a lower severity, never at a higher one or not at all.',
    ),
    opa: z
      .object({
        /** An OPA decision every repository's PRs must pass; a repository's own `opa.decision` is asked as well (both must allow). */
        decision: OpaDecisionPath.optional().describe(
          "OPA Data API path every repository's PRs must pass; a repository's own opa.decision is asked as well (both must allow).",
        ),
      })
      .strict()
      .optional()
      .describe('An OPA decision repositories cannot remove.'),
    standard_changes: z
      .object({
        /** `false`: no repository may use standard change classes (every PR needs a ticket of its own). */
        allowed: z.boolean().optional().describe('false: repositories cannot use standard change classes (true imposes nothing).'),
        approval: z
          .object({
            /** The least approval count a class may lower to (default: the floor's approval.count). */
            count: z.int().min(0).optional().describe("The least approval count a class may lower to; default the floor's approval.count."),
          })
          .strict()
          .optional()
          .describe('The least approvals a standard change needs.'),
        /** The most changed lines any class may allow; a class without a limit gets this one. */
        max_changed_lines: z
          .int()
          .min(0)
          .optional()
          .describe('The most changed lines a class may allow; a class without a limit gets this one.'),
      })
      .strict()
      .optional()
      .describe('Whether repositories may use standard change classes, and their limits.'),
  })
  .strict();
export type FloorConfig = z.infer<typeof FloorConfig>;

/** The classes' keys must suit the provider, and names must be unique (the evidence names the class). */
function standardChangeIssues(
  config: { ticket: { provider: string }; standard_changes: StandardChangeClass[] },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  config.standard_changes.forEach((entry, index) => {
    const path = ['standard_changes', index];
    if (config.ticket.provider === 'none')
      ctx.addIssue({ code: 'custom', path, message: 'needs a ticket provider to check its standing ticket (ticket.provider is none)' });
    if (config.ticket.provider === 'jira' && !/^[A-Z][A-Z0-9_]+-\d+$/.test(entry.ticket))
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'ticket'],
        message: `must be a Jira key such as CHG-1000 with ticket.provider jira, got ${entry.ticket}`,
      });
    if (config.ticket.provider === 'servicenow' && !/^[A-Z]{2,8}\d{7,}$/.test(entry.ticket))
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'ticket'],
        message: `must be a ServiceNow change number such as CHG0030001 with ticket.provider servicenow, got ${entry.ticket}`,
      });
    if (seen.has(entry.name.toLowerCase()))
      ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `must be unique; ${entry.name} is used twice` });
    seen.add(entry.name.toLowerCase());
  });
}

/** The schema of `.github/change-control.yml`. Strict: a misspelt key is an error, not a silent default. */
export const ChangeControlConfig = z
  .object({
    /** Base branches under control (glob patterns with `*`). Default: the repository's default branch. */
    branches: z
      .array(z.string().min(1))
      .optional()
      .describe('Base branches under control, glob patterns allowed; default: the default branch.'),
    ticket: TicketConfig.prefault({}).describe('Where change tickets live and which ones count as approved.'),
    approval: ApprovalConfig.prefault({}).describe('How many independent approvals the head commit needs, and from whom.'),
    checks: ChecksConfig.prefault({}).describe('Checks that must succeed on the head commit.'),
    audit: AuditConfig.prefault({}).describe('Where audit exceptions are reported.'),
    report: ReportConfig.prefault({}).describe('What the check run report shows.'),
    emergency: EmergencyConfig.prefault({}).describe('The controlled fast path for incidents (docs/emergency-changes.md).'),
    deployments: DeploymentsConfig.prefault({}).describe('Environments that only receive approved changes (docs/deployments.md).'),
    security: SecurityConfig.optional().describe(
      'Security findings as a control: code scanning alerts and vulnerable dependencies the PR adds.',
    ),
    opa: OpaConfig.prefault({}).describe("Policy as code: a decision of the organisation's OPA server every PR must pass (docs/opa.md)."),
    floor: FloorConfig.optional().describe(
      'Organisation floor, only in the org .github repository: repositories may tighten it, never loosen it.',
    ),
    standard_changes: z
      .array(StandardChangeClass)
      .default([])
      .describe(
        'Standard (pre-approved) change classes: a PR meeting every condition is covered by the standing ticket (docs/tickets.md).',
      ),
  })
  .strict()
  // On the whole file, so that an empty file (jira by default) is an error too: a policy that names no
  // project could never find a ticket, and an unusable policy must fail closed, never pass.
  .superRefine((config, ctx) => {
    // The floor's projects apply to the organisation's own file too (resolve-policy checks the result again).
    const floorProjects = config.floor?.ticket?.projects ?? [];
    // Settings only Jira has: refused with another provider rather than silently ignored (or failing every PR).
    if (config.ticket.provider === 'servicenow') {
      if (config.ticket.window)
        ctx.addIssue({
          code: 'custom',
          path: ['ticket', 'window'],
          message: 'must not be set with ticket.provider servicenow (the window is read from Jira fields)',
        });
      if (config.ticket.jsm_approvals)
        ctx.addIssue({
          code: 'custom',
          path: ['ticket', 'jsm_approvals'],
          message: 'must not be set with ticket.provider servicenow (a Jira Service Management setting)',
        });
    }
    standardChangeIssues(config, ctx);
    if (config.ticket.create && config.ticket.provider === 'none')
      ctx.addIssue({ code: 'custom', path: ['ticket', 'create'], message: 'must not be set with ticket.provider none (no ticket system)' });
    if (config.ticket.close_on && !config.ticket.create)
      ctx.addIssue({
        code: 'custom',
        path: ['ticket', 'close_on'],
        message: 'must not be set without ticket.create (only a ticket the app created is closed)',
      });
    const create = config.ticket.create;
    if (create && config.ticket.provider === 'jira' && ![...config.ticket.projects, ...floorProjects].includes(create.project))
      ctx.addIssue({
        code: 'custom',
        path: ['ticket', 'create', 'project'],
        message: `must be one of ticket.projects (${config.ticket.projects.join(', ') || 'none listed'}), got ${create.project}`,
      });
    if (config.ticket.provider === 'jira' && config.ticket.projects.length === 0 && floorProjects.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ticket', 'projects'],
        message: 'must list at least one Jira project key when ticket.provider is jira (or set ticket.provider: none)',
      });
    }
  });
export type ChangeControlConfig = z.infer<typeof ChangeControlConfig>;
