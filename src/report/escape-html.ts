/** Text for HTML content and quoted attribute values: PR titles, logins and ticket fields are user-controlled. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A link for an http(s) URL; anything else (a `javascript:` URL in a tampered record) is shown as text. */
export function linkHtml(url: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(url);
  return `<a href="${escapeHtml(url)}" rel="noreferrer noopener">${escapeHtml(url)}</a>`;
}
