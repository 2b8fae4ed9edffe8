import { z } from 'zod';
import type { OpaSettings } from './opa-env.js';

/** OPA could not give a usable decision (unreachable, too slow, an error answer, another shape): never a pass. */
export class OpaError extends Error {}

/** OPA's answer to one decision, as the OPA control uses it. */
export interface OpaAnswer {
  allow: boolean;
  reasons: string[];
  decisionId: string | null;
  /** `provenance.bundles`: bundle name to the revision the decision was made with. */
  bundleRevisions: Record<string, string>;
}

export interface OpaClient {
  /** Asks OPA's Data API for the decision at `path` (`change_control/allow`) with `input`. */
  decide(input: { path: string; input: unknown }): Promise<OpaAnswer>;
}

/** The Data API's answer (`POST /v1/data/{path}`): only the fields used. `result` is absent when the path is undefined. */
const DataResponse = z.object({
  result: z.unknown().optional(),
  decision_id: z.string().optional(),
  provenance: z.object({ bundles: z.record(z.string(), z.object({ revision: z.string() })).optional() }).optional(),
});

/** The contract a decision's result must meet (docs/opa.md). Other keys of the result are ignored. */
const DecisionResult = z.object({ allow: z.boolean(), reasons: z.array(z.string()) });

/** OPA's error answer (`{ code, message }`), to say why in the verdict. */
const ErrorResponse = z.object({ code: z.string().optional(), message: z.string().optional() });

const MAX_DETAIL = 200;

function clip(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;
}

/** The abort of `AbortSignal.timeout` (a DOMException: not always an `Error` of this realm, so by its name). */
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}

async function readJson(response: Response, timeoutMs: number): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    // The timeout covers the body too: OPA that stops half-way through its answer is slow, not malformed.
    if (isTimeout(error)) throw new OpaError(`OPA did not answer within ${timeoutMs} ms`);
    return undefined;
  }
}

async function post(settings: OpaSettings, url: string, body: string, fetchImpl: typeof fetch): Promise<Response> {
  try {
    return await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(settings.token === null ? {} : { authorization: `Bearer ${settings.token}` }),
      },
      body,
      // The token must not follow a redirect to another host; OPA's Data API never redirects.
      redirect: 'error',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    if (isTimeout(error)) throw new OpaError(`OPA did not answer within ${settings.timeoutMs} ms`);
    // fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure, a TLS error).
    const { cause } = error as { cause?: { message?: unknown } };
    const why = typeof cause?.message === 'string' ? cause.message : String(error);
    throw new OpaError(`OPA is unreachable: ${clip(why)}`);
  }
}

/**
 * A client of OPA's Data API: `POST {OPA_URL}/v1/data/{path}?provenance=true` with `{ "input": … }`, the bearer
 * token when set, a timeout (OPA_TIMEOUT_MS). Each answer is checked against the contract: anything else is an
 * OpaError, never a decision. Node's fetch and zod rather than `@styra/opa`: one endpoint, and the decision id,
 * provenance, timeout and error answers are all ours to check.
 */
export function createOpaClient(settings: OpaSettings, fetchImpl: typeof fetch = fetch): OpaClient {
  return {
    async decide({ path, input }) {
      const url = `${settings.url}/v1/data/${path.split('/').map(encodeURIComponent).join('/')}?provenance=true`;
      const body = JSON.stringify({ input });
      const response = await post(settings, url, body, fetchImpl);
      const json = await readJson(response, settings.timeoutMs);
      if (!response.ok) {
        const error = ErrorResponse.safeParse(json);
        const detail = error.success && error.data.message ? `: ${clip(error.data.message)}` : '';
        throw new OpaError(`OPA answered HTTP ${response.status} for ${path}${detail}`);
      }
      const answer = DataResponse.safeParse(json);
      if (!answer.success || json === undefined) throw new OpaError(`OPA's answer for ${path} is not a Data API response`);
      if (answer.data.result === undefined)
        throw new OpaError(`OPA has no decision at ${path} (result undefined): the policy is not loaded or the path is wrong`);
      const result = DecisionResult.safeParse(answer.data.result);
      if (!result.success)
        throw new OpaError(
          `OPA's decision at ${path} is not { allow: boolean, reasons: [string] }: ${clip(JSON.stringify(answer.data.result) ?? '')}`,
        );
      const bundles = answer.data.provenance?.bundles ?? {};
      return {
        allow: result.data.allow,
        reasons: result.data.reasons,
        decisionId: answer.data.decision_id ?? null,
        bundleRevisions: Object.fromEntries(Object.entries(bundles).map(([name, b]) => [name, b.revision])),
      };
    },
  };
}
