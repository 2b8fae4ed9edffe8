import {
  TicketProviderError,
  type CloseTicketInput,
  type CreateTicketInput,
  type TicketReader,
  type WriteBackResult,
} from '../ticket-reader.js';
import { ChangeNumberList, CreatedChange, UpdatedRecord } from './schema.js';
import type { serviceNowRequest } from './servicenow-request.js';

type Request = <T>(input: Omit<Parameters<typeof serviceNowRequest<T>>[0], 'fetch' | 'settings'>) => Promise<T>;

const TABLE = '/api/now/table/change_request';
const FIELDS = { sysparm_fields: 'sys_id,number', sysparm_display_value: 'all' };

/**
 * `ticket.create` and `ticket.close_on` on ServiceNow's Table API: a `change_request` whose `correlation_id` is the
 * PR's marker (found again by it), closed by setting its state, close code and close notes.
 * https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
 */
export function serviceNowTicketWriter(request: Request): Required<Pick<TicketReader, 'create' | 'findByMarker' | 'close'>> {
  async function sysIdOf(key: string): Promise<string | null> {
    const found = await request({
      path: TABLE,
      query: { sysparm_query: `number=${key}`, ...FIELDS, sysparm_limit: '1' },
      what: key,
      schema: ChangeNumberList,
    });
    return found.result[0]?.sys_id.value ?? null;
  }

  return {
    async create(ticket: CreateTicketInput) {
      const created = await request({
        method: 'POST',
        path: TABLE,
        query: FIELDS,
        body: {
          short_description: ticket.summary.slice(0, 160),
          description: ticket.lines.join('\n'),
          type: ticket.type,
          correlation_id: ticket.marker,
          correlation_display: 'Change Control',
        },
        what: 'a new change request',
        schema: CreatedChange,
      });
      const key = created.result.number.value;
      if (!key) throw new TicketProviderError('ServiceNow created a change request without a number');
      return { key };
    },
    async findByMarker({ marker }) {
      const found = await request({
        path: TABLE,
        query: { sysparm_query: `correlation_id=${marker}^ORDERBYsys_created_on`, ...FIELDS, sysparm_limit: '1' },
        what: `the change with correlation_id ${marker}`,
        schema: ChangeNumberList,
      });
      return found.result[0]?.number.value ?? null;
    },
    async close({ key, status, closeCode, lines }: CloseTicketInput): Promise<WriteBackResult> {
      try {
        const sysId = await sysIdOf(key);
        if (sysId === null) return { steps: [{ step: 'close', ok: false, error: `ServiceNow has no change ${key}` }] };
        await request({
          method: 'PATCH',
          path: `${TABLE}/${encodeURIComponent(sysId)}`,
          // The state is given by its name (Closed): the instance maps it to its stored value.
          query: { sysparm_fields: 'sys_id', sysparm_input_display_value: 'true' },
          body: { state: status, close_code: closeCode, close_notes: lines.join('\n') },
          what: `${key} (close)`,
          schema: UpdatedRecord,
        });
        return { steps: [{ step: 'close', ok: true, error: null }] };
      } catch (error) {
        if (!(error instanceof TicketProviderError)) throw error;
        return { steps: [{ step: 'close', ok: false, error: error.message }] };
      }
    },
  };
}
