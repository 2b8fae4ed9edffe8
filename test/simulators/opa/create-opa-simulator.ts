import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson, splitUrl, type RecordedRequest, type UnexpectedRequest } from '../http.js';

/**
 * An OPA server answering the Data API the app uses, as docs/opa.md documents it
 * (https://www.openpolicyagent.org/docs/rest-api#get-a-document-with-input): `POST /v1/data/{path}` with
 * `{ "input": … }` answers `{ "result": …, "decision_id": …, "provenance": … }` (provenance with `?provenance=true`),
 * and `{ "decision_id": … }` without `result` when nothing is defined at the path. A small JS function per decision
 * path stands in for a Rego policy. With `token`, a request without `Authorization: Bearer <token>` gets OPA's 401.
 * `setMode` makes it hang, answer garbage (not JSON, or JSON of another shape), 404 or 500.
 */

/** Stands in for the Rego rule at a path: its value, or undefined when the rule is not defined for this input. */
export type SimPolicy = (input: Record<string, unknown>) => unknown;

export type OpaMode = 'normal' | 'hang' | 'not-json' | 'wrong-shape' | 'not-found' | 'server-error';

export interface OpaRequest extends RecordedRequest {
  /** The decision path asked (`change_control/allow`). */
  decision: string;
  /** The `input` the app sent, as parsed. */
  input: Record<string, unknown> | null;
  authorization: string | null;
}

export const OPA_BUNDLE = { name: 'change-control', revision: 'policy-rev-1' } as const;

export type OpaSimulator = Awaited<ReturnType<typeof startOpaSimulator>>;

export async function startOpaSimulator(options: { token?: string } = {}) {
  const policies = new Map<string, SimPolicy>();
  let recorded: OpaRequest[] = [];
  let unexpected: UnexpectedRequest[] = [];
  let mode: OpaMode = 'normal';
  let seq = 0;
  let revision: string = OPA_BUNDLE.revision;
  /** Requests held open by `hang`: answered (with a dropped connection) on reset or stop. */
  let hanging: ServerResponse[] = [];

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
    unexpected.push({ method: req.method ?? '?', path: req.url ?? '?', reason });
    sendJson(res, status, { code: status === 400 ? 'invalid_parameter' : 'internal_error', message: reason });
  }

  function answer(res: ServerResponse, request: OpaRequest, status: number, body: unknown): void {
    request.status = status;
    if (typeof body === 'string') {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    sendJson(res, status, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url);
    const match = /^\/v1\/data\/(.+)$/.exec(path);
    if (req.method !== 'POST' || !match) return refuse(req, res, 404, `unknown route ${req.method} ${path}`);
    const decision = match[1] as string;
    const text = await readBody(req);
    const authorization = req.headers.authorization ?? null;
    const request: OpaRequest = {
      seq: ++seq,
      method: 'POST',
      path,
      query,
      status: null,
      at: Date.now(),
      decision,
      input: null,
      authorization,
    };
    recorded.push(request);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(req, res, 400, 'request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || typeof (body as { input?: unknown }).input !== 'object')
      return refuse(req, res, 400, 'request body has no input object');
    request.input = (body as { input: Record<string, unknown> }).input;
    if (options.token !== undefined && authorization !== `Bearer ${options.token}`) {
      // OPA's answer under --authentication=token --authorization=basic to a missing or wrong token.
      return answer(res, request, 401, { code: 'unauthorized', message: 'request rejected by administrative policy' });
    }
    if (mode === 'hang') {
      hanging.push(res);
      return;
    }
    if (mode === 'not-json') return answer(res, request, 200, '<html>gateway</html>');
    if (mode === 'not-found') return answer(res, request, 404, { code: 'not_found', message: 'page not found' });
    if (mode === 'server-error') return answer(res, request, 500, { code: 'internal_error', message: 'storage failure' });
    const policy = policies.get(decision);
    const result = policy ? policy(request.input) : undefined;
    const provenance =
      query.provenance === 'true'
        ? { provenance: { version: '1.4.2', build_commit: 'simulated', bundles: { [OPA_BUNDLE.name]: { revision } } } }
        : {};
    const decisionId = { decision_id: randomUUID() };
    if (mode === 'wrong-shape') return answer(res, request, 200, { result: { allowed: 'yes' }, ...decisionId, ...provenance });
    return answer(res, request, 200, { ...(result === undefined ? {} : { result }), ...decisionId, ...provenance });
  }

  const server = await listen(handle);

  function releaseHanging(): void {
    for (const res of hanging) res.destroy();
    hanging = [];
  }

  return {
    url: server.url,
    /** Defines (or replaces) the decision at `path`, such as `change_control/allow`. */
    definePolicy(path: string, policy: SimPolicy): void {
      policies.set(path, policy);
    },
    /** How it answers from now on (until `reset`). */
    setMode(next: OpaMode): void {
      mode = next;
    },
    /** The bundle revision provenance reports (a new policy bundle was activated). */
    setRevision(next: string): void {
      revision = next;
    },
    requests: (): OpaRequest[] => [...recorded],
    unexpectedRequests: (): UnexpectedRequest[] => [...unexpected],
    /** Back to normal, no policies, no recorded requests. */
    reset(): void {
      releaseHanging();
      policies.clear();
      recorded = [];
      unexpected = [];
      mode = 'normal';
      revision = OPA_BUNDLE.revision;
    },
    async stop(): Promise<void> {
      releaseHanging();
      await server.close();
    },
  };
}
