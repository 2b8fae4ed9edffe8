import type { Logger } from 'probot';
import type { MergeRecord } from '../audit/evidence-records.js';
import type { ChangeControlConfig } from '../config/schema.js';
import type { Verdict } from '../policy/verdict.js';
import { renderWriteBack } from '../tickets/render-write-back.js';
import type { AppDeps, TicketSource } from './app-deps.js';

/** The found ticket keys of the verdict at merge (the keys the provider answered with). */
function foundKeys(verdict: Verdict): string[] {
  if (verdict.state === 'error') return [];
  const ticket = verdict.controls.find((c) => c.control === 'ticket');
  if (!ticket || ticket.control !== 'ticket') return [];
  return (ticket.evidence.tickets ?? []).flatMap((t) => (t.lookup?.found ? [t.lookup.key] : []));
}

/**
 * `ticket.write_back`: after a merge is recorded, links the PR from each ticket and adds the evidence summary
 * (Jira: remote link + comment; ServiceNow: work note). Every outcome, failures included, is an audit entry
 * (`ticket-write-back`); nothing here changes a verdict or fails the delivery.
 */
export async function writeBackTickets(input: {
  deps: AppDeps;
  log: Logger;
  config: ChangeControlConfig | null;
  verdict: Verdict;
  record: MergeRecord;
  deliveryId: string;
  repo: string;
}): Promise<void> {
  const { deps, log, config, verdict, record, deliveryId, repo } = input;
  if (!config?.ticket.write_back || config.ticket.provider === 'none') return;
  const provider = config.ticket.provider;
  const source: TicketSource | undefined = provider === 'jira' ? deps.tickets : deps.serviceNow;
  const lines = renderWriteBack(record);
  const link = { url: record.pr.url, title: `${repo}#${record.pr.number}: ${record.pr.title}` };
  for (const key of foundKeys(verdict)) {
    let steps: { step: string; ok: boolean; error: string | null }[];
    if (!source || !('reader' in source) || !source.reader.writeBack) {
      steps = [{ step: 'write-back', ok: false, error: `${provider} is not configured on the app` }];
    } else {
      try {
        steps = (await source.reader.writeBack({ key, link, lines })).steps;
      } catch (error) {
        steps = [{ step: 'write-back', ok: false, error: error instanceof Error ? error.message : String(error) }];
      }
    }
    const ok = steps.every((s) => s.ok);
    if (!ok) log.warn({ ticket: key, steps }, 'ticket write-back failed; recorded in the audit trail');
    await deps.audit
      .append({ kind: 'ticket-write-back', at: deps.now().toISOString(), deliveryId: `${deliveryId}:${key}`, repo, prNumber: record.pr.number, headSha: record.headSha, data: { key, provider, ok, steps, mergeSha: record.mergeSha } })
      .catch((error: unknown) => log.error({ err: error, ticket: key }, 'ticket write-back outcome could not be recorded'));
  }
}
