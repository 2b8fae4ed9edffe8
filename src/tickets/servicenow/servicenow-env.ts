import { z } from 'zod';

export const DEFAULT_SERVICENOW_TIMEOUT_MS = 5000;

export type ServiceNowAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface ServiceNowSettings {
  /** Without a trailing slash, e.g. `https://acme.service-now.com`. */
  instanceUrl: string;
  auth: ServiceNowAuth;
  timeoutMs: number;
}

function setting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined), schema);
}

const InstanceUrl = z
  .url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined
        ? 'SERVICENOW_INSTANCE_URL is not set'
        : 'SERVICENOW_INSTANCE_URL must be an http(s) URL such as https://acme.service-now.com',
  })
  .refine(
    (value) => !URL.canParse(value) || new URL(value).username === '',
    'SERVICENOW_INSTANCE_URL must not contain a user name or password',
  )
  .transform((value) => value.replace(/\/+$/, ''));

const TimeoutMs = z
  .string()
  .regex(/^\d+$/, { error: 'SERVICENOW_TIMEOUT_MS must be a whole number of milliseconds' })
  .transform(Number)
  .refine((value) => value >= 1 && value <= 120_000, { error: 'SERVICENOW_TIMEOUT_MS must be between 1 and 120000 ms' });

/** SERVICENOW_INSTANCE_URL with SERVICENOW_USERNAME + SERVICENOW_PASSWORD (basic) or SERVICENOW_TOKEN (OAuth bearer). */
export const ServiceNowEnv = z
  .object({
    SERVICENOW_INSTANCE_URL: setting(InstanceUrl),
    SERVICENOW_USERNAME: setting(z.string().optional()),
    SERVICENOW_PASSWORD: setting(z.string().optional()),
    SERVICENOW_TOKEN: setting(z.string().optional()),
    SERVICENOW_TIMEOUT_MS: setting(TimeoutMs.optional()),
  })
  .transform((env, ctx): ServiceNowSettings => {
    const timeoutMs = env.SERVICENOW_TIMEOUT_MS ?? DEFAULT_SERVICENOW_TIMEOUT_MS;
    const { SERVICENOW_USERNAME: username, SERVICENOW_PASSWORD: password, SERVICENOW_TOKEN: token } = env;
    // `input: undefined`: a custom issue would otherwise carry the whole environment, secrets included.
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: undefined });
      return z.NEVER;
    };
    if (token !== undefined) {
      if (username !== undefined || password !== undefined)
        return fail('set either SERVICENOW_USERNAME and SERVICENOW_PASSWORD or SERVICENOW_TOKEN, not both');
      return { instanceUrl: env.SERVICENOW_INSTANCE_URL, auth: { kind: 'bearer', token }, timeoutMs };
    }
    if (username === undefined || password === undefined)
      return fail('set SERVICENOW_USERNAME and SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)');
    return { instanceUrl: env.SERVICENOW_INSTANCE_URL, auth: { kind: 'basic', username, password }, timeoutMs };
  });

/** The ServiceNow provider's settings; `reason` names what is missing or wrong, never a secret. */
export function readServiceNowEnv(env: NodeJS.ProcessEnv): { ok: true; value: ServiceNowSettings } | { ok: false; reason: string } {
  const result = ServiceNowEnv.safeParse(env);
  if (!result.success) return { ok: false, reason: result.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, value: result.data };
}
