import type { z } from 'zod';
import type { TicketApproval, TicketLookup, TicketWindowValue } from '../../policy/facts.js';
import { TicketProviderError, type TicketQuery, type TicketReader, type WriteBackInput, type WriteBackResult } from '../ticket-reader.js';
import { createJiraCalls, type JiraCalls } from './create-jira-calls.js';
import { findApprovalTransition } from './find-approval-transition.js';
import { jiraTicketWriter } from './jira-ticket-writer.js';
import type { JiraSettings } from './jira-env.js';
import { isJiraNotFound, toJiraProviderError } from './jira-failure.js';
import { readJsmApproval } from './read-jsm-approval.js';
import { JiraChangelogPage, type JiraHistory, JiraIssue, JiraIssueWithChangelog, JsmApprovalPage, type JsmApproval } from './schema.js';

const FIELDS = ['status', 'issuetype', 'summary'];
/** A history longer than this is not an approval workflow we can trust to page through; fail rather than loop. */
const MAX_PAGES = 50;

type Call = <T>(what: string, request: () => Promise<unknown>, schema: z.ZodType<T>) => Promise<T>;

/** Runs one Jira request and parses its answer; every failure becomes a {@link TicketProviderError} without credentials. */
function caller(settings: JiraSettings): Call {
  return async (what, request, schema) => {
    let answer: unknown;
    try {
      answer = await request();
    } catch (error) {
      throw toJiraProviderError({ error, what, settings });
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new TicketProviderError(`Jira answered with an unexpected shape for ${what}: ${problems.join('; ')}`, { cause: parsed.error });
    }
    return parsed.data;
  };
}

/** Every history of the issue: Cloud pages through `/changelog` until `isLast`; Data Center gets it with the issue. */
async function readHistories(input: { calls: JiraCalls; call: Call; key: string; cloud: boolean }): Promise<JiraHistory[]> {
  const { calls, call, key } = input;
  if (!input.cloud) {
    const { changelog } = await call(`${key} (history)`, () => calls.getIssueWithChangelog(key), JiraIssueWithChangelog);
    // Data Center returns the whole history here; a partial one could hide the approving transition.
    if (changelog.histories.length < changelog.total) {
      throw new TicketProviderError(`Jira returned ${changelog.histories.length} of ${changelog.total} history entries for ${key}`);
    }
    return changelog.histories;
  }
  const histories: JiraHistory[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await call(
      `${key} (history from ${histories.length})`,
      () => calls.getChangelogPage(key, histories.length),
      JiraChangelogPage,
    );
    histories.push(...answer.values);
    const last = answer.isLast ?? answer.startAt + answer.values.length >= answer.total;
    if (last) return histories;
    if (answer.values.length === 0) throw new TicketProviderError(`Jira returned an empty history page for ${key} before its end`);
  }
  throw new TicketProviderError(`Jira history of ${key} is longer than ${MAX_PAGES} pages`);
}

async function readApprovals(input: { calls: JiraCalls; call: Call; key: string }): Promise<JsmApproval[]> {
  const { calls, call, key } = input;
  const approvals: JsmApproval[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await call(
      `${key} (approvals from ${approvals.length})`,
      () => calls.getApprovalPage(key, approvals.length),
      JsmApprovalPage,
    );
    approvals.push(...answer.values);
    if (answer.isLastPage) return approvals;
    if (answer.values.length === 0) throw new TicketProviderError(`Jira returned an empty approvals page for ${key} before its end`);
  }
  throw new TicketProviderError(`Jira approvals of ${key} are more than ${MAX_PAGES} pages`);
}

/** A date or date-time field as text; anything else (an object, a number) is not a window bound. */
function windowValue(fields: Record<string, unknown>, query: TicketQuery): TicketWindowValue | undefined {
  if (query.window === null) return undefined;
  const text = (id: string) => (typeof fields[id] === 'string' && fields[id] !== '' ? fields[id] : null);
  return { start: text(query.window.startField), end: text(query.window.endField) };
}

/** Reads change tickets, with who approved them, from Jira Cloud (REST v3) or Data Center/Server (REST v2). */
export function createJiraTicketReader(settings: JiraSettings, calls: JiraCalls = createJiraCalls(settings)): TicketReader {
  const call = caller(settings);
  const browseUrl = (key: string) => `${settings.baseUrl}/browse/${encodeURIComponent(key)}`;
  const cloud = settings.auth.kind === 'cloud';

  async function readApproval(key: string, query: TicketQuery): Promise<TicketApproval | null> {
    if (query.jsmApprovals) return readJsmApproval(await readApprovals({ calls, call, key }));
    return findApprovalTransition(await readHistories({ calls, call, key, cloud }), query.approvedStatuses);
  }

  async function step(name: 'remote-link' | 'comment', what: string, request: () => Promise<unknown>) {
    try {
      await request();
      return { step: name, ok: true, error: null };
    } catch (error) {
      return { step: name, ok: false, error: toJiraProviderError({ error, what, settings }).message };
    }
  }

  return {
    provider: 'jira',
    ...jiraTicketWriter({ calls, call, settings }),
    async writeBack(input: WriteBackInput): Promise<WriteBackResult> {
      const { key, link, lines } = input;
      const steps = [];
      if (link !== null) {
        const summary = lines[0] ?? link.title;
        steps.push(
          await step('remote-link', `${key} (remote link)`, () =>
            calls.addRemoteLink(key, { globalId: link.url, url: link.url, title: link.title, summary }),
          ),
        );
      }
      steps.push(await step('comment', `${key} (comment)`, () => calls.addComment(key, lines)));
      return { steps };
    },
    async lookup(key: string, query: TicketQuery): Promise<TicketLookup> {
      const fields = query.window === null ? FIELDS : [...FIELDS, query.window.startField, query.window.endField];
      let issue: JiraIssue;
      try {
        issue = await call(key, () => calls.getIssue(key, fields), JiraIssue);
      } catch (error) {
        if (error instanceof TicketProviderError && isJiraNotFound(error.cause))
          return { found: false, requestedKey: key, url: browseUrl(key) };
        throw error;
      }
      const { key: answeredKey, fields: answered } = issue;
      const approvedNow = query.approvedStatuses.some((s) => s.toLowerCase() === answered.status.name.toLowerCase());
      // Evidence of who approved is read only for a ticket in an approved status: any other fails anyway.
      const approval = approvedNow ? await readApproval(answeredKey, query) : null;
      const window = windowValue(answered, query);
      return {
        found: true,
        key: answeredKey,
        requestedKey: key,
        status: answered.status.name,
        issueType: answered.issuetype.name,
        summary: answered.summary,
        url: browseUrl(answeredKey),
        approval,
        ...(window ? { window } : {}),
      };
    },
  };
}
