import { z } from 'zod';

/**
 * The part of Jira's "Get issue" answer we use (`GET /rest/api/{2,3}/issue/{key}?fields=status,issuetype,summary`),
 * the same in REST v2 (Data Center) and v3 (Cloud) for these fields. Other fields are stripped.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
export const JiraIssue = z.object({
  /** The key Jira answers with: differs from the requested one when the issue moved to another project. */
  key: z.string().min(1),
  fields: z
    .object({
      status: z.object({ name: z.string().min(1) }),
      issuetype: z.object({ name: z.string().min(1) }),
      summary: z.string(),
    })
    // The change window's fields are named by the policy: kept, and read by the reader.
    .catchall(z.unknown()),
});
export type JiraIssue = z.infer<typeof JiraIssue>;

/** The user fields we read: Cloud has accountId (and an e-mail only when the user shares it); Data Center has name/key and e-mail. */
export const JiraUser = z.object({
  accountId: z.string().optional(),
  name: z.string().optional(),
  key: z.string().optional(),
  emailAddress: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
});
export type JiraUser = z.infer<typeof JiraUser>;

/** One change of an issue's history: who, when, and which fields changed (status items carry the status names). */
export const JiraHistory = z.object({
  id: z.string(),
  /** Absent for changes made anonymously or by some automations. */
  author: JiraUser.nullable().optional(),
  created: z.string().min(1),
  items: z.array(
    z.object({
      field: z.string(),
      fieldId: z.string().optional(),
      fromString: z.string().nullable().optional(),
      toString: z.string().nullable().optional(),
    }),
  ),
});
export type JiraHistory = z.infer<typeof JiraHistory>;

/**
 * Jira Cloud's changelog page (`GET /rest/api/3/issue/{key}/changelog?startAt&maxResults`).
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-changelog-get
 */
export const JiraChangelogPage = z.object({
  startAt: z.int().min(0),
  maxResults: z.int().min(0),
  total: z.int().min(0),
  isLast: z.boolean().optional(),
  values: z.array(JiraHistory),
});

/** Data Center's `GET /rest/api/2/issue/{key}?expand=changelog`: the whole history with the issue. */
export const JiraIssueWithChangelog = z.object({
  changelog: z.object({ startAt: z.int().min(0), maxResults: z.int().min(0), total: z.int().min(0), histories: z.array(JiraHistory) }),
});

const JsmDate = z.object({ iso8601: z.string().optional(), epochMillis: z.number().optional() }).nullable().optional();

/**
 * A page of a Jira Service Management request's approvals (`GET /rest/servicedeskapi/request/{key}/approval`).
 * https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-approval-get
 */
export const JsmApprovalPage = z.object({
  start: z.int().min(0),
  limit: z.int().min(0),
  size: z.int().min(0),
  isLastPage: z.boolean(),
  values: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      finalDecision: z.enum(['approved', 'declined', 'pending']),
      approvers: z.array(z.object({ approver: JiraUser, approverDecision: z.enum(['approved', 'declined', 'pending']) })),
      createdDate: JsmDate,
      completedDate: JsmDate,
    }),
  ),
});
export type JsmApproval = z.infer<typeof JsmApprovalPage>['values'][number];

/** `POST /rest/api/{3,2}/issue`'s answer (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post). */
export const JiraCreatedIssue = z.object({ id: z.string(), key: z.string().min(1) });

/** The issues of a JQL search: Cloud's `/search/jql` and Data Center's `/search` both answer `issues[].key`. */
export const JiraSearchResult = z.object({ issues: z.array(z.object({ key: z.string().min(1) })) });

/** `GET /rest/api/{3,2}/issue/{key}/transitions`: the transitions open to the app now, each with its target status. */
export const JiraTransitions = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }) })),
});
