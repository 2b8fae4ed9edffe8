import { z } from 'zod';

/** A field read with `sysparm_display_value=all`: its stored value and what people see. */
const Field = z.object({ value: z.string().nullable(), display_value: z.string().nullable() });

/**
 * A change request from the Table API (`GET /api/now/table/change_request?sysparm_query=number=…&sysparm_display_value=all`).
 * https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
 */
export const ChangeRequestList = z.object({
  result: z.array(
    z.object({
      sys_id: Field,
      number: Field,
      state: Field,
      /** `approved`, `requested`, `rejected` or `not requested` (the value; the display value is localised). */
      approval: Field,
      type: Field,
      short_description: Field,
    }),
  ),
});
export type ChangeRequest = z.infer<typeof ChangeRequestList>['result'][number];

/** Approval records of a change (`GET /api/now/table/sysapproval_approver?sysparm_query=sysapproval=<sys_id>^state=approved`). */
export const ApprovalList = z.object({
  result: z.array(
    z.object({
      state: Field,
      sys_updated_on: Field,
      'approver.user_name': Field,
      'approver.email': Field,
      'approver.name': Field,
    }),
  ),
});
export type ApprovalRecord = z.infer<typeof ApprovalList>['result'][number];

/** The Table API's error body. */
export const ServiceNowError = z.object({
  error: z.object({ message: z.string().nullable().optional(), detail: z.string().nullable().optional() }),
});

/** The answer to a PATCH of a record: the record itself under `result`. */
export const UpdatedRecord = z.object({ result: z.object({}).loose() });

/** A created or found change: its sys_id and number (`sysparm_fields=sys_id,number`, `sysparm_display_value=all`). */
export const ChangeNumber = z.object({ sys_id: Field, number: Field });
export const CreatedChange = z.object({ result: ChangeNumber });
export const ChangeNumberList = z.object({ result: z.array(ChangeNumber) });
