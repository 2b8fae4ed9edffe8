import { z } from 'zod';

/** The parts of a recorded verdict (audit entry `verdict`, `data.verdict`) that say which ServiceNow changes it waits on. */
const RecordedVerdict = z.object({
  state: z.string(),
  controls: z.array(
    z.object({
      control: z.string(),
      outcome: z.string(),
      evidence: z
        .object({
          provider: z.string().optional(),
          key: z.string().nullable().optional(),
          lookup: z.object({ found: z.boolean() }).nullable().optional(),
          tickets: z
            .array(
              z.object({
                key: z.string(),
                outcome: z.string(),
                lookup: z.object({ found: z.boolean(), key: z.string().optional() }).nullable(),
              }),
            )
            .optional(),
        })
        .optional(),
    }),
  ),
});

/**
 * The ServiceNow change numbers a recorded verdict waits on: the verdict is `pending` or `failure`, its ticket control
 * reads ServiceNow and does not pass, and the change exists but does not pass yet (not approved, wrong state). A
 * change ServiceNow does not have is left out: numbers are assigned by ServiceNow, so it cannot appear later under
 * that number (the PR must name another one, which is a GitHub event). Anything else (success, error, another
 * provider, a record this does not understand) waits on nothing. Upper-case, without duplicates.
 */
export function awaitedServiceNowChanges(recorded: unknown): string[] {
  const parsed = RecordedVerdict.safeParse(recorded);
  if (!parsed.success) return [];
  const verdict = parsed.data;
  if (verdict.state !== 'pending' && verdict.state !== 'failure') return [];
  const ticket = verdict.controls.find((c) => c.control === 'ticket');
  const evidence = ticket?.evidence;
  if (!ticket || ticket.outcome === 'success' || evidence?.provider !== 'servicenow') return [];
  const keys = evidence.tickets
    ? evidence.tickets.filter((t) => t.outcome !== 'success' && t.lookup?.found === true).map((t) => t.key)
    : evidence.key && evidence.lookup?.found === true
      ? [evidence.key]
      : [];
  return [...new Set(keys.map((k) => k.toUpperCase()))];
}
