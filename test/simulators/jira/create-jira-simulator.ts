import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson, splitUrl, type RecordedRequest, type UnexpectedRequest } from '../http.js';
import {
  CHANGE_MANAGER,
  defaultCategory,
  historyShape,
  ISSUE_NOT_FOUND,
  issueResponse,
  userShape,
  type SimApproval,
  type SimDecision,
  type SimHistory,
  type SimIssue,
  type SimUser,
  type StatusCategoryKey,
} from './issue-shape.js';

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
  /** The JSON body of a write (remote link, comment). */
  body?: unknown;
}

/** What the app wrote to an issue (write-back, a transition). */
export interface JiraWrite {
  kind: 'remotelink' | 'comment' | 'transition';
  key: string;
  apiVersion: '2' | '3';
  body: unknown;
}

export type JiraSimulator = Awaited<ReturnType<typeof startJiraSimulator>>;

export const DEFAULT_JIRA_CLOUD = { email: 'change-control@acme.test', apiToken: 'jira-api-token-for-tests' } as const;

const ISSUE_PATH = /^\/rest\/api\/(2|3)\/issue\/([^/]+)(?:\/(changelog|remotelink|comment|transitions))?$/;
/** `POST /rest/api/{3,2}/issue` (create) and the searches: Cloud's `/rest/api/3/search/jql`, Data Center's `/rest/api/2/search`. */
const CREATE_PATH = /^\/rest\/api\/(2|3)\/issue$/;
const SEARCH_PATH = /^\/rest\/api\/(?:(3)\/search\/jql|(2)\/search)$/;
/** The workflow's statuses: a transition leads to each one but the current (named after its target). */
const WORKFLOW = [
  { id: '11', name: 'Request approval', to: 'Awaiting Approval' },
  { id: '21', name: 'Approve', to: 'Approved' },
  { id: '31', name: 'Decline', to: 'Declined' },
  { id: '41', name: 'Close', to: 'Done' },
];
/** The user the app's credentials belong to, as a history author. */
const APP_USER: SimUser = { accountId: '712020:change-control-app', name: 'change-control', displayName: 'Change Control', email: null };
const APPROVAL_PATH = /^\/rest\/servicedeskapi\/request\/([^/]+)\/approval$/;
/** Jira Cloud answers at most 100 changelog entries and 50 approvals a page, whatever maxResults asks. */
const DEFAULT_PAGE_SIZE = 100;

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
  let pageSize = DEFAULT_PAGE_SIZE;
  let writes: JiraWrite[] = [];
  /** Answers for the next requests, before any route: rate limits and outages of a few requests. */
  let injected: { status: number; retryAfter: string | null }[] = [];
  /** Answers for the next writes (remote link, comment) only. */
  let writeFailures: number[] = [];
  /** Answers for the next creates: `afterCreating` creates the issue, then answers the failure (a lost answer). */
  let createFailures: { status: number; afterCreating: boolean }[] = [];
  /** The issues the app created, in order, with the labels and description it sent. */
  let created: { key: string; apiVersion: '2' | '3'; labels: string[]; summary: string; description: unknown; type: string }[] = [];
  const labels = new Map<string, string[]>();
  const nextCreatedNumber = new Map<string, number>();
  let nextHistoryId = 50000;
  let clock = Date.parse('2026-05-01T09:00:00.000Z');
  const nextTime = (): string => new Date((clock += 60_000)).toISOString().replace('Z', '+0000');

  function authOf(req: IncomingMessage, apiVersion: string): JiraRequest['auth'] {
    const header = req.headers.authorization ?? '';
    if (header === '') return 'none';
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    if (basic !== undefined && cloud && Buffer.from(basic, 'base64').toString('utf8') === `${cloud.email}:${cloud.apiToken}`)
      return 'basic';
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
    const injectedAnswer = injected.shift();
    if (injectedAnswer) {
      const headers: Record<string, string> = injectedAnswer.retryAfter === null ? {} : { 'retry-after': injectedAnswer.retryAfter };
      return answer(injectedAnswer.status, { errorMessages: [`simulated HTTP ${injectedAnswer.status}`], errors: {} }, headers);
    }
    const createMatch = CREATE_PATH.exec(path);
    const searchMatch = SEARCH_PATH.exec(path);
    if ((createMatch && method === 'POST') || (searchMatch && method === 'GET')) {
      const version = (createMatch?.[1] ?? searchMatch?.[1] ?? searchMatch?.[2]) as '2' | '3';
      record.auth = authOf(req, version);
      if (record.auth === 'none' || record.auth === 'refused') return answer(401, { errorMessages: ['Unauthorized'], errors: {} });
      const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
      if (searchMatch) return answer(200, search({ query, apiVersion: version, baseUrl }));
      return createIssue({ req, record, apiVersion: version, baseUrl, answer });
    }
    const issueMatch = ISSUE_PATH.exec(path);
    const approvalMatch = APPROVAL_PATH.exec(path);
    const route = routeOf(method, issueMatch, approvalMatch);
    if (route === null) {
      unexpected.push({ method, path, reason: 'no route in the Jira simulator' });
      return answer(500, { errorMessages: [`simulator: no route for ${method} ${path}`], errors: {} });
    }
    const apiVersion = issueMatch ? (issueMatch[1] as '2' | '3') : cloud ? '3' : '2';
    const keyOrId = (issueMatch ? issueMatch[2] : approvalMatch?.[1]) ?? '';
    // The Service Management API takes either credential: it is served by Cloud and Data Center alike.
    record.auth = authOf(req, approvalMatch ? '2' : apiVersion);
    if (record.auth === 'none' || record.auth === 'refused') {
      record.status = 401;
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="protected-area"' })
        .end('Client must be authenticated to access this resource.');
      return done();
    }
    const issue = find(keyOrId);
    if (!issue) return answer(404, ISSUE_NOT_FOUND);
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    if (route === 'issue') {
      const fields = query.fields === undefined ? null : query.fields.split(',').map((f) => f.trim());
      const body = issueResponse({ issue, baseUrl, apiVersion, fields });
      if (!(query.expand ?? '').split(',').includes('changelog')) return answer(200, body);
      // Data Center sends the whole history with expand=changelog.
      const histories = issue.histories.map((h) => historyShape(h, apiVersion, baseUrl));
      return answer(200, { ...body, changelog: { startAt: 0, maxResults: histories.length, total: histories.length, histories } });
    }
    if (route === 'changelog') return answer(200, changelogPage({ issue, apiVersion, baseUrl, query }));
    if (route === 'approval') return answer(200, approvalPage({ issue, baseUrl, query }));
    if (route === 'transitions') {
      const transitions = WORKFLOW.filter((t) => t.to !== issue.status).map((t) => ({
        id: t.id,
        name: t.name,
        to: { self: `${baseUrl}/rest/api/${apiVersion}/status/${t.id}`, name: t.to, id: t.id },
        hasScreen: false,
        isGlobal: true,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
      }));
      return answer(200, { expand: 'transitions', transitions });
    }
    const writeFailure = writeFailures.shift();
    if (writeFailure !== undefined)
      return answer(writeFailure, { errorMessages: ['You do not have permission to add comments to this issue.'], errors: {} });
    const body = await readJson(req);
    record.body = body;
    if (body === undefined) return answer(400, { errorMessages: ['Unexpected character in the request body'], errors: {} });
    writes.push({ kind: route === 'doTransition' ? 'transition' : route, key: issue.key, apiVersion, body });
    if (route === 'doTransition') {
      const id = (body as { transition?: { id?: unknown } }).transition?.id;
      const transition = WORKFLOW.find((t) => t.id === id && t.to !== issue.status);
      if (!transition) return answer(400, { errorMessages: [`Transition id '${String(id)}' is not valid for this issue.`], errors: {} });
      issue.histories.push(historyOf(issue.status, transition.to, APP_USER));
      Object.assign(issue, { status: transition.to, statusCategory: defaultCategory(transition.to) });
      record.status = 204;
      res.writeHead(204).end();
      return done();
    }
    if (route === 'remotelink') {
      const linkId = 10000 + writes.length;
      return answer(201, { id: linkId, self: `${baseUrl}/rest/api/${apiVersion}/issue/${issue.key}/remotelink/${linkId}` });
    }
    return answer(201, {
      id: String(20000 + writes.length),
      self: `${baseUrl}/rest/api/${apiVersion}/issue/${issue.id}/comment/${20000 + writes.length}`,
      body: (body as { body?: unknown }).body,
      created: nextTime(),
    });
  }

  function routeOf(method: string, issueMatch: RegExpExecArray | null, approvalMatch: RegExpExecArray | null) {
    if (approvalMatch) return method === 'GET' ? ('approval' as const) : null;
    if (!issueMatch) return null;
    const sub = issueMatch[3];
    if (sub === undefined) return method === 'GET' ? ('issue' as const) : null;
    if (sub === 'changelog') return method === 'GET' && issueMatch[1] === '3' ? ('changelog' as const) : null;
    if (sub === 'transitions') return method === 'GET' ? ('transitions' as const) : method === 'POST' ? ('doTransition' as const) : null;
    return method === 'POST' ? (sub as 'remotelink' | 'comment') : null;
  }

  /** `POST /rest/api/{3,2}/issue`: a new issue in `Awaiting Approval`, numbered after the project's last one. */
  async function createIssue(input: {
    req: IncomingMessage;
    record: JiraRequest;
    apiVersion: '2' | '3';
    baseUrl: string;
    answer: (status: number, body: unknown) => void;
  }): Promise<void> {
    const { req, record, apiVersion, baseUrl, answer } = input;
    const body = await readJson(req);
    record.body = body;
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    const project = (fields?.project as { key?: unknown } | undefined)?.key;
    const type = (fields?.issuetype as { name?: unknown } | undefined)?.name;
    const summary = fields?.summary;
    const labelList = Array.isArray(fields?.labels) ? (fields.labels as unknown[]).filter((l): l is string => typeof l === 'string') : [];
    if (typeof project !== 'string' || typeof type !== 'string' || typeof summary !== 'string') {
      unexpected.push({ method: 'POST', path: `/rest/api/${apiVersion}/issue`, reason: 'create without project, issuetype or summary' });
      return answer(400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
    }
    if (labelList.some((l) => /\s/.test(l))) return answer(400, { errorMessages: [], errors: { labels: 'Labels cannot contain spaces.' } });
    const failure = createFailures.shift();
    if (failure && !failure.afterCreating)
      return answer(failure.status, { errorMessages: [`simulated HTTP ${failure.status}`], errors: {} });
    const highest = Math.max(
      nextCreatedNumber.get(project) ?? 100,
      ...[...issues.keys()].filter((k) => k.startsWith(`${project}-`)).map((k) => Number(k.slice(project.length + 1))),
    );
    nextCreatedNumber.set(project, highest + 1);
    const key = `${project}-${highest + 1}`;
    const issue: SimIssue = {
      id: String(++nextIssueId),
      key,
      summary,
      status: 'Awaiting Approval',
      statusCategory: defaultCategory('Awaiting Approval'),
      issueType: type,
      histories: [],
      approvals: [],
      extraFields: {},
    };
    issues.set(key, issue);
    labels.set(key, labelList);
    created.push({ key, apiVersion, labels: labelList, summary, description: fields?.description, type });
    if (failure) return answer(failure.status, { errorMessages: [`simulated HTTP ${failure.status}`], errors: {} });
    return answer(201, { id: issue.id, key, self: `${baseUrl}/rest/api/${apiVersion}/issue/${issue.id}` });
  }

  /**
   * The JQL the app sends to find its ticket: `project = "P" AND labels = "marker" AND creator = currentUser()`, the
   * current user being the app's account: only issues it created through the API (anything else is unexpected).
   */
  function search(input: { query: Record<string, string>; apiVersion: '2' | '3'; baseUrl: string }) {
    const { query, apiVersion, baseUrl } = input;
    const jql = query.jql ?? '';
    const match = /^project = "([^"]+)" AND labels = "((?:[^"\\]|\\.)*)" AND creator = currentUser\(\) ORDER BY created ASC$/.exec(jql);
    if (!match) unexpected.push({ method: 'GET', path: 'search', reason: `JQL the simulator does not understand: ${jql}` });
    const [project, label] = [match?.[1] ?? '', (match?.[2] ?? '').replace(/\\(.)/g, '$1')];
    const byApp = new Set(created.map((c) => c.key));
    const found = [...issues.values()].filter(
      (i) => i.key.startsWith(`${project}-`) && (labels.get(i.key) ?? []).includes(label) && byApp.has(i.key),
    );
    const shaped = found.map((i) => ({
      id: i.id,
      key: i.key,
      self: `${baseUrl}/rest/api/${apiVersion}/issue/${i.id}`,
      fields: { summary: i.summary },
    }));
    if (apiVersion === '3') return { issues: shaped, isLast: true };
    return { startAt: 0, maxResults: Number(query.maxResults ?? 50), total: shaped.length, issues: shaped };
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    try {
      return JSON.parse(await readBody(req)) as unknown;
    } catch {
      return undefined;
    }
  }

  /** `GET /rest/api/3/issue/{key}/changelog?startAt&maxResults`: Cloud's paged history, oldest first. */
  function changelogPage(input: { issue: SimIssue; apiVersion: '2' | '3'; baseUrl: string; query: Record<string, string> }) {
    const { issue, apiVersion, baseUrl, query } = input;
    const startAt = Number(query.startAt ?? 0);
    const maxResults = Math.min(Number(query.maxResults ?? DEFAULT_PAGE_SIZE), pageSize);
    const values = issue.histories.slice(startAt, startAt + maxResults).map((h) => historyShape(h, apiVersion, baseUrl));
    const total = issue.histories.length;
    return {
      self: `${baseUrl}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`,
      nextPage:
        startAt + values.length < total
          ? `${baseUrl}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt + values.length}`
          : undefined,
      maxResults,
      startAt,
      total,
      isLast: startAt + values.length >= total,
      values,
    };
  }

  /** `GET /rest/servicedeskapi/request/{key}/approval?start&limit`: the request's approvals, paged. */
  function approvalPage(input: { issue: SimIssue; baseUrl: string; query: Record<string, string> }) {
    const { issue, baseUrl, query } = input;
    const start = Number(query.start ?? 0);
    const limit = Math.min(Number(query.limit ?? 50), pageSize);
    const dateOf = (iso: string) => ({ iso8601: iso, jira: iso, friendly: iso, epochMillis: Date.parse(iso) });
    const values = issue.approvals.slice(start, start + limit).map((a) => ({
      id: a.id,
      name: a.name,
      finalDecision: a.finalDecision,
      canAnswerApproval: false,
      approvers: a.approvers.map(({ user, decision }) => ({
        approver: userShape(user, cloud ? '3' : '2', baseUrl),
        approverDecision: decision,
      })),
      createdDate: dateOf(a.created),
      ...(a.completed === null ? {} : { completedDate: dateOf(a.completed) }),
      _links: { self: `${baseUrl}/rest/servicedeskapi/request/${issue.id}/approval/${a.id}` },
    }));
    return {
      _expands: [],
      size: values.length,
      start,
      limit,
      isLastPage: start + values.length >= issue.approvals.length,
      values,
      _links: { base: baseUrl, context: '' },
    };
  }

  function historyOf(from: string, to: string, by: SimUser | null): SimHistory {
    return { id: String(++nextHistoryId), author: by, created: nextTime(), from, to };
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

    /**
     * Adds an issue. It was created in `Awaiting Approval`; any other status was reached by a transition of
     * `approvedBy` (the change manager unless given; null: an anonymous automation), recorded in its history.
     */
    addIssue(input: {
      key: string;
      status?: string;
      summary?: string;
      issueType?: string;
      statusCategory?: StatusCategoryKey;
      approvedBy?: SimUser | null;
      fields?: Record<string, unknown>;
    }): SimIssue {
      const status = input.status ?? 'Approved';
      const issue: SimIssue = {
        id: String(++nextIssueId),
        key: input.key.toUpperCase(),
        summary: input.summary ?? `Change ${input.key}`,
        status,
        statusCategory: input.statusCategory ?? defaultCategory(status),
        issueType: input.issueType ?? 'Change',
        histories:
          status === 'Awaiting Approval'
            ? []
            : [historyOf('Awaiting Approval', status, input.approvedBy === undefined ? CHANGE_MANAGER : input.approvedBy)],
        approvals: [],
        extraFields: input.fields ?? {},
      };
      issues.set(issue.key, issue);
      return issue;
    },
    /** Moves the issue to `status`, recorded in its history as done by `by` (the change manager unless given). */
    setStatus(key: string, status: string, statusCategory?: StatusCategoryKey, by: SimUser | null = CHANGE_MANAGER): void {
      const issue = find(key);
      if (!issue) throw new Error(`Jira simulator: no issue ${key}`);
      issue.histories.push(historyOf(issue.status, status, by));
      Object.assign(issue, { status, statusCategory: statusCategory ?? defaultCategory(status) });
    },
    /** Adds `count` unrelated history entries (to make the changelog span several pages). */
    addHistoryNoise(key: string, count: number): void {
      const issue = find(key);
      if (!issue) throw new Error(`Jira simulator: no issue ${key}`);
      for (let n = 0; n < count; n += 1)
        issue.histories.unshift(historyOf('Open', 'Awaiting Approval', { ...CHANGE_MANAGER, displayName: `Noise ${n}` }));
      issue.histories.sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
    },
    /** Adds a Jira Service Management approval to the request. */
    addApproval(
      key: string,
      input: { name?: string; finalDecision: SimDecision; approvers: { user: SimUser; decision: SimDecision }[] },
    ): void {
      const issue = find(key);
      if (!issue) throw new Error(`Jira simulator: no issue ${key}`);
      const approval: SimApproval = {
        id: String(issue.approvals.length + 1),
        name: input.name ?? 'Change manager approval',
        finalDecision: input.finalDecision,
        approvers: input.approvers,
        created: nextTime(),
        completed: input.finalDecision === 'pending' ? null : nextTime(),
      };
      issue.approvals.push(approval);
    },
    setFields(key: string, fields: Record<string, unknown>): void {
      const issue = find(key);
      if (!issue) throw new Error(`Jira simulator: no issue ${key}`);
      Object.assign(issue.extraFields, fields);
    },
    /** The most entries one changelog or approvals page holds (Jira Cloud: 100). */
    setPageSize(size: number): void {
      pageSize = size;
    },
    /** Answers the next `count` requests with `status` (and `Retry-After` when given), then serves normally again. */
    failNext(input: { status: number; count?: number; retryAfter?: string }): void {
      for (let n = 0; n < (input.count ?? 1); n += 1) injected.push({ status: input.status, retryAfter: input.retryAfter ?? null });
    },
    /** Refuses the next `count` writes (remote link, comment) with `status`; reads are served. */
    failNextWrites(status: number, count = 1): void {
      for (let n = 0; n < count; n += 1) writeFailures.push(status);
    },
    /** Remote links, comments and transitions the app made. */
    writes: (): JiraWrite[] => [...writes],
    /** The issues the app created (`ticket.create`), in order. */
    created: () => [...created],
    /** Puts labels on an issue as a person would (the issue need not be one the app created). */
    labelIssue(key: string, list: string[]): void {
      labels.set(key, [...(labels.get(key) ?? []), ...list]);
    },
    /** Fails the next `count` creates with `status`; `afterCreating`: the issue is made, then the answer is lost. */
    failNextCreates(input: { status: number; count?: number; afterCreating?: boolean }): void {
      for (let n = 0; n < (input.count ?? 1); n += 1)
        createFailures.push({ status: input.status, afterCreating: input.afterCreating ?? false });
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
      pageSize = DEFAULT_PAGE_SIZE;
      writes = [];
      injected = [];
      writeFailures = [];
      createFailures = [];
      created = [];
      labels.clear();
      // Jira never hands out a key twice, not even across tests: the app's store (not reset) holds the keys it made.
      log = [];
      unexpected = [];
      outage = false;
    },
    stop: () => server.close(),
  };
}
