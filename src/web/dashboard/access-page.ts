import { z } from 'zod';
import { escapeHtml } from '../../report/escape-html.js';
import { accessAt, controlsAt, type AccessAt, type ControlAt } from '../../report/enforcement-at.js';
import type { RequestContext } from './dashboard-context.js';
import { renderLayout, renderMessagePage } from './render-layout.js';
import { html, type Reply } from './respond.js';

/** `?at=`: a date (00:00 UTC) or an ISO time with its offset; default now. */
const At = z.union([
  z.iso.date().transform((d) => `${d}T00:00:00.000Z`),
  z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString()),
]);

const actor = (b: { actorType: string; actorId: number | null; bypassMode: string; via: string }): string =>
  `${b.actorType}${b.actorId === null ? '' : ` ${b.actorId}`} (${b.bypassMode}, ${b.via})`;

function controlsTable(controls: ControlAt[]): string {
  if (controls.length === 0)
    return '<p class="muted">No enforcement check recorded before this time: whether the gate was in force is unknown.</p>';
  const rows = controls.map((c) => {
    const bypass = c.bypass.known
      ? c.bypass.value.length === 0
        ? 'nobody'
        : c.bypass.value.map(actor).join('; ')
      : `unknown: ${c.bypass.reason}`;
    const required =
      c.requiredBy
        .map((r) => `${r.via}: ${r.context}${r.integrationId === null ? ' (any source)' : ` (app ${r.integrationId})`}`)
        .join('; ') || '—';
    return `<tr data-branch="${escapeHtml(`${c.repo} ${c.branch}`)}" data-status="${escapeHtml(c.status)}"><td>${escapeHtml(c.repo)}</td><td>${escapeHtml(c.branch)}</td><td>${escapeHtml(c.status)}</td><td>${escapeHtml(required)}</td><td>${escapeHtml(bypass)}</td><td>${escapeHtml(c.since)}</td><td class="num">${c.seq}</td></tr>`;
  });
  return `<table class="controls"><thead><tr><th>Repository</th><th>Branch</th><th>Gate</th><th>Required by</th><th>Can bypass</th><th>Recorded</th><th class="num">Entry</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function accessTable(review: AccessAt): string {
  if (review.review === null) return `<p class="muted">Unknown: ${escapeHtml(review.problem ?? '')}</p>`;
  const yes = (value: boolean | string[]) =>
    Array.isArray(value) ? (value.length > 0 ? escapeHtml(value.join(', ')) : '—') : value ? 'yes' : '—';
  const rows = review.review.people.map(
    (p) =>
      `<tr data-login="${escapeHtml(p.login)}"><td>${escapeHtml(p.login)}</td><td>${escapeHtml(p.role)}</td><td>${escapeHtml(p.via.join('; '))}</td><td>${yes(p.canApprove)}</td><td>${yes(p.canMerge)}</td><td>${yes(p.canPushDirectly)}</td><td>${yes(p.canBypass.map((b) => `${b.branch} (${b.via})`))}</td></tr>`,
  );
  const others = [
    ...review.review.otherBypassers.map((o) => `<li>${escapeHtml(`${o.actor} can bypass on ${o.branch} (${o.via})`)}</li>`),
    ...review.review.unknownBypass.map((u) => `<li>${escapeHtml(`bypass on ${u.branch} unknown: ${u.reason}`)}</li>`),
  ];
  return `<table class="access"><thead><tr><th>Person</th><th>Role</th><th>How</th><th>Approve</th><th>Merge</th><th>Push directly</th><th>Bypass</th></tr></thead><tbody>${rows.join('')}</tbody></table>${others.length > 0 ? `<ul>${others.join('')}</ul>` : ''}`;
}

/** The Access page: the gate's enforcement and the user-access review at a time, from the audit store only (read-only). */
export async function accessPage(ctx: RequestContext, login: string): Promise<Reply> {
  const raw = ctx.url.searchParams.get('at');
  const parsed = raw === null || raw === '' ? { success: true as const, data: ctx.deps.now().toISOString() } : At.safeParse(raw);
  if (!parsed.success) {
    return html(
      400,
      renderMessagePage({
        title: 'Invalid date',
        message: `at must be a date like 2026-01-31 or a time with its offset, got ${JSON.stringify(raw)}`,
        login,
        action: { href: '/dashboard/access', text: 'Show now' },
      }),
    );
  }
  const at = parsed.data;
  const [controls, reviews] = await Promise.all([controlsAt({ store: ctx.deps.store, at }), accessAt({ store: ctx.deps.store, at })]);
  const body = [
    '<h1>Enforcement and access</h1>',
    `<p class="muted">As recorded in the audit store at ${escapeHtml(at)}. Each state holds from its entry until the next; unknown is never counted as enforced.</p>`,
    `<form method="get" action="/dashboard/access" class="filters"><label>At <input name="at" value="${escapeHtml(raw ?? at.slice(0, 10))}"></label><button type="submit">Show</button></form>`,
    '<h2>Is the gate in force?</h2>',
    controlsTable(controls),
    '<h2>Who could approve, merge, push directly or bypass</h2>',
    ...(reviews.length === 0
      ? ['<p class="muted">No access snapshot recorded before this time.</p>']
      : reviews.map(
          (r) =>
            `<h3>${escapeHtml(r.repo)} <span class="muted">(since ${escapeHtml(r.since)}, entry ${r.seq})</span></h3>${accessTable(r)}`,
        )),
  ].join('\n');
  return html(200, renderLayout({ title: 'Enforcement and access', body, login, section: 'access' }));
}
