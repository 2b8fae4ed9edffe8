/**
 * Jira's "Get issue" answer (REST v3 on Cloud, v2 on Data Center; the same for these fields), as documented:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

/** A Jira user as the simulator keeps it; rendered in Cloud (accountId) or Data Center (name/key) shape. */
export interface SimUser {
  accountId: string;
  /** Data Center user name. */
  name: string;
  email: string | null;
  displayName: string;
}

/** One change of an issue's status, as Jira's changelog records it. */
export interface SimHistory {
  id: string;
  author: SimUser | null;
  created: string;
  from: string;
  to: string;
}

export type SimDecision = 'approved' | 'declined' | 'pending';

/** A Jira Service Management approval of a request. */
export interface SimApproval {
  id: string;
  name: string;
  finalDecision: SimDecision;
  approvers: { user: SimUser; decision: SimDecision }[];
  created: string;
  completed: string | null;
}

export interface SimIssue {
  id: string;
  key: string;
  summary: string;
  status: string;
  statusCategory: StatusCategoryKey;
  issueType: string;
  histories: SimHistory[];
  approvals: SimApproval[];
  /** Other fields (custom fields of a change window), answered as given. */
  extraFields: Record<string, unknown>;
}

/** The change manager who approves tickets in the simulator unless a test names someone else. */
export const CHANGE_MANAGER: SimUser = {
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  name: 'cara',
  email: 'cara@acme.test',
  displayName: 'Cara Change',
};

/** A user as Jira Cloud (v3, accountId; e-mail only when shared) or Data Center (v2, name and key) shows them. */
export function userShape(user: SimUser, apiVersion: '2' | '3', baseUrl: string) {
  if (apiVersion === '3') {
    return {
      self: `${baseUrl}/rest/api/3/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      ...(user.email === null ? {} : { emailAddress: user.email }),
      displayName: user.displayName,
      active: true,
      timeZone: 'Europe/London',
      accountType: 'atlassian',
    };
  }
  return {
    self: `${baseUrl}/rest/api/2/user?username=${user.name}`,
    name: user.name,
    key: `JIRAUSER${10000 + ([...user.name].reduce((n, c) => n + c.charCodeAt(0), 0) % 9000)}`,
    emailAddress: user.email ?? '',
    displayName: user.displayName,
    active: true,
    timeZone: 'Europe/London',
  };
}

/** One changelog history entry (the same shape in REST v2 and v3). */
export function historyShape(history: SimHistory, apiVersion: '2' | '3', baseUrl: string) {
  return {
    id: history.id,
    ...(history.author === null ? {} : { author: userShape(history.author, apiVersion, baseUrl) }),
    created: history.created,
    items: [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: idOf(history.from),
        fromString: history.from,
        to: idOf(history.to),
        toString: history.to,
      },
    ],
  };
}

const CATEGORIES: Record<StatusCategoryKey, { id: number; colorName: string; name: string }> = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
};

/** The category Jira's default workflows give a status name; any other name counts as in progress. */
export function defaultCategory(status: string): StatusCategoryKey {
  const name = status.toLowerCase();
  if (['to do', 'open', 'backlog', 'new', 'draft'].includes(name)) return 'new';
  if (['done', 'closed', 'resolved', 'cancelled', 'rejected'].includes(name)) return 'done';
  return 'indeterminate';
}

/** Stable made-up id for a name, as Jira's status and issue type ids are. */
export const idOf = (text: string): string => String(10000 + ([...text].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 9000, 7) % 9000));

export function issueResponse(input: { issue: SimIssue; baseUrl: string; apiVersion: '2' | '3'; fields: string[] | null }) {
  const { issue, baseUrl, apiVersion } = input;
  const api = `${baseUrl}/rest/api/${apiVersion}`;
  const category = CATEGORIES[issue.statusCategory];
  const all: Record<string, unknown> = {
    summary: issue.summary,
    status: {
      self: `${api}/status/${idOf(issue.status)}`,
      description: '',
      iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
      name: issue.status,
      id: idOf(issue.status),
      statusCategory: {
        self: `${api}/statuscategory/${category.id}`,
        id: category.id,
        key: issue.statusCategory,
        colorName: category.colorName,
        name: category.name,
      },
    },
    issuetype: {
      self: `${api}/issuetype/${idOf(issue.issueType)}`,
      id: idOf(issue.issueType),
      description: '',
      iconUrl: `${baseUrl}/secure/viewavatar?size=xsmall&avatarId=10318&avatarType=issuetype`,
      name: issue.issueType,
      subtask: false,
      avatarId: 10318,
      hierarchyLevel: 0,
    },
  };
  Object.assign(all, issue.extraFields);
  // `fields=` limits the answer to the named fields, as Jira does; unknown names are left out silently.
  const fields = input.fields === null ? all : Object.fromEntries(Object.entries(all).filter(([name]) => input.fields!.includes(name)));
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${api}/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
}

/** Jira's answer for an issue that does not exist or that the account may not see (Jira does not tell them apart). */
export const ISSUE_NOT_FOUND = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
