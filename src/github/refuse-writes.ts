import type { RestClient } from './rest-client.js';

/** A dry run tried to change something on GitHub: refused before the request leaves the process. */
export class WriteRefusedError extends Error {
  override readonly name = 'WriteRefusedError';
}

/** The top-level words of a GraphQL document (outside braces, strings and comments): its operations' keywords. */
function operationKeywords(document: string): string[] {
  const words: string[] = [];
  let depth = 0;
  for (let i = 0; i < document.length; i += 1) {
    const char = document[i] ?? '';
    if (char === '#') {
      const end = document.indexOf('\n', i);
      i = end === -1 ? document.length : end;
    } else if (char === '"') {
      const block = document.startsWith('"""', i);
      const close = block ? document.indexOf('"""', i + 3) : nextQuote(document, i + 1);
      i = close === -1 ? document.length : close + (block ? 2 : 0);
    } else if (char === '{' || char === '(') depth += 1;
    else if (char === '}' || char === ')') depth -= 1;
    else if (depth === 0 && /[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(document.slice(i))?.[0] ?? char;
      words.push(word);
      i += word.length - 1;
    }
  }
  return words;
}

function nextQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** GitHub's installation token request: creates a credential for us, changes nothing in a repository. */
const TOKEN_REQUEST = /^(?:https?:\/\/[^/]+)?(?:\/api\/v3)?\/app\/installations\/[^/]+\/access_tokens$/;
const GRAPHQL = /^(?:https?:\/\/[^/]+)?(?:\/api)?\/graphql$/;

/**
 * Why a request would write, or null when it only reads: GET and HEAD; a GraphQL document whose operations are
 * all queries (no `mutation`, no `subscription`); the installation token request. Anything else writes.
 */
export function writeOf(input: { method: string; url: string; query?: unknown }): string | null {
  const method = input.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return null;
  if (method === 'POST' && TOKEN_REQUEST.test(input.url)) return null;
  if (method === 'POST' && GRAPHQL.test(input.url)) {
    if (typeof input.query !== 'string') return 'a GraphQL request without a query document';
    const writing = operationKeywords(input.query).find((word) => word === 'mutation' || word === 'subscription');
    return writing === undefined ? null : `a GraphQL ${writing}`;
  }
  return `${method} ${input.url}`;
}

/**
 * Makes `octokit` read-only: every request that would write (writeOf) throws WriteRefusedError before it is sent.
 * The dry run's guarantee that it changes nothing on GitHub does not rest on the code paths it happens to take.
 */
export function refuseWrites(octokit: RestClient): RestClient {
  octokit.hook.before('request', (options) => {
    const write = writeOf({ method: options.method, url: options.url, query: (options as { query?: unknown }).query });
    if (write !== null) throw new WriteRefusedError(`a dry run writes nothing: refused ${write}`);
  });
  return octokit;
}
