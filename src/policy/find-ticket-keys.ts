import type { TicketKeySource } from './verdict.js';

/** Anything shaped like a Jira key; the project part is filtered against the configured projects. */
// `-`, `_` and `/` may border a key (`hotfix-CHG-12`, `feature/CHG-12_fix`); letters and digits may not (`XCHG-12`, `CHG-12a`).
const KEY_PATTERN = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_]+)-(\d+)(?![A-Za-z0-9])/g;

export interface TicketKeySearch {
  /** The first configured-project key, in the order title, head branch, body. */
  key: string | null;
  source: TicketKeySource | null;
  /** Key-shaped strings of other projects seen on the way (for the report). */
  otherProjectKeys: string[];
}

/**
 * Finds the change ticket key in a pull request. Keys are matched case-insensitively and upper-cased;
 * only keys of `projects` count, so `UTF-8` or `2024-05` is never taken for a ticket.
 */
export function findTicketKeys(input: {
  title: string;
  headRef: string;
  body: string;
  projects: string[];
}): TicketKeySearch {
  const projects = new Set(input.projects.map((p) => p.toUpperCase()));
  const otherProjectKeys: string[] = [];
  const sources: [TicketKeySource, string][] = [
    ['title', input.title],
    ['branch', input.headRef],
    ['body', input.body],
  ];
  for (const [source, text] of sources) {
    for (const match of text.matchAll(KEY_PATTERN)) {
      const project = (match[1] ?? '').toUpperCase();
      const key = `${project}-${Number(match[2])}`;
      if (projects.has(project)) {
        return { key, source, otherProjectKeys };
      }
      if (/^[A-Z][A-Z0-9_]+$/.test(project) && !/^\d/.test(project) && !otherProjectKeys.includes(key)) {
        otherProjectKeys.push(key);
      }
    }
  }
  return { key: null, source: null, otherProjectKeys };
}
