import type { TicketApproval, TicketLookup } from '../../policy/facts.js';
import { TicketProviderError, type TicketQuery, type TicketReader, type WriteBackInput, type WriteBackResult } from '../ticket-reader.js';
import { ApprovalList, type ApprovalRecord, type ChangeRequest, ChangeRequestList, UpdatedRecord } from './schema.js';
import type { ServiceNowSettings } from './servicenow-env.js';
import { serviceNowRequest, type Fetch } from './servicenow-request.js';
import { serviceNowTicketWriter } from './servicenow-ticket-writer.js';

const CHANGE_FIELDS = 'sys_id,number,state,approval,type,short_description';
const APPROVAL_FIELDS = 'state,sys_updated_on,approver.user_name,approver.email,approver.name';
const APPROVAL_PAGE = 100;
const MAX_APPROVAL_PAGES = 20;

/** The change's `approval` field: `approved`, `rejected`, or anything else (requested, not requested) still pending. */
function decisionOf(change: ChangeRequest): TicketApproval['decision'] {
  const value = (change.approval.value ?? '').toLowerCase();
  return value === 'approved' ? 'approved' : value === 'rejected' ? 'declined' : 'pending';
}

/** `sys_updated_on`'s stored value is UTC `yyyy-MM-dd HH:mm:ss`. */
const isoOf = (value: string | null): string | null =>
  value && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;

function toApproval(change: ChangeRequest, records: ApprovalRecord[]): TicketApproval {
  const decision = decisionOf(change);
  const sorted = [...records].sort((a, b) => (a.sys_updated_on.value ?? '').localeCompare(b.sys_updated_on.value ?? ''));
  return {
    how: 'servicenow-approval',
    decision,
    approvers: sorted.map((r) => ({
      accountId: r['approver.user_name'].value,
      email: r['approver.email'].value || null,
      displayName: r['approver.name'].display_value ?? r['approver.name'].value,
    })),
    at: isoOf(sorted.at(-1)?.sys_updated_on.value ?? null),
    detail: change.approval.display_value ?? change.approval.value ?? 'unknown',
  };
}

/** Reads change requests from ServiceNow's Table API, with who approved them from their approval records. */
export function createServiceNowTicketReader(settings: ServiceNowSettings, fetchImpl: Fetch = fetch): TicketReader {
  const request = <T>(input: Omit<Parameters<typeof serviceNowRequest<T>>[0], 'fetch' | 'settings'>) =>
    serviceNowRequest<T>({ ...input, fetch: fetchImpl, settings });
  const recordUrl = (sysId: string) => `${settings.instanceUrl}/change_request.do?sys_id=${encodeURIComponent(sysId)}`;

  async function readApprovers(change: ChangeRequest, key: string): Promise<ApprovalRecord[]> {
    const sysId = change.sys_id.value ?? '';
    const records: ApprovalRecord[] = [];
    for (let page = 0; page < MAX_APPROVAL_PAGES; page += 1) {
      const answer = await request({
        path: '/api/now/table/sysapproval_approver',
        query: {
          sysparm_query: `sysapproval=${sysId}^state=approved^ORDERBYsys_updated_on`,
          sysparm_fields: APPROVAL_FIELDS,
          sysparm_display_value: 'all',
          sysparm_limit: String(APPROVAL_PAGE),
          sysparm_offset: String(records.length),
        },
        what: `${key} (approvals)`,
        schema: ApprovalList,
      });
      records.push(...answer.result);
      if (answer.result.length < APPROVAL_PAGE) return records;
    }
    throw new TicketProviderError(`ServiceNow lists more than ${MAX_APPROVAL_PAGES * APPROVAL_PAGE} approvals for ${key}`);
  }

  return {
    provider: 'servicenow',
    ...serviceNowTicketWriter(request),
    /** ServiceNow has no remote links: the evidence goes into the change's work notes (PATCH work_notes). */
    async writeBack(input: WriteBackInput): Promise<WriteBackResult> {
      const { key, link, lines } = input;
      try {
        const answer = await request({
          path: '/api/now/table/change_request',
          query: { sysparm_query: `number=${key}`, sysparm_fields: CHANGE_FIELDS, sysparm_display_value: 'all', sysparm_limit: '1' },
          what: key,
          schema: ChangeRequestList,
        });
        const sysId = answer.result[0]?.sys_id.value;
        if (!sysId) return { steps: [{ step: 'work-note', ok: false, error: `ServiceNow has no change ${key}` }] };
        await request({
          method: 'PATCH',
          path: `/api/now/table/change_request/${encodeURIComponent(sysId)}`,
          query: { sysparm_fields: 'sys_id' },
          body: { work_notes: [...(link === null ? [] : [`${link.title}: ${link.url}`]), ...lines].join('\n') },
          what: `${key} (work note)`,
          schema: UpdatedRecord,
        });
        return { steps: [{ step: 'work-note', ok: true, error: null }] };
      } catch (error) {
        if (!(error instanceof TicketProviderError)) throw error;
        return { steps: [{ step: 'work-note', ok: false, error: error.message }] };
      }
    },
    async lookup(key: string, query: TicketQuery): Promise<TicketLookup> {
      const answer = await request({
        path: '/api/now/table/change_request',
        query: { sysparm_query: `number=${key}`, sysparm_fields: CHANGE_FIELDS, sysparm_display_value: 'all', sysparm_limit: '1' },
        what: key,
        schema: ChangeRequestList,
      });
      const change = answer.result[0];
      if (!change) {
        return {
          found: false,
          requestedKey: key,
          url: `${settings.instanceUrl}/change_request_list.do?sysparm_query=${encodeURIComponent(`number=${key}`)}`,
        };
      }
      const status = change.state.display_value ?? change.state.value ?? '';
      const approvedNow = query.approvedStatuses.some((s) => s.toLowerCase() === status.toLowerCase());
      // Who approved is read only for a change in an approved state: any other fails anyway.
      const approval = approvedNow ? toApproval(change, decisionOf(change) === 'approved' ? await readApprovers(change, key) : []) : null;
      return {
        found: true,
        key: change.number.value ?? key,
        requestedKey: key,
        status,
        issueType: change.type.display_value ?? change.type.value ?? '',
        summary: change.short_description.display_value ?? '',
        url: recordUrl(change.sys_id.value ?? ''),
        approval,
      };
    },
  };
}
