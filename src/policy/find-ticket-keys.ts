import type { TicketKeySource } from './verdict.js';

/** Anything shaped like a Jira key; the project part is filtered against the configured projects. */
// `-`, `_` and `/` may border a key (`hotfix-CHG-12`, `feature/CHG-12_fix`); letters and digits may not (`XCHG-12`, `CHG-12a`).
const JIRA_KEY = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_]+)-(\d+)(?![A-Za-z0-9])/g;
/** A ServiceNow record number: prefix and (at least 7) digits, `CHG0030001`. */
const SERVICENOW_NUMBER = /(?<![A-Za-z0-9])([A-Za-z]{2,8})(\d{7,})(?![A-Za-z0-9])/g;

/** ServiceNow change requests are numbered CHG… unless the instance was set up otherwise. */
export const DEFAULT_SERVICENOW_PREFIXES = ['CHG'];

/**
 * HTML comments (`<!-- … -->`) do not show on GitHub, so a key inside one is not something a reviewer saw: it
 * never counts. An unclosed `<!--` hides the rest of the body on GitHub, so it hides it here too.
 */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/** The body as a reader sees it on GitHub, with its HTML comments removed (each replaced by a space). */
export function withoutHtmlComments(text: string): string {
  return text.replace(HTML_COMMENT, ' ');
}

export interface FoundTicketKey {
  key: string;
  source: TicketKeySource;
}

export interface TicketKeySearch {
  /** The first configured-project key, in the order title, head branch, body. */
  key: string | null;
  source: TicketKeySource | null;
  /** Every configured-project key, first one first, each once (`ticket.require` decides how many must pass). */
  keys?: FoundTicketKey[];
  /** Key-shaped strings of other projects seen on the way (for the report). */
  otherProjectKeys: string[];
}

/**
 * Finds the change ticket keys in a pull request. Keys are matched case-insensitively and upper-cased;
 * only keys of `projects` count, so `UTF-8` or `2024-05` is never taken for a ticket. `style: servicenow`
 * looks for record numbers (`CHG0030001`) of the given prefixes instead.
 */
export function findTicketKeys(input: {
  title: string;
  headRef: string;
  body: string;
  projects: string[];
  style?: 'jira' | 'servicenow';
}): TicketKeySearch {
  const servicenow = input.style === 'servicenow';
  const wanted = servicenow && input.projects.length === 0 ? DEFAULT_SERVICENOW_PREFIXES : input.projects;
  const projects = new Set(wanted.map((p) => p.toUpperCase()));
  const otherProjectKeys: string[] = [];
  const keys: FoundTicketKey[] = [];
  const sources: [TicketKeySource, string][] = [
    ['title', input.title],
    ['branch', input.headRef],
    ['body', withoutHtmlComments(input.body)],
  ];
  for (const [source, text] of sources) {
    for (const match of text.matchAll(servicenow ? SERVICENOW_NUMBER : JIRA_KEY)) {
      const project = (match[1] ?? '').toUpperCase();
      const key = servicenow ? `${project}${match[2]}` : `${project}-${Number(match[2])}`;
      if (projects.has(project)) {
        if (!keys.some((k) => k.key === key)) keys.push({ key, source });
      } else if (/^[A-Z][A-Z0-9_]+$/.test(project) && !otherProjectKeys.includes(key)) {
        otherProjectKeys.push(key);
      }
    }
  }
  const first = keys[0];
  return { key: first?.key ?? null, source: first?.source ?? null, keys, otherProjectKeys };
}
