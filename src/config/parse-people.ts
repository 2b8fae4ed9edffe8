import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { PeopleMap } from '../policy/facts.js';

export type ParsePeopleResult = { ok: true; people: PeopleMap } | { ok: false; errors: string[] };

/** A GitHub login: letters, digits and single hyphens, at most 39 characters (bots end in `[bot]`). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/**
 * Parses `.github/change-control-people.yml`: one line per person, `github-login: jira-email-or-account-id`.
 * Strict like the policy: anything else is an error naming its line, so a typo never silently unmaps an approver.
 */
export function parsePeople(text: string, source: string): ParsePeopleResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? '' : ` (line ${lineCounter.linePos(offset).line})`);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) return { ok: false, errors: problems.map((p) => `${source}: invalid YAML: ${p.message}${lineOf(p.pos[0])}`) };
  if (doc.contents === null) return { ok: true, people: { source, entries: [] } };
  if (!isMap(doc.contents))
    return { ok: false, errors: [`${source}: must map GitHub logins to Jira e-mails or account ids, one per line`] };
  const errors: string[] = [];
  const entries: PeopleMap['entries'] = [];
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key : null;
    const value = isScalar(pair.value) ? pair.value : null;
    const where = lineOf(key?.range?.[0]);
    const login = typeof key?.value === 'string' ? key.value.trim() : '';
    const identity = typeof value?.value === 'string' ? value.value.trim() : '';
    if (!LOGIN.test(login)) errors.push(`${source}: ${JSON.stringify(login || String(key?.value))} is not a GitHub login${where}`);
    else if (identity === '') errors.push(`${source}: ${login} must map to a Jira e-mail or account id (text)${where}`);
    else entries.push({ login: login.toLowerCase(), ticketIdentity: identity });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, people: { source, entries } };
}
