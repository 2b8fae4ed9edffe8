import { randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, parse } from 'graphql';
import { listen, readBody, sendJson, splitUrl, type RecordedRequest, type UnexpectedRequest } from '../http.js';
import { executeGraphql, githubGraphqlSchema, type GraphqlRequestBody } from './execute-graphql.js';
import {
  createData,
  headOid,
  nextId,
  repoKey,
  type FileRead,
  type GitHubData,
  type SimApp,
  type SimCheckRun,
  type SimComment,
  type SimIssue,
  type SimStatus,
} from './model.js';
import { DEPLOYMENT_ROUTES } from './deployment-routes.js';
import * as deployments from './deployment-state.js';
import { ENFORCEMENT_ROUTES } from './enforcement-routes.js';
import * as enforcement from './enforcement-state.js';
import { ISSUE_ROUTES } from './issue-routes.js';
import { DEFAULT_OAUTH_CLIENT, OAUTH_ROUTES, OAuthState, type OAuthClient } from './oauth-routes.js';
import { READ_ROUTES } from './read-routes.js';
import { REST_ROUTES, type RestRoute } from './rest-routes.js';
import { SECURITY_ROUTES } from './security-routes.js';
import * as security from './security-state.js';
import * as state from './state.js';
import { verifyAppJwt } from './verify-app-jwt.js';

export interface GitHubSimulatorOptions {
  /** The GitHub App under test. With `publicKey`, the app's JWT signature is verified too. */
  app?: { id: number; slug?: string; name?: string; owner?: string; publicKey?: KeyObject | string };
  /** The app's OAuth client (GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET), for the dashboard's sign-in. */
  oauth?: OAuthClient;
  /**
   * GitHub's secondary rate limit on content-creating requests: at most `perMinute` REST writes per installation
   * in any 60 s, else 403 with `retry-after` (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
   * Off unless given.
   */
  secondaryLimit?: { perMinute: number };
}

/** `token`: an installation token request; `app`: another request authenticated as the app (JWT), e.g. `GET /app`. */
export type RequestKind = 'token' | 'app' | 'graphql' | 'rest' | 'oauth' | 'unknown';

export interface GitHubRequest extends RecordedRequest {
  kind: RequestKind;
  /** The GraphQL operation name (`ChangeControlFacts`), for GraphQL requests. */
  operationName: string | null;
  variables: Record<string, unknown> | null;
  /** True when a failure rule answered it. */
  injected: boolean;
  /** When the answer was sent (epoch ms), null while unanswered: with `at`, the time the app waited on it. */
  answeredAt: number | null;
  /**
   * Which installation token authenticated it (1 for the first the simulator issued, …), null for other
   * credentials: each app process asks for a token of its own, so this tells replicas apart.
   */
  tokenNumber: number | null;
}

export interface CallCounts {
  /** `POST /app/installations/{id}/access_tokens`. */
  tokenRequests: number;
  /** Other requests made as the app itself (JWT), such as `GET /app`. */
  appRequests: number;
  graphqlQueries: number;
  restReads: number;
  /** REST POST/PATCH/PUT/DELETE other than token requests. */
  restWrites: number;
}

export interface FailureRule {
  method?: string;
  /** Exact path (e.g. `/api/graphql`) or a pattern. */
  path?: string | RegExp;
  operationName?: string;
  /** Default 502, the answer of a GHES load balancer whose backend is down. */
  status?: number;
  /** How many matching requests fail; default: all of them until cleared. */
  times?: number;
  /** The answer's body (default: a load balancer's 502 page); an object is sent as JSON. */
  body?: string | Record<string, unknown>;
  /** Extra response headers, e.g. `retry-after` for a secondary rate limit. */
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow GitHub); with `passThrough`, then answer normally. */
  delayMs?: number;
  /** Hold the answer until this settles (the app is killed meanwhile, say); then answer normally. */
  until?: Promise<unknown>;
  /** After the delay or hold, answer as if no rule matched. */
  passThrough?: boolean;
}

export type GitHubSimulator = Awaited<ReturnType<typeof startGitHubSimulator>>;

const GRAPHQL_PATH = '/api/graphql';
const BAD_GATEWAY = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n';

/**
 * An in-process GitHub Enterprise Server for the app started with `GHE_HOST=<host> GHE_PROTOCOL=http`: REST under
 * `/api/v3`, GraphQL at `/api/graphql` executed against GitHub's real schema. Every request is recorded; one it does
 * not know is answered 500 and listed by `unexpectedRequests()`.
 */
