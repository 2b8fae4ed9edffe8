import type { CloseTicketInput, CreateTicketInput, TicketReader, WriteBackResult } from '../ticket-reader.js';
import { TicketProviderError } from '../ticket-reader.js';
import type { JiraCalls } from './create-jira-calls.js';
import type { JiraSettings } from './jira-env.js';
import { toJiraProviderError } from './jira-failure.js';
import { JiraCreatedIssue, JiraSearchResult, JiraTransitions } from './schema.js';
import { z } from 'zod';

type Call = <T>(what: string, request: () => Promise<unknown>, schema: z.ZodType<T>) => Promise<T>;

/** JQL string literal: backslash and double quote escaped (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/). */
export function jqlString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * `ticket.create` and `ticket.close_on` on Jira: create the issue with the PR's marker as a label, find it again by
 * that label among the issues the integration account created, and close it through the transition that leads to the
 * close status.
 */
export function jiraTicketWriter(input: {
  calls: JiraCalls;
  call: Call;
  settings: JiraSettings;
}): Required<Pick<TicketReader, 'create' | 'findByMarker' | 'close'>> {
  const { calls, call, settings } = input;
  return {
    async create(ticket: CreateTicketInput) {
      const { project, type, summary, lines, marker } = ticket;
      // Jira refuses a summary over 255 characters.
      const short = summary.length > 255 ? `${summary.slice(0, 254)}…` : summary;
      const created = await call(
        `a new ${project} ${type}`,
        () => calls.createIssue({ project, type, summary: short, lines, labels: [marker] }),
        JiraCreatedIssue,
      );
      return { key: created.key };
    },
    async findByMarker({ marker, project }) {
      // Only an issue the integration account created: anyone may put a label on an issue, and a ticket someone else
      // labelled with the PR's marker must never be adopted as the one the app created for the PR.
      const jql = `project = ${jqlString(project)} AND labels = ${jqlString(marker)} AND creator = currentUser() ORDER BY created ASC`;
      const found = await call(`the ticket labelled ${marker}`, () => calls.searchIssues(jql, 2), JiraSearchResult);
      return found.issues[0]?.key ?? null;
    },
    async close({ key, status, lines }: CloseTicketInput): Promise<WriteBackResult> {
      const steps: WriteBackResult['steps'] = [];
      try {
        const { transitions } = await call(`${key} (transitions)`, () => calls.getTransitions(key), JiraTransitions);
        const wanted = status.toLowerCase();
        const transition = transitions.find((t) => t.to.name.toLowerCase() === wanted);
        if (!transition) {
          const open = transitions.map((t) => `${t.name} → ${t.to.name}`).join(', ') || 'none';
          throw new TicketProviderError(`${key} has no transition to ${status} open to the app (open: ${open})`);
        }
        await call(`${key} (transition to ${status})`, () => calls.doTransition(key, transition.id), z.unknown());
        steps.push({ step: 'transition', ok: true, error: null });
      } catch (error) {
        const message = error instanceof TicketProviderError ? error.message : toJiraProviderError({ error, what: key, settings }).message;
        steps.push({ step: 'transition', ok: false, error: message });
        return { steps };
      }
      try {
        await calls.addComment(key, lines);
        steps.push({ step: 'comment', ok: true, error: null });
      } catch (error) {
        steps.push({ step: 'comment', ok: false, error: toJiraProviderError({ error, what: `${key} (comment)`, settings }).message });
      }
      return { steps };
    },
  };
}
