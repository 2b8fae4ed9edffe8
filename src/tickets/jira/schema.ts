import { z } from 'zod';

/**
 * The part of Jira's "Get issue" answer we use (`GET /rest/api/{2,3}/issue/{key}?fields=status,issuetype,summary`),
 * the same in REST v2 (Data Center) and v3 (Cloud) for these fields. Other fields are stripped.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
export const JiraIssue = z.object({
  /** The key Jira answers with: differs from the requested one when the issue moved to another project. */
  key: z.string().min(1),
  fields: z.object({
    status: z.object({ name: z.string().min(1) }),
    issuetype: z.object({ name: z.string().min(1) }),
    summary: z.string(),
  }),
});
export type JiraIssue = z.infer<typeof JiraIssue>;
