import { readReconciled } from '../../report/read-reconciled.js';
import type { ExportFormat } from '../../report/build-export.js';
import { formatExport } from '../../report/build-export.js';
import { matchesChange, parseChangeFilter, type ChangeFilter } from '../../report/change-filter.js';
import { computePosture } from '../../report/compute-posture.js';
import { readDirectPushes } from '../../report/read-direct-pushes.js';
import { readChanges, readChangeTimeline } from '../../report/read-changes.js';
import { readExportRows } from '../../report/read-export.js';
import { summariseChanges } from '../../report/summarise-changes.js';
import type { RequestContext } from './dashboard-context.js';
import { renderChangePage } from './render-change-page.js';
import { renderChangesPage } from './render-changes-page.js';
import { renderMessagePage } from './render-layout.js';
import { renderPosturePage } from './render-posture-page.js';
import { html, type Reply } from './respond.js';
import { readPostureGaps } from '../../report/read-posture-gaps.js';

type FilterOutcome = { filter: ChangeFilter } | { reply: Reply };

function readFilter(ctx: RequestContext, login: string): FilterOutcome {
  const parsed = parseChangeFilter(ctx.url.searchParams, ctx.deps.now());
  if (parsed.ok) return { filter: parsed.filter };
  return {
    reply: html(
      400,
      renderMessagePage({
        title: 'Invalid filter',
        message: 'The filters in the address are not valid:',
        detail: parsed.errors,
        login,
        action: { href: ctx.url.pathname, text: 'Reset the filters' },
      }),
    ),
  };
}

export async function posturePage(ctx: RequestContext, login: string): Promise<Reply> {
  const outcome = readFilter(ctx, login);
  if ('reply' in outcome) return outcome.reply;
  const { filter } = outcome;
  // Read without the organisation, to offer every organisation with changes in the period.
  const { org, ...unscoped } = filter;
  const all = await readChanges({ store: ctx.deps.store, filter: unscoped, now: ctx.deps.now() });
  const orgs = [...new Set(all.map((change) => change.repo.split('/')[0] ?? ''))].sort((a, b) => a.localeCompare(b));
  const changes = org === undefined ? all : all.filter((change) => matchesChange(filter, change));
  const gaps = await readPostureGaps({ store: ctx.deps.store, filter });
  const directPushes = await readDirectPushes({ store: ctx.deps.store, filter });
  const reconciled = await readReconciled({ store: ctx.deps.store, filter });
  const posture = computePosture({ changes, since: filter.since, until: filter.until, gaps, directPushes, reconciled });
  return html(200, renderPosturePage({ filter, orgs, posture, login }));
}

export async function changesPage(ctx: RequestContext, login: string): Promise<Reply> {
  const outcome = readFilter(ctx, login);
  if ('reply' in outcome) return outcome.reply;
  const { filter } = outcome;
  const changes = await readChanges({ store: ctx.deps.store, filter, now: ctx.deps.now() });
  const page = changes.slice((filter.page - 1) * filter.perPage, filter.page * filter.perPage);
  return html(200, renderChangesPage({ filter, changes: page, total: changes.length, login }));
}

/** The evidence of one change, or null when the audit trail has nothing for it. */
export async function readChangeEvidencePage(ctx: RequestContext, ref: { repo: string; prNumber: number }) {
  const { store, now } = ctx.deps;
  const entries = await readChangeTimeline({ store, ...ref });
  const last = entries.at(-1);
  if (!last) return null;
  const of = (kind: string) => entries.filter((entry) => entry.kind === kind);
  const changes = summariseChanges(
    { merges: of('merge'), exceptions: of('exception'), emergencies: of('emergency'), retroApprovals: of('retro-approval') },
    now(),
  );
  const chain = await ctx.deps.checkChain(last.seq);
  return { ...ref, change: changes.at(-1) ?? null, entries, chain };
}

export async function changePage(ctx: RequestContext, login: string, ref: { repo: string; prNumber: number }): Promise<Reply> {
  const evidence = await readChangeEvidencePage(ctx, ref);
  if (!evidence)
    return html(
      404,
      renderMessagePage({ title: 'No such change', message: `The audit trail has no entry for ${ref.repo}#${ref.prNumber}.`, login }),
    );
  return html(200, renderChangePage({ ...evidence, login }));
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** `/dashboard/export.{csv,jsonl,html}` and `/dashboard/exceptions.*`: the CLI's reports for the current filter, as downloads. */
export async function exportDownload(
  ctx: RequestContext,
  login: string,
  input: { exceptions: boolean; format: ExportFormat },
): Promise<Reply> {
  const outcome = readFilter(ctx, login);
  if ('reply' in outcome) return outcome.reply;
  const { filter } = outcome;
  const { store, signer } = ctx.deps;
  const now = ctx.deps.now();
  const rows = await readExportRows({ store, filter, exceptions: input.exceptions, now });
  const query = { since: filter.since, until: filter.until, exceptions: input.exceptions, ...(filter.repo ? { repo: filter.repo } : {}) };
  const body = await formatExport({ store, query, rows, format: input.format, now, ...(signer ? { signer } : {}) });
  const name = `change-control-${input.exceptions ? 'exceptions' : 'changes'}-${filter.since.slice(0, 10)}-to-${filter.until.slice(0, 10)}.${input.format}`;
  const headers: Record<string, string> = { 'content-disposition': `attachment; filename="${name}"` };
  // The HTML report carries its own inline style: it is a file to archive, opened from disk, not a dashboard page.
  if (input.format === 'html') headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
  return { status: 200, contentType: CONTENT_TYPES[input.format], body, headers };
}
