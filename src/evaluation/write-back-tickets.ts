import type { Logger } from 'probot';
import type { MergeRecord } from '../audit/evidence-records.js';
import type { ChangeControlConfig, TicketConfig } from '../policy/config-schema.js';
import type { Verdict } from '../policy/verdict.js';
import { renderWriteBack } from '../tickets/render-write-back.js';
import type { WriteBackInput } from '../tickets/ticket-reader.js';
import type { AppDeps, TicketSource } from './app-deps.js';

/** The found ticket keys of the verdict at merge (the keys the provider answered with). */
function foundKeys(verdict: Verdict): string[] {
  if (verdict.state === 'error') return [];
  const ticket = verdict.controls.find((c) => c.control === 'ticket');
  if (!ticket || ticket.control !== 'ticket') return [];
  return (ticket.evidence.tickets ?? []).flatMap((t) => (t.lookup?.found ? [t.lookup.key] : []));
}

type Step = { step: string; ok: boolean; error: string | null };

async function writeOne(source: TicketSource | undefined, provider: string, input: WriteBackInput): Promise<Step[]> {
  if (!source || !('reader' in source) || !source.reader.writeBack)
    return [{ step: 'write-back', ok: false, error: `${provider} is not configured on the app` }];
  try {
    return (await source.reader.writeBack(input)).steps;
  } catch (error) {
    return [{ step: 'write-back', ok: false, error: error instanceof Error ? error.message : String(error) }];
  }
}

/**
 * Writes `lines` (and, with `link`, a link to the PR) to each ticket of `keys` at the policy's provider. Every
 * outcome, failures included, is an audit entry (`ticket-write-back`, with `about`); nothing here changes a verdict
 * or throws.
 */
export async function writeToTickets(input: {
  deps: AppDeps;
  log: Logger;
  ticket: TicketConfig;
  keys: string[];
  link: WriteBackInput['link'];
  lines: string[];
  audit: { deliveryId: string; repo: string; prNumber: number | null; headSha: string | null; about: Record<string, unknown> };
}): Promise<void> {
  const { deps, log, ticket, keys, link, lines, audit } = input;
  if (!ticket.write_back || ticket.provider === 'none') return;
  const provider = ticket.provider;
  const source = provider === 'jira' ? deps.tickets : deps.serviceNow;
  for (const key of keys) {
    const steps = await writeOne(source, provider, { key, link, lines });
    const ok = steps.every((s) => s.ok);
    if (!ok) log.warn({ ticket: key, steps }, 'ticket write-back failed; recorded in the audit trail');
    await deps.audit
      .append({
        kind: 'ticket-write-back',
        at: deps.now().toISOString(),
        deliveryId: `${audit.deliveryId}:${key}`,
        repo: audit.repo,
        prNumber: audit.prNumber,
        headSha: audit.headSha,
        data: { key, provider, ok, steps, ...audit.about },
      })
      .catch((error: unknown) => log.error({ err: error, ticket: key }, 'ticket write-back outcome could not be recorded'));
  }
}

/**
 * `ticket.write_back` on merge: links the PR from each ticket and adds the evidence summary (Jira: remote link +
 * comment; ServiceNow: work note).
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
  if (!config) return;
  await writeToTickets({
    deps,
    log,
    ticket: config.ticket,
    keys: foundKeys(verdict),
    link: { url: record.pr.url, title: `${repo}#${record.pr.number}: ${record.pr.title}` },
    lines: renderWriteBack(record),
    audit: { deliveryId, repo, prNumber: record.pr.number, headSha: record.headSha, about: { event: 'merge', mergeSha: record.mergeSha } },
  });
}
