import { z } from 'zod';

export const DEFAULT_OPA_TIMEOUT_MS = 5000;

export interface OpaSettings {
  /** The OPA server, without a trailing slash (a path prefix is kept: OPA behind a gateway). */
  url: string;
  /** Sent as `Authorization: Bearer …` when set (OPA started with `--authentication=token`). */
  token: string | null;
  timeoutMs: number;
}

function setting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined), schema);
}

const OpaUrl = z
  .url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined ? 'OPA_URL is not set' : 'OPA_URL must be an http(s) URL such as https://opa.acme.internal:8181',
  })
  .refine(
    (value) => !URL.canParse(value) || new URL(value).username === '',
    'OPA_URL must not contain a user name or password (use OPA_TOKEN)',
  )
  .refine(
    (value) => !URL.canParse(value) || (new URL(value).search === '' && new URL(value).hash === ''),
    'OPA_URL must not have a query or fragment',
  )
  .transform((value) => value.replace(/\/+$/, ''));

const TimeoutMs = z
  .string()
  .regex(/^\d+$/, { error: 'OPA_TIMEOUT_MS must be a whole number of milliseconds' })
  .transform(Number)
  .refine((value) => value >= 1 && value <= 120_000, { error: 'OPA_TIMEOUT_MS must be between 1 and 120000 ms' });

/** OPA_URL, with the optional OPA_TOKEN (bearer) and OPA_TIMEOUT_MS (default 5000). */
export const OpaEnv = z
  .object({
    OPA_URL: setting(OpaUrl),
    OPA_TOKEN: setting(z.string().optional()),
    OPA_TIMEOUT_MS: setting(TimeoutMs.optional()),
  })
  .transform((env): OpaSettings => ({
    url: env.OPA_URL,
    token: env.OPA_TOKEN ?? null,
    timeoutMs: env.OPA_TIMEOUT_MS ?? DEFAULT_OPA_TIMEOUT_MS,
  }));

/** The OPA server's settings; `reason` names what is missing or wrong, never the token. */
export function readOpaEnv(env: NodeJS.ProcessEnv): { ok: true; value: OpaSettings } | { ok: false; reason: string } {
  const result = OpaEnv.safeParse(env);
  if (!result.success) return { ok: false, reason: result.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, value: result.data };
}
