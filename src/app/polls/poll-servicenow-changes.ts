import type { Logger } from 'probot';
import type { IndexedTicketPullRequest } from '../../audit/audit-entry.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { awaitedServiceNowChanges } from '../../policy/awaited-servicenow-changes.js';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';

/** The audit meta key holding when the last poll ran (any replica): the others skip until the interval has passed. */
export const POLL_META_KEY = 'servicenow-poll-at';
/** The audit meta key holding the last change number a poll handled, so the next one goes on from there. */
export const POLL_CURSOR_KEY = 'servicenow-poll-cursor';
/** Rows of the ticket key index one poll reads (a store read, no provider call). */
export const POLL_PAGE_ROWS = 1000;

/** ServiceNow numbers are a prefix and digits (CHG0030001); Jira keys always have a dash, so they are skipped unread. */
const SERVICENOW_NUMBER = /^[A-Z]+\d+$/;

export type PollResult =
  | { ran: false; lastAt: string }
  | { ran: true; deliveryId: string; changes: string[]; queued: number; duplicate: boolean; cursor: string | null };

/** Groups a page of the index by key; a full page drops its last key (it may go on in the next page) unless that is all there is. */
function keysOfPage(rows: IndexedTicketPullRequest[], full: boolean): Map<string, IndexedTicketPullRequest[]> {
  const byKey = new Map<string, IndexedTicketPullRequest[]>();
  for (const row of rows) byKey.set(row.ticketKey, [...(byKey.get(row.ticketKey) ?? []), row]);
  const last = rows.at(-1)?.ticketKey;
  if (full && last !== undefined && byKey.size > 1) byKey.delete(last);
  return byKey;
}

/**
 * The fallback for a missed ServiceNow webhook: when the last poll (of any replica) is at least `intervalMs` old,
 * queue an evaluation of the open PRs whose last recorded verdict waits on a ServiceNow change, at most `maxChanges`
 * changes per poll, going on from where the last poll stopped. Reads only the store: the evaluations read each
 * change back from ServiceNow (one lookup per change on a replica, its PRs sharing the reader's cache). All requests
 * of one poll are one delivery named after the period, so two replicas polling in the same period queue them once.
 */
export async function pollServiceNowChanges(input: {
  deps: AppDeps;
  log: Logger;
  now: Date;
  intervalMs: number;
  maxChanges: number;
}): Promise<PollResult> {
  const { deps, log, now, intervalMs, maxChanges } = input;
  const last = await deps.audit.getMeta(POLL_META_KEY);
  // 90 %: a timer that fires a little early on this replica must not skip a whole period.
  if (last !== null && now.getTime() - Date.parse(last) < intervalMs * 0.9) return { ran: false, lastAt: last };
  await deps.audit.setMeta(POLL_META_KEY, now.toISOString());

  const afterKey = (await deps.audit.getMeta(POLL_CURSOR_KEY)) || null;
  const rows = await deps.audit.ticketIndexPage({ afterKey, limit: POLL_PAGE_ROWS });
  const page = keysOfPage(rows, rows.length === POLL_PAGE_ROWS);
  const verdicts = new Map<string, string[]>();
  const awaited = async (row: IndexedTicketPullRequest): Promise<string[]> => {
    const id = `${row.repo}#${row.prNumber}`;
    const known = verdicts.get(id);
    if (known) return known;
    // A config error is the PR's latest verdict too (an `error`, waiting on nothing) when it came after the last one.
    const entry = await deps.audit.latest({ repo: row.repo, prNumber: row.prNumber, kinds: ['verdict', 'config-error'] });
    const keys = awaitedServiceNowChanges(entry?.data.verdict);
    verdicts.set(id, keys);
    return keys;
  };

  const changes: string[] = [];
  const pulls = new Map<string, IndexedTicketPullRequest>();
  let stoppedEarly = false;
  for (const [key, keyRows] of page) {
    if (!SERVICENOW_NUMBER.test(key)) continue;
    const waiting: IndexedTicketPullRequest[] = [];
    for (const row of keyRows) if ((await awaited(row)).includes(key)) waiting.push(row);
    if (waiting.length === 0) continue;
    if (changes.length === maxChanges) {
      stoppedEarly = true;
      break;
    }
    changes.push(key);
    for (const row of waiting) pulls.set(`${row.repo}#${row.prNumber}`, row);
  }
  // Where the next poll goes on: after the last change handled when this one stopped at its limit, after the page
  // when it was full, else from the start again.
  const lastOfPage = [...page.keys()].at(-1) ?? null;
  const cursor = stoppedEarly ? (changes.at(-1) ?? null) : rows.length === POLL_PAGE_ROWS ? lastOfPage : null;
  await deps.audit.setMeta(POLL_CURSOR_KEY, cursor ?? '');

  const deliveryId = `servicenow-poll-${Math.floor(now.getTime() / intervalMs)}`;
  if (pulls.size === 0) return { ran: true, deliveryId, changes, queued: 0, duplicate: false, cursor };
  // This replica's cached answers go, so the evaluations it runs read each change once more.
  for (const key of changes)
    for (const source of [deps.serviceNow, deps.tickets]) if (source && 'reader' in source) source.reader.forget?.(key);
  const requests: WorkRequest[] = [...pulls.values()].map((row) => {
    const [owner = '', repo = ''] = row.repo.split('/');
    return {
      kind: 'pull',
      installationId: row.installationId,
      owner,
      repo,
      number: row.prNumber,
      headSha: row.headSha,
      deliveryIds: [deliveryId],
      force: 'none',
      statusWrites: [],
    };
  });
  const result = await acceptWork({ deps, delivery: { id: deliveryId, name: 'servicenow:poll', log }, requests });
  if (!result.duplicate)
    log.info({ changes, pullRequests: [...pulls.keys()] }, 'ServiceNow poll: the pull requests waiting on these changes are queued');
  return { ran: true, deliveryId, changes, queued: result.duplicate ? 0 : requests.length, duplicate: result.duplicate, cursor };
}
