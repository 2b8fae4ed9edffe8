import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, sendJson, splitUrl, type RecordedRequest, type UnexpectedRequest } from '../http.js';
import { defaultCategory, ISSUE_NOT_FOUND, issueResponse, type SimIssue, type StatusCategoryKey } from './issue-shape.js';

export interface JiraSimulatorOptions {
  /** Jira Cloud credentials (Basic auth, REST v3 and v2). */
  cloud?: { email: string; apiToken: string };
  /** A Data Center personal access token (Bearer, REST v2). */
  personalAccessToken?: string;
}

/**
 * How Jira is down: `unavailable` answers 503, `reset` drops each connection, `hang` never answers, `garbage`
 * answers 200 with a body that is not JSON (a proxy's login page, say).
 */
export type JiraOutage = 'unavailable' | 'reset' | 'hang' | 'garbage';

export interface JiraRequest extends RecordedRequest {
  auth: 'basic' | 'bearer' | 'none' | 'refused';
}

export type JiraSimulator = Awaited<ReturnType<typeof startJiraSimulator>>;

export const DEFAULT_JIRA_CLOUD = { email: 'change-control@acme.test', apiToken: 'jira-api-token-for-tests' } as const;

const ISSUE_PATH = /^\/rest\/api\/(2|3)\/issue\/([^/]+)$/;

/**
 * An in-process Jira answering `GET /rest/api/3/issue/{key}` (Cloud) and `/rest/api/2/issue/{key}` (Data Center)
 * with Jira's documented shapes, checking credentials. Anything else is answered 500 and listed as unexpected.
 */
export async function startJiraSimulator(options: JiraSimulatorOptions = {}) {
  let cloud = options.cloud ?? (options.personalAccessToken === undefined ? DEFAULT_JIRA_CLOUD : undefined);
  let personalAccessToken = options.personalAccessToken;
  const issues = new Map<string, SimIssue>();
  /** Keys of issues moved to another project: Jira still answers the old key with the moved issue. */
  const movedKeys = new Map<string, string>();
  let log: JiraRequest[] = [];
  let unexpected: UnexpectedRequest[] = [];
  let outage: JiraOutage | false = false;
  let seq = 0;
  let nextIssueId = 10000;
  let inFlight = 0;
  let lastAt = Date.now();

  function authOf(req: IncomingMessage, apiVersion: string): JiraRequest['auth'] {
    const header = req.headers.authorization ?? '';
    if (header === '') return 'none';
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    if (basic !== undefined && cloud && Buffer.from(basic, 'base64').toString('utf8') === `${cloud.email}:${cloud.apiToken}`) return 'basic';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    // Personal access tokens exist on Data Center only, which serves REST v2.
    if (bearer !== undefined && apiVersion === '2' && bearer === personalAccessToken) return 'bearer';
    return 'refused';
  }

  function find(keyOrId: string): SimIssue | undefined {
    const key = keyOrId.toUpperCase();
    return issues.get(movedKeys.get(key) ?? key) ?? [...issues.values()].find((i) => i.id === keyOrId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';
    const record: JiraRequest = { seq: ++seq, method, path, query, status: null, at: Date.now(), auth: 'none' };
    log.push(record);
    inFlight += 1;
    const done = (): void => {
      inFlight -= 1;
      lastAt = Date.now();
    };
    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      sendJson(res, status, body, headers);
      done();
    };
    if (outage === 'hang') {
      res.on('close', done);
      return;
    }
    if (outage === 'reset') {
      req.socket.destroy();
      return done();
    }
    if (outage === 'garbage') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body>Sign in to continue</body></html>\n');
      return done();
    }
    if (outage === 'unavailable') {
      record.status = 503;
      res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '30' }).end('<html><body>Service Unavailable</body></html>\n');
      return done();
    }
    const match = ISSUE_PATH.exec(path);
    if (method !== 'GET' || !match) {
      unexpected.push({ method, path, reason: 'no route in the Jira simulator' });
      return answer(500, { errorMessages: [`simulator: no route for ${method} ${path}`], errors: {} });
    }
    const [, apiVersion, keyOrId] = match as unknown as [string, '2' | '3', string];
    record.auth = authOf(req, apiVersion);
    if (record.auth === 'none' || record.auth === 'refused') {
      record.status = 401;
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="protected-area"' }).end('Client must be authenticated to access this resource.');
      return done();
    }
    const issue = find(keyOrId);
    if (!issue) return answer(404, ISSUE_NOT_FOUND);
    const fields = query.fields === undefined ? null : query.fields.split(',').map((f) => f.trim());
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    return answer(200, issueResponse({ issue, baseUrl, apiVersion, fields }));
  }

  const server = await listen(handle);

  return {
    url: server.url,
    /** The credentials Jira accepts now. */
    get credentials() {
      return { cloud, personalAccessToken };
    },
    /** Changes the accepted credentials, as when an administrator revokes the app's API token. */
    setCredentials(next: JiraSimulatorOptions): void {
      cloud = next.cloud;
      personalAccessToken = next.personalAccessToken;
    },

    addIssue(input: { key: string; status?: string; summary?: string; issueType?: string; statusCategory?: StatusCategoryKey }): SimIssue {
      const status = input.status ?? 'Approved';
      const issue: SimIssue = {
        id: String(++nextIssueId),
        key: input.key.toUpperCase(),
        summary: input.summary ?? `Change ${input.key}`,
        status,
        statusCategory: input.statusCategory ?? defaultCategory(status),
        issueType: input.issueType ?? 'Change',
      };
      issues.set(issue.key, issue);
      return issue;
    },
    setStatus(key: string, status: string, statusCategory?: StatusCategoryKey): void {
      const issue = find(key);
      if (!issue) throw new Error(`Jira simulator: no issue ${key}`);
      Object.assign(issue, { status, statusCategory: statusCategory ?? defaultCategory(status) });
    },
    /** Moves an issue to another key (another project); the old key keeps answering with the moved issue. */
    moveIssue(fromKey: string, toKey: string): void {
      const issue = find(fromKey);
      if (!issue) throw new Error(`Jira simulator: no issue ${fromKey}`);
      issues.delete(issue.key);
      movedKeys.set(fromKey.toUpperCase(), toKey.toUpperCase());
      issue.key = toKey.toUpperCase();
      issues.set(issue.key, issue);
    },
    removeIssue: (key: string): void => void issues.delete(key.toUpperCase()),
    /** Takes Jira down (`unavailable`, `reset`, `hang`) or brings it back (`false`). */
    setDown(mode: JiraOutage | false): void {
      outage = mode;
    },

    requests: (): JiraRequest[] => [...log],
    unexpectedRequests: (): UnexpectedRequest[] => [...unexpected],
    activity: () => ({ inFlight, lastAt }),
    reset(): void {
      cloud = options.cloud ?? (options.personalAccessToken === undefined ? DEFAULT_JIRA_CLOUD : undefined);
      personalAccessToken = options.personalAccessToken;
      issues.clear();
      movedKeys.clear();
      log = [];
      unexpected = [];
      outage = false;
    },
    stop: () => server.close(),
  };
}
