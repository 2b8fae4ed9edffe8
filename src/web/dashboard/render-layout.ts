import { escapeHtml } from '../../report/escape-html.js';

export type Section = 'posture' | 'changes' | 'access' | 'none';

/**
 * A dashboard page: our stylesheet only, no script; the sign-out is a POST form (no state-changing GET).
 * `body` must already be escaped HTML.
 */
export function renderLayout(input: { title: string; body: string; login: string | null; section: Section }): string {
  const link = (href: string, text: string, section: Section) =>
    `<a href="${href}"${input.section === section ? ' class="active" aria-current="page"' : ''}>${text}</a>`;
  const nav =
    input.login === null
      ? '<nav></nav>'
      : `<nav>${link('/dashboard', 'Posture', 'posture')}${link('/dashboard/changes', 'Changes', 'changes')}${link('/dashboard/access', 'Access', 'access')}</nav><span class="user">Signed in as <strong>${escapeHtml(input.login)}</strong></span><form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(input.title)} · Change Control</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body>
<header><span class="brand">Change Control</span>${nav}</header>
<main>
${input.body}
</main>
</body>
</html>
`;
}

/** A page that only says something (not enabled, refused, bad filter, GitHub unreachable). */
export function renderMessagePage(input: {
  title: string;
  message: string;
  detail?: string[];
  login?: string | null;
  action?: { href: string; text: string };
}): string {
  const detail =
    input.detail && input.detail.length > 0
      ? `<ul class="errors">${input.detail.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
      : '';
  const action = input.action
    ? `<p><a class="button" href="${escapeHtml(input.action.href)}">${escapeHtml(input.action.text)}</a></p>`
    : '';
  return renderLayout({
    title: input.title,
    login: input.login ?? null,
    section: 'none',
    body: `<div class="center"><h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p>${detail}${action}</div>`,
  });
}
