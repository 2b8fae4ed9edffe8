import { ServiceDeskClient, Version2Client, Version3Client } from 'jira.js';
import type { JiraSettings } from './jira-env.js';

/** The Jira requests the reader makes, each answering Jira's raw JSON (parsed by the caller with zod). */
export interface JiraCalls {
  getIssue(key: string, fields: string[]): Promise<unknown>;
  /** Cloud: one page of `GET /rest/api/3/issue/{key}/changelog`. */
  getChangelogPage(key: string, startAt: number): Promise<unknown>;
  /** Data Center: `GET /rest/api/2/issue/{key}?expand=changelog&fields=status` (the whole history at once). */
  getIssueWithChangelog(key: string): Promise<unknown>;
  /** One page of `GET /rest/servicedeskapi/request/{key}/approval`. */
  getApprovalPage(key: string, start: number): Promise<unknown>;
  /** `POST /rest/api/{3,2}/issue/{key}/remotelink`: `globalId` makes a second call update the same link. */
  addRemoteLink(key: string, link: { globalId: string; url: string; title: string; summary: string }): Promise<unknown>;
  /** `POST /rest/api/{3,2}/issue/{key}/comment`: an ADF document on Cloud (v3), plain text on Data Center (v2). */
  addComment(key: string, lines: string[]): Promise<unknown>;
  /** `POST /rest/api/{3,2}/issue`: description in ADF on Cloud, plain text on Data Center. */
  createIssue(input: { project: string; type: string; summary: string; lines: string[]; labels: string[] }): Promise<unknown>;
  /** Cloud: `GET /rest/api/3/search/jql`; Data Center: `GET /rest/api/2/search` (the first page only). */
  searchIssues(jql: string, maxResults: number): Promise<unknown>;
  /** `GET /rest/api/{3,2}/issue/{key}/transitions`. */
  getTransitions(key: string): Promise<unknown>;
  /** `POST /rest/api/{3,2}/issue/{key}/transitions`. */
  doTransition(key: string, transitionId: string): Promise<unknown>;
}

/** Atlassian Document Format: one paragraph per line (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/). */
function toAdf(lines: string[]) {
  return {
    type: 'doc' as const,
    version: 1 as const,
    content: lines.map((text) => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] })),
  };
}

export const CHANGELOG_PAGE_SIZE = 100;
export const APPROVAL_PAGE_SIZE = 50;

function clientConfig(settings: JiraSettings) {
  const { baseUrl: host, auth, timeoutMs } = settings;
  if (auth.kind === 'cloud') {
    return { host, authentication: { basic: { email: auth.email, apiToken: auth.apiToken } }, baseRequestConfig: { timeout: timeoutMs } };
  }
  // jira.js 5 has no personal-access-token option: Data Center takes the PAT as a bearer token
  // (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
  return { host, baseRequestConfig: { timeout: timeoutMs, headers: { Authorization: `Bearer ${auth.personalAccessToken}` } } };
}

/** Jira Cloud (REST v3, basic e-mail:token) or Data Center/Server (REST v2, bearer PAT) through jira.js. */
export function createJiraCalls(settings: JiraSettings): JiraCalls {
  const config = clientConfig(settings);
  const serviceDesk = new ServiceDeskClient(config);
  // jira.js puts the key into the path unencoded.
  const id = (key: string) => encodeURIComponent(key);
  // Two clients with the same calls: their types differ by REST version, so each is used on its own.
  const cloud = settings.auth.kind === 'cloud' ? new Version3Client(config).issues : null;
  const dataCenter = new Version2Client(config).issues;
  return {
    getIssue: (key, fields) =>
      cloud ? cloud.getIssue<unknown>({ issueIdOrKey: id(key), fields }) : dataCenter.getIssue<unknown>({ issueIdOrKey: id(key), fields }),
    getChangelogPage: (key, startAt) =>
      cloud
        ? cloud.getChangeLogs<unknown>({ issueIdOrKey: id(key), startAt, maxResults: CHANGELOG_PAGE_SIZE })
        : dataCenter.getChangeLogs<unknown>({ issueIdOrKey: id(key), startAt, maxResults: CHANGELOG_PAGE_SIZE }),
    getIssueWithChangelog: (key) => dataCenter.getIssue<unknown>({ issueIdOrKey: id(key), fields: ['status'], expand: 'changelog' }),
    addRemoteLink: (key, link) => {
      const request = {
        issueIdOrKey: id(key),
        globalId: link.globalId,
        application: { type: 'com.github', name: 'GitHub' },
        relationship: 'merged in',
        object: {
          url: link.url,
          title: link.title,
          summary: link.summary,
          icon: { url16x16: 'https://github.com/favicon.ico', title: 'GitHub' },
        },
      };
      return cloud
        ? new Version3Client(config).issueRemoteLinks.createOrUpdateRemoteIssueLink<unknown>(request)
        : new Version2Client(config).issueRemoteLinks.createOrUpdateRemoteIssueLink<unknown>(request);
    },
    addComment: (key, lines) =>
      cloud
        ? new Version3Client(config).issueComments.addComment<unknown>({ issueIdOrKey: id(key), comment: toAdf(lines) })
        : new Version2Client(config).issueComments.addComment<unknown>({ issueIdOrKey: id(key), comment: lines.join('\n') }),
    createIssue: ({ project, type, summary, lines, labels }) => {
      const fields = { project: { key: project }, issuetype: { name: type }, summary, labels };
      return cloud
        ? new Version3Client(config).issues.createIssue<unknown>({ fields: { ...fields, description: toAdf(lines) } })
        : dataCenter.createIssue<unknown>({ fields: { ...fields, description: lines.join('\n') } });
    },
    searchIssues: (jql, maxResults) =>
      cloud
        ? new Version3Client(config).issueSearch.searchForIssuesUsingJqlEnhancedSearch<unknown>({ jql, maxResults, fields: ['summary'] })
        : new Version2Client(config).issueSearch.searchForIssuesUsingJql<unknown>({ jql, maxResults, fields: ['summary'] }),
    getTransitions: (key) =>
      cloud ? cloud.getTransitions<unknown>({ issueIdOrKey: id(key) }) : dataCenter.getTransitions<unknown>({ issueIdOrKey: id(key) }),
    doTransition: (key, transitionId) =>
      cloud
        ? cloud.doTransition<unknown>({ issueIdOrKey: id(key), transition: { id: transitionId } })
        : dataCenter.doTransition<unknown>({ issueIdOrKey: id(key), transition: { id: transitionId } }),
    getApprovalPage: (key, start) => serviceDesk.request.getApprovals<unknown>({ issueIdOrKey: id(key), start, limit: APPROVAL_PAGE_SIZE }),
  };
}
