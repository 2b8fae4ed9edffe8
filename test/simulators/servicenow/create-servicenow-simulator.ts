import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson, splitUrl, type RecordedRequest, type UnexpectedRequest } from '../http.js';

/**
 * A ServiceNow instance answering the Table API the app uses, in the documented shapes
 * (https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html):
 * `GET /api/now/table/change_request` and `GET /api/now/table/sysapproval_approver` (sysparm_query, sysparm_fields with
 * dot-walked approver fields, sysparm_display_value=all, sysparm_limit/offset) and `PATCH /api/now/table/change_request/{sys_id}`
 * (work notes). Anything else answers 400/500 and is recorded as unexpected.
 */

export interface SimUserRecord {
  userName: string;
  email: string;
  name: string;
}

export interface SimChange {
  sysId: string;
  number: string;
  /** Display value of `state`: New, Assess, Authorize, Scheduled, Implement, Review, Closed, Canceled. */
  state: string;
  /** Value of `approval`: approved, requested, rejected, not requested. */
  approval: string;
  type: string;
  shortDescription: string;
  approvals: { approver: SimUserRecord; state: 'approved' | 'rejected' | 'requested'; updatedOn: string }[];
  workNotes: string[];
  /** Set by the app on a change it created (`ticket.create`): the PR's marker. */
  correlationId?: string;
  description?: string;
  closeCode?: string;
  closeNotes?: string;
}

export interface ServiceNowRequest extends RecordedRequest {
  auth: 'basic' | 'bearer' | 'none' | 'refused';
}

/** Stored values of `state` (the Table API's value; the display value is the name). */
const STATE_VALUES: Record<string, string> = {
  New: '-5',
  Assess: '-4',
  Authorize: '-3',
  Scheduled: '-2',
  Implement: '-1',
  Review: '0',
  Closed: '3',
  Canceled: '4',
};
const APPROVAL_LABELS: Record<string, string> = {
  approved: 'Approved',
  requested: 'Requested',
  rejected: 'Rejected',
  'not requested': 'Not Yet Requested',
};

export const DEFAULT_SERVICENOW_USER = { username: 'change.control', password: 'servicenow-password-for-tests' } as const;
export const CHANGE_MANAGER_RECORD: SimUserRecord = { userName: 'cara.change', email: 'cara@acme.test', name: 'Cara Change' };

export type ServiceNowSimulator = Awaited<ReturnType<typeof startServiceNowSimulator>>;

const field = (value: string | null, display: string | null = value) => ({ display_value: display, value });

/** The conditions of a `sysparm_query` (`a=b^c=d`, ORDERBY ignored): the simulator supports equality only. */
function conditions(query: string): Map<string, string> | null {
  const result = new Map<string, string>();
  for (const part of query.split('^')) {
    if (part.startsWith('ORDERBY')) continue;
    const match = /^([\w.]+)=(.*)$/.exec(part);
    if (!match) return null;
    result.set(match[1]!, match[2]!);
  }
  return result;
}

