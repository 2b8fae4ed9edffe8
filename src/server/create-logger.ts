import { createHash } from 'node:crypto';
import { getTransformStream } from '@probot/pino';
import { pino, stdSerializers, type Logger, type LoggerOptions } from 'pino';

/** Header names whose values are credentials (requests we receive and requests we make). */
const SECRET_HEADERS = ['authorization', 'cookie', '"set-cookie"', '"x-hub-signature"', '"x-hub-signature-256"', '"proxy-authorization"'];
/** Field names that hold credentials wherever they appear in a log object (two levels deep). */
const SECRET_FIELDS = [
  'token',
  'apiToken',
  'accessToken',
  'access_token',
  'refreshToken',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'privateKey',
  'private_key',
  'webhookSecret',
  'jwt',
  'cookie',
  'authorization',
];

const bracket = (name: string): string => (name.startsWith('"') ? `[${name}]` : `.${name}`);

/** The paths pino redacts: every header above under the usual carriers, and every field above at any of three depths. */
export const REDACT_PATHS: string[] = [
  ...['req.headers', 'res.headers', 'headers', '*.headers', 'err.request.headers', 'err.response.headers', 'err.event.headers'].flatMap(
    (carrier) => SECRET_HEADERS.map((name) => `${carrier}${bracket(name)}`),
  ),
  ...SECRET_FIELDS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]),
];

/** What a log may say about a body it must not show: its size and digest (enough to match it with the sender's copy). */
export function describeBody(body: string | Uint8Array): { size: number; sha256: string } {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * pino's error serializer, except that a webhook error's `event.payload` (the whole delivery, which
 * @octokit/webhooks attaches to a failed signature check) becomes its size and digest.
 */
function serializeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const serialized = stdSerializers.err(error) as ReturnType<typeof stdSerializers.err> & { event?: unknown };
  const event = serialized.event;
  if (typeof event === 'object' && event !== null && 'payload' in event) {
    const { payload, signature: _signature, ...rest } = event as { payload: unknown; signature?: unknown };
    const body = typeof payload === 'string' ? describeBody(payload) : describeBody(JSON.stringify(payload) ?? '');
    serialized.event = { ...rest, payload: body };
  }
  return serialized;
}

export interface LoggerEnv {
  LOG_LEVEL?: string;
  LOG_FORMAT?: string;
  LOG_LEVEL_IN_STRING?: string;
  LOG_MESSAGE_KEY?: string;
  SENTRY_DSN?: string;
  NODE_ENV?: string;
}

/**
 * Probot's logger (same levels, JSON in production, pretty otherwise, Sentry when configured) with
 * credentials redacted: no header, cookie, token or key value ever reaches a log line, whatever logs it.
 */
export async function createLogger(env: LoggerEnv): Promise<Logger> {
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json') : env.NODE_ENV === 'production' ? 'json' : 'pretty';
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === 'true',
    sentryDsn: env.SENTRY_DSN,
  });
  // SonicBoom is a writable stream; its types do not say so.
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino(loggerOptions(env), transform);
}

/** pino's options: Probot's level, name and message key, with the redaction and the error serializer above. */
export function loggerOptions(env: LoggerEnv): LoggerOptions {
  return {
    level: env.LOG_LEVEL || 'info',
    name: 'probot',
    messageKey: env.LOG_MESSAGE_KEY || 'msg',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
}