export async function startGitHubSimulator(options: GitHubSimulatorOptions = {}) {
  githubGraphqlSchema(); // build the schema before the first request, not during it
  const app: SimApp = {
    id: options.app?.id ?? 1,
    slug: options.app?.slug ?? 'change-control',
    name: options.app?.name ?? 'Change Control',
    owner: options.app?.owner ?? 'acme',
  };
  const data: GitHubData = createData();
  const registerApps = (): void => {
    data.apps.set(app.id, app);
    data.apps.set(state.ACTIONS_APP.id, { ...state.ACTIONS_APP });
  };
  registerApps();
  // OAuth codes and user tokens outlive reset() too: a signed-in browser keeps its session across tests.
  const oauth = new OAuthState(options.oauth ?? DEFAULT_OAUTH_CLIENT);
  // Installation tokens outlive reset(): the app under test caches them, as it would against GitHub.
  const tokens = new Map<string, { installationId: number; number: number }>();
  let log: GitHubRequest[] = [];
  let unexpected: UnexpectedRequest[] = [];
  let failures: (FailureRule & { remaining: number })[] = [];
  let seq = 0;
  let inFlight = 0;
  /** Content-creating requests per installation (times), and the 403s the secondary limit answered. */
  const writeTimes = new Map<number, number[]>();
  let secondaryLimited = 0;
  let lastAt = Date.now();

  const server = await listen(handle);
  const urls = { api: `${server.url}/api/v3`, web: server.url };

  function issueToken(installationId: number) {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { installationId, number: tokens.size + 1 });
    return { token, expiresAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  function takeFailure(record: GitHubRequest): FailureRule | undefined {
    const rule = failures.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === record.method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === record.path : f.path.test(record.path))) &&
        (f.operationName === undefined || f.operationName === record.operationName),
    );
    if (rule) rule.remaining -= 1;
    return rule;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';
    const record: GitHubRequest = {
      seq: ++seq,
      method,
      path,
      query,
      status: null,
      at: Date.now(),
      kind: 'unknown',
      operationName: null,
      variables: null,
      injected: false,
      answeredAt: null,
      tokenNumber: null,
    };
    log.push(record);
    inFlight += 1;
    const answer = (status: number, body: unknown, reason?: string, headers?: Record<string, string>): void => {
      if (reason !== undefined) unexpected.push({ method, path, reason });
      record.status = status;
      record.answeredAt = Date.now();
      if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
      else sendJson(res, status, body, headers);
    };
    try {
      const raw = await readBody(req);
      const route: RestRoute | undefined = [
        ...REST_ROUTES,
        ...DEPLOYMENT_ROUTES,
        ...ISSUE_ROUTES,
        ...OAUTH_ROUTES,
        ...READ_ROUTES,
        ...ENFORCEMENT_ROUTES,
        ...SECURITY_ROUTES,
      ].find((r) => r.method === method && r.pattern.test(path));
      const isGraphql = method === 'POST' && path === GRAPHQL_PATH;
      if (!route && !isGraphql) return answer(500, { message: `simulator: no route for ${method} ${path}` }, 'no route in the simulator');
      record.kind = isGraphql
        ? 'graphql'
        : route?.auth === 'jwt'
          ? path.endsWith('/access_tokens')
            ? 'token'
            : 'app'
          : route?.auth === 'user' || route?.auth === 'none'
            ? 'oauth'
            : 'rest';
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        return answer(400, { message: 'Problems parsing JSON' }, 'request body is not JSON');
      }
      if (isGraphql) describeGraphql(record, body as GraphqlRequestBody);
      const failure = takeFailure(record);
      if (failure) {
        record.injected = true;
        if (failure.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
        if (failure.until !== undefined) await failure.until.catch(() => undefined);
        if (req.socket.destroyed || res.destroyed) return answer(499, 'client gone');
        if (!failure.passThrough) {
          const body = failure.body ?? BAD_GATEWAY;
          if (typeof body === 'string') {
            record.status = failure.status ?? 502;
            record.answeredAt = Date.now();
            res
              .writeHead(record.status, {
                'content-type': failure.body === undefined ? 'text/html' : 'application/json',
                ...failure.headers,
              })
              .end(body);
            return;
          }
          return answer(failure.status ?? 502, body, undefined, failure.headers);
        }
      }
      let userLogin: string | null = null;
      let installationId: number | null = null;
      if (route?.auth === 'user') {
        const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        userLogin = token === undefined ? null : (oauth.userTokens.get(token) ?? null);
        if (userLogin === null) return answer(401, { message: 'Bad credentials' }, 'no valid user token');
      } else if (route?.auth === 'none') {
        // The OAuth endpoints: the client id and secret are checked by the route.
      } else if (route?.auth === 'jwt') {
        const refused = verifyAppJwt({
          authorization: req.headers.authorization,
          appId: app.id,
          publicKey: options.app?.publicKey,
          now: Date.now(),
        });
        if (refused) return answer(401, { message: `A JSON web token could not be decoded: ${refused}` }, `app JWT refused: ${refused}`);
      } else {
        const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (token === undefined || !tokens.has(token)) return answer(401, { message: 'Bad credentials' }, 'no valid installation token');
        installationId = tokens.get(token)?.installationId ?? null;
        record.tokenNumber = tokens.get(token)?.number ?? null;
        const limit = options.secondaryLimit;
        if (limit && !isGraphql && method !== 'GET' && method !== 'HEAD') {
          const now = Date.now();
          const times = (writeTimes.get(installationId!) ?? []).filter((t) => t > now - 60_000);
          writeTimes.set(installationId!, times);
          if (times.length >= limit.perMinute) {
            secondaryLimited += 1;
            return answer(
              403,
              {
                message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
                documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
              },
              undefined,
              { 'retry-after': '60' },
            );
          }
          times.push(now);
        }
      }
      if (isGraphql) {
        const outcome = await executeGraphql({ data, webUrl: server.url }, body as GraphqlRequestBody);
        for (const problem of outcome.problems)
          unexpected.push({ method, path: `${path} ${outcome.operationName ?? ''}`.trim(), reason: problem });
        return answer(200, outcome.response);
      }
      const params = route!.pattern.exec(path)!.slice(1);
      const result = route!.handle({ data, urls, params, query, body, app, issueToken, oauth, userLogin, installationId });
      return answer(result.status, result.body, result.unexpected, result.headers);
    } finally {
      inFlight -= 1;
      lastAt = Date.now();
    }
  }

  function describeGraphql(record: GitHubRequest, body: GraphqlRequestBody | undefined): void {
    record.variables = typeof body?.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
    try {
      const name = typeof body?.operationName === 'string' ? body.operationName : null;
      record.operationName = getOperationAST(parse(String(body?.query)), name)?.name?.value ?? name;
    } catch {
      record.operationName = null; // executeGraphql reports the syntax error
    }
  }

  const repoOf = (ref: state.RepoRef) => state.findRepo(data, ref);

  return {
    /** e.g. `http://127.0.0.1:40123` */
    url: server.url,
    /** `127.0.0.1:40123`, the value for GHE_HOST. */
    host: new URL(server.url).host,
    apiUrl: urls.api,
    graphqlUrl: `${server.url}${GRAPHQL_PATH}`,
    app,
    /** The app's OAuth client id and secret (set them as GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET). */
    oauthClient: oauth.client,
    /** The raw state, for assertions the helpers do not cover. */
    data,

    /**
     * Moves the simulated clock forward to `at` (the demo's weeks of history: commits, reviews, checks and merges
     * are stamped from it); never back, so timestamps stay ordered.
     */
    advanceClockTo(at: Date): void {
      data.clock = Math.max(data.clock, at.getTime());
    },
    addRepository: (input: Parameters<typeof state.addRepository>[1]) => state.addRepository(data, input),
    /** Commits a file (null deletes it) to the default branch. */
    setFile: (input: Parameters<typeof state.setDefaultBranchFile>[1]) => state.setDefaultBranchFile(data, input),
    openPullRequest: (input: Parameters<typeof state.openPullRequest>[1]) => state.openPullRequest(data, input),
    pushCommit: (input: Parameters<typeof state.pushCommit>[1]) => state.pushCommit(data, input),
    /** Merges the base branch into the PR ("Update branch"); returns the new head SHA. */
    mergeBaseIntoPullRequest: (input: Parameters<typeof state.mergeBaseIntoPullRequest>[1]) => state.mergeBaseIntoPullRequest(data, input),
    /** Rebases the PR onto the base branch head and force-pushes it; returns the new head SHA. */
    rebasePullRequest: (input: Parameters<typeof state.rebasePullRequest>[1]) => state.rebasePullRequest(data, input),
    /** Merges the PR (merge commit on the base branch); returns the merge commit SHA. */
    mergePullRequest: (input: Parameters<typeof state.mergePullRequest>[1]) => state.mergePullRequest(data, input),
    /** Commits straight onto a branch, no PR (a direct push); returns the push. */
    pushToBranch: (input: Parameters<typeof state.pushToBranch>[1]) => state.pushToBranch(data, input),
    /** Resets a branch and pushes commits on top (a force-push rewriting history); returns the push. */
    forcePushBranch: (input: Parameters<typeof state.forcePushBranch>[1]) => state.forcePushBranch(data, input),
    /** Builds a merge queue's group of open PRs (merge commits on the base head, on a gh-readonly-queue branch); returns it. */
    createMergeGroup: (input: Parameters<typeof state.createMergeGroup>[1]) => state.createMergeGroup(data, input),
    /** The merge queue merges a group: the base branch moves to its head, each PR is merged by its merge commit. */
    mergeMergeGroup: (input: Parameters<typeof state.mergeMergeGroup>[1]) => state.mergeMergeGroup(data, input),
    addReview: (input: Parameters<typeof state.addReview>[1]) => state.addReview(data, input),
    dismissReviews: (input: Parameters<typeof state.dismissReviews>[1]) => state.dismissReviews(data, input),
    setPullRequest: (input: Parameters<typeof state.setPullRequest>[1]) => state.setPullRequest(data, input),
    addCheckRun: (input: Parameters<typeof state.addCheckRun>[1]) => state.addCheckRun(data, input),
    addStatus: (input: Parameters<typeof state.addStatus>[1]) => state.addStatus(data, input),
    addTeam: (input: { org: string; slug: string; members: string[]; id?: number }) =>
      void data.teams.push({ ...input, id: input.id ?? nextId(data) }),
    /** Gives a login a role on a repository (admin, maintain, write, triage, read); others have none. */
    setCollaborator: (input: Parameters<typeof state.setCollaborator>[1]) => state.setCollaborator(data, input),
    /** Someone comments on a PR or issue; deliver the `issue_comment` webhook for it. */
    addComment: (input: Parameters<typeof state.addComment>[1]) => state.addComment(data, input),
    /** Creates a deployment (default: of the default branch head); returns it. */
    createDeployment: (input: Parameters<typeof deployments.createDeployment>[1]) => deployments.createDeployment(data, input),
    /** Adds a status to a deployment (a success makes earlier successful ones inactive). */
    addDeploymentStatus: (input: Parameters<typeof deployments.addDeploymentStatus>[1]) => deployments.addDeploymentStatus(data, input),
    /** A workflow job starts waiting on the app's deployment protection rule; deliver `deployment_protection_rule` for it. */
    requestDeploymentGate: (input: Parameters<typeof deployments.requestDeploymentGate>[1]) =>
      deployments.requestDeploymentGate(data, input),
    /** Adds an active branch ruleset (default: on the default branch, from the repository); deliver `repository_ruleset` after. */
    addRuleset: (input: Parameters<typeof enforcement.addRuleset>[1]) => enforcement.addRuleset(data, input),
    /** Changes a ruleset (its required checks, bypass actors, enforcement); deliver `repository_ruleset.edited` after. */
    editRuleset: (input: Parameters<typeof enforcement.editRuleset>[1]) => enforcement.editRuleset(data, input),
    /** Sets (null removes) a branch's classic protection; deliver `branch_protection_rule` after. */
    setBranchProtection: (input: Parameters<typeof enforcement.setBranchProtection>[1]) => enforcement.setBranchProtection(data, input),
    /** Gives a team (see `addTeam`) a role on a repository (null removes it). */
    setTeamAccess: (input: Parameters<typeof enforcement.setTeamAccess>[1]) => enforcement.setTeamAccess(data, input),
    /** The app's Administration permission: null makes protection reads 403 and hides ruleset bypass actors. */
    setAdministration: (level: 'read' | 'write' | null): void => void (data.administration = level),
    /** Code scanning analyses the PR's test merge commit of its head (refs/pull/N/merge) and finds these alerts. */
    analysePullRequest: (input: Parameters<typeof security.analysePullRequest>[1]) => security.analysePullRequest(data, input),
    /** Code scanning analyses a branch head (default: the default branch). */
    analyseBranch: (input: Parameters<typeof security.analyseBranch>[1]) => security.analyseBranch(data, input),
    /** Someone dismisses a code scanning alert; deliver `code_scanning_alert.closed_by_user` after. */
    dismissAlert: (input: Parameters<typeof security.dismissAlert>[1]) => security.dismissAlert(data, input),
    /** Code scanning or the dependency graph off (GitHub's 403 with its message), or the app's permission withdrawn. */
    setSecurityFeatures: (input: Parameters<typeof security.setSecurityFeatures>[1]) => security.setSecurityFeatures(data, input),
    /** What the dependency review of the PR's current head lists. */
    setDependencyChanges: (input: Parameters<typeof security.setDependencyChanges>[1]) => security.setDependencyChanges(data, input),
    /** The runs waiting (or having waited) on the app's rule, with the app's answers. */
    deploymentGates: (ref: state.RepoRef) => [...repoOf(ref).deploymentGates],

    pullRequest(ref: state.PullRef) {
      const { pr } = state.findPull(data, ref);
      return { ...pr, headSha: headOid(pr) };
    },
    /** Someone edits the PR's title or description on GitHub (no webhook is sent: the test sends one if it wants). */
    editPullRequest(ref: state.PullRef & { title?: string; body?: string }): void {
      const { pr } = state.findPull(data, ref);
      if (ref.title !== undefined) pr.title = ref.title;
      if (ref.body !== undefined) pr.body = ref.body;
    },
    defaultBranchHead: (ref: state.RepoRef) => repoOf(ref).branches.get(repoOf(ref).defaultBranch) ?? '',
    /** When a commit was committed (GitHub's `committedDate`). */
    commitDate: (ref: state.RepoRef & { sha: string }): string => state.findCommit(repoOf(ref), ref.sha).committedDate,
    /** Commit statuses on a commit, oldest first. */
    statuses: (ref: state.RepoRef & { sha: string; context?: string }): SimStatus[] =>
      repoOf(ref).statuses.filter((s) => s.sha === ref.sha && (ref.context === undefined || s.context === ref.context)),
    /** Check runs on a commit, oldest first; `ours` keeps those of the app under test. */
    checkRuns: (ref: state.RepoRef & { sha: string; name?: string; ours?: boolean }): SimCheckRun[] =>
      repoOf(ref).checkRuns.filter(
        (r) => r.headSha === ref.sha && (ref.name === undefined || r.name === ref.name) && (!ref.ours || r.appId === app.id),
      ),
    /** Issues (not PRs) of a repository, e.g. the exceptions the app opened. */
    issues: (ref: state.RepoRef): SimIssue[] => [...repoOf(ref).issues],
    /** Comments on a PR, oldest first. */
    comments: (ref: state.PullRef): SimComment[] => repoOf(ref).comments.filter((c) => c.issueNumber === ref.number),
    /** Deletes a comment, as a user may do with the app's trail comment. */
    deleteComment(ref: state.RepoRef & { id: number }): void {
      const repo = repoOf(ref);
      repo.comments = repo.comments.filter((c) => c.id !== ref.id);
    },
    fileReads: (): FileRead[] => [...data.fileReads],
    hasRepository: (ref: state.RepoRef) => data.repos.has(repoKey(ref.owner, ref.repo)),

    requests: (): GitHubRequest[] => [...log],
    /** Makes a repository unreadable to the app (GraphQL FORBIDDEN), or readable again. */
    setUnreadable: (ref: state.RepoRef, unreadable: boolean): void => {
      repoOf(ref).unreadable = unreadable;
    },
    /** How many requests the secondary rate limit (option `secondaryLimit`) answered with 403. */
    secondaryLimited: (): number => secondaryLimited,
    /** Every installation token handed out so far (to check that none reaches the app's log). */
    issuedTokens: (): string[] => [...tokens.keys()],
    unexpectedRequests: (): UnexpectedRequest[] => [...unexpected],
    /** The sequence number of the latest request: pass it to `callCounts` to count what came after. */
    mark: (): number => seq,
    callCounts(since = 0): CallCounts {
      const after = log.filter((r) => r.seq > since);
      return {
        tokenRequests: after.filter((r) => r.kind === 'token').length,
        appRequests: after.filter((r) => r.kind === 'app').length,
        graphqlQueries: after.filter((r) => r.kind === 'graphql').length,
        restReads: after.filter((r) => r.kind === 'rest' && r.method === 'GET').length,
        restWrites: after.filter((r) => r.kind === 'rest' && r.method !== 'GET').length,
      };
    },
    /** Requests being answered now, and when the last one finished: lets a test wait until the app is quiet. */
    activity: () => ({ inFlight, lastAt }),

    injectFailure(rule: FailureRule): { clear(): void } {
      const entry = { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
      failures.push(entry);
      return { clear: () => void (failures = failures.filter((f) => f !== entry)) };
    },
    clearFailures: (): void => void (failures = []),

    /** Forgets all repositories, requests and failure rules (issued tokens stay valid). */
    reset(): void {
      Object.assign(data, createData());
      registerApps();
      log = [];
      unexpected = [];
      failures = [];
    },
    stop: () => server.close(),
  };
}