export async function startServiceNowSimulator(options: { token?: string } = {}) {
  const changes = new Map<string, SimChange>();
  let log: ServiceNowRequest[] = [];
  let unexpected: UnexpectedRequest[] = [];
  let injected: { status: number; retryAfter: string | null }[] = [];
  let seq = 0;
  let nextId = 1;
  /** ServiceNow numbers changes itself; never twice, not even across tests (the app's store keeps the numbers). */
  let nextNumber = 9_000_001;
  let created: string[] = [];

  function authOf(req: IncomingMessage): ServiceNowRequest['auth'] {
    const header = req.headers.authorization ?? '';
    if (header === '') return 'none';
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    if (basic !== undefined)
      return Buffer.from(basic, 'base64').toString('utf8') === `${DEFAULT_SERVICENOW_USER.username}:${DEFAULT_SERVICENOW_USER.password}`
        ? 'basic'
        : 'refused';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    return bearer !== undefined && bearer === options.token ? 'bearer' : 'refused';
  }

  function pick(record: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
    if (fields === undefined) return record;
    return Object.fromEntries(fields.split(',').map((f) => [f, record[f] ?? field('', '')]));
  }

  function changeRecord(change: SimChange) {
    return {
      sys_id: field(change.sysId),
      number: field(change.number),
      state: field(STATE_VALUES[change.state] ?? '0', change.state),
      approval: field(change.approval, APPROVAL_LABELS[change.approval] ?? change.approval),
      type: field(change.type.toLowerCase(), change.type),
      short_description: field(change.shortDescription),
    };
  }

  function approvalRecords(change: SimChange) {
    return change.approvals.map((a) => ({
      state: field(a.state, APPROVAL_LABELS[a.state] ?? a.state),
      sys_updated_on: field(a.updatedOn, a.updatedOn),
      sysapproval: { ...field(change.sysId, change.number), link: `/api/now/table/task/${change.sysId}` },
      'approver.user_name': field(a.approver.userName),
      'approver.email': field(a.approver.email),
      'approver.name': field(a.approver.name),
    }));
  }

  function list(input: { table: string; query: Record<string, string> }): { status: number; body: unknown } {
    const { table, query } = input;
    const where = conditions(query.sysparm_query ?? '');
    if (where === null)
      return {
        status: 400,
        body: { error: { message: 'simulator: unsupported sysparm_query', detail: query.sysparm_query ?? '' }, status: 'failure' },
      };
    if (query.sysparm_display_value !== 'all')
      return {
        status: 400,
        body: { error: { message: 'simulator: the app reads with sysparm_display_value=all', detail: '' }, status: 'failure' },
      };
    const limit = Number(query.sysparm_limit ?? 10000);
    const offset = Number(query.sysparm_offset ?? 0);
    let rows: Record<string, unknown>[];
    if (table === 'change_request') {
      rows = [...changes.values()]
        .filter((c) =>
          [...where].every(([k, v]) =>
            k === 'number' ? c.number === v : k === 'sys_id' ? c.sysId === v : k === 'correlation_id' ? c.correlationId === v : false,
          ),
        )
        .map(changeRecord);
    } else {
      const change = [...changes.values()].find((c) => c.sysId === where.get('sysapproval'));
      rows = (change ? approvalRecords(change) : []).filter((r) => !where.has('state') || r.state.value === where.get('state'));
    }
    return { status: 200, body: { result: rows.slice(offset, offset + limit).map((r) => pick(r, query.sysparm_fields)) } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';
    const record: ServiceNowRequest = { seq: ++seq, method, path, query, status: null, at: Date.now(), auth: authOf(req) };
    log.push(record);
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      record.status = status;
      sendJson(res, status, body, headers);
    };
    if (record.auth === 'none' || record.auth === 'refused') {
      return answer(401, {
        error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
        status: 'failure',
      });
    }
    const failure = injected.shift();
    if (failure)
      return answer(
        failure.status,
        { error: { message: `simulated HTTP ${failure.status}`, detail: '' }, status: 'failure' },
        failure.retryAfter === null ? {} : { 'retry-after': failure.retryAfter },
      );
    const listMatch = /^\/api\/now\/table\/(change_request|sysapproval_approver)$/.exec(path);
    if (method === 'GET' && listMatch) {
      const { status, body } = list({ table: listMatch[1]!, query });
      if (status !== 200) unexpected.push({ method, path, reason: JSON.stringify(body) });
      return answer(status, body);
    }
    if (method === 'POST' && path === '/api/now/table/change_request') {
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      if (!text('short_description') || !text('correlation_id')) {
        unexpected.push({ method, path, reason: 'create without short_description or correlation_id' });
        return answer(400, {
          error: { message: 'simulator: short_description and correlation_id expected', detail: '' },
          status: 'failure',
        });
      }
      const number = `CHG${String(nextNumber++).padStart(7, '0')}`;
      const change = addChange({ number, state: 'New', approval: 'requested', type: text('type') ?? 'normal', approvedBy: [] });
      Object.assign(change, {
        shortDescription: text('short_description'),
        description: text('description') ?? '',
        correlationId: text('correlation_id'),
      });
      created.push(number);
      return answer(201, { result: pick(changeRecord(change), query.sysparm_fields) });
    }
    const patchMatch = /^\/api\/now\/table\/change_request\/(\w+)$/.exec(path);
    if (method === 'PATCH' && patchMatch) {
      const change = [...changes.values()].find((c) => c.sysId === patchMatch[1]);
      if (!change)
        return answer(404, {
          error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
          status: 'failure',
        });
      const body = JSON.parse(await readBody(req)) as {
        work_notes?: unknown;
        state?: unknown;
        close_code?: unknown;
        close_notes?: unknown;
      };
      if (typeof body.state === 'string') {
        // A close (ticket.close_on): the state by its name, as sysparm_input_display_value=true lets the app send it.
        if (query.sysparm_input_display_value !== 'true' || !(body.state in STATE_VALUES)) {
          unexpected.push({ method, path, reason: `state ${body.state} without sysparm_input_display_value=true or unknown` });
          return answer(400, { error: { message: 'simulator: invalid state', detail: '' }, status: 'failure' });
        }
        Object.assign(change, { state: body.state, closeCode: body.close_code, closeNotes: body.close_notes });
        return answer(200, { result: changeRecord(change) });
      }
      if (typeof body.work_notes !== 'string') {
        unexpected.push({ method, path, reason: 'PATCH without work_notes' });
        return answer(400, { error: { message: 'simulator: only work_notes may be written', detail: '' }, status: 'failure' });
      }
      change.workNotes.push(body.work_notes);
      return answer(200, { result: changeRecord(change) });
    }
    unexpected.push({ method, path, reason: 'no route in the ServiceNow simulator' });
    return answer(500, { error: { message: `simulator: no route for ${method} ${path}`, detail: '' }, status: 'failure' });
  }

  function addChange(input: {
    number: string;
    state?: string;
    approval?: string;
    type?: string;
    shortDescription?: string;
    approvedBy?: SimUserRecord[];
  }): SimChange {
    const change: SimChange = {
      sysId: `c0ffee${String(nextId++).padStart(26, '0')}`,
      number: input.number,
      state: input.state ?? 'Scheduled',
      approval: input.approval ?? 'approved',
      type: input.type ?? 'Normal',
      shortDescription: input.shortDescription ?? `Change ${input.number}`,
      approvals: (input.approvedBy ?? [CHANGE_MANAGER_RECORD]).map((approver, n) => ({
        approver,
        state: 'approved' as const,
        updatedOn: `2026-05-01 09:0${n}:00`,
      })),
      workNotes: [],
    };
    changes.set(change.number, change);
    return change;
  }

  const server = await listen(handle);
  return {
    url: server.url,
    addChange,
    /** The change requests the app created (`ticket.create`), by number, in order. */
    created: (): string[] => [...created],
    change: (number: string): SimChange | undefined => changes.get(number),
    failNext(input: { status: number; count?: number; retryAfter?: string }): void {
      for (let n = 0; n < (input.count ?? 1); n += 1) injected.push({ status: input.status, retryAfter: input.retryAfter ?? null });
    },
    requests: (): ServiceNowRequest[] => [...log],
    unexpectedRequests: (): UnexpectedRequest[] => [...unexpected],
    reset(): void {
      changes.clear();
      created = [];
      log = [];
      unexpected = [];
      injected = [];
    },
    stop: () => server.close(),
  };
}
