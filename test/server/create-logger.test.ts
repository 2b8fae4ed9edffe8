import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { describeBody, loggerOptions } from '../../src/server/create-logger.js';

function capture(): { log: pino.Logger; lines: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return { log: pino(loggerOptions({ LOG_LEVEL: 'info' }), stream), lines: () => text };
}

const SECRET = 'S3CRET-value-that-must-not-appear';

describe('the logger redacts credentials', () => {
  it.each([
    { case: 'an Authorization header of a request', object: { req: { headers: { authorization: `Bearer ${SECRET}` } } } },
    { case: 'a cookie', object: { req: { headers: { cookie: `cc_session=${SECRET}` } } } },
    { case: 'a set-cookie answer', object: { res: { headers: { 'set-cookie': [`cc_session=${SECRET}`] } } } },
    { case: 'a webhook signature', object: { headers: { 'x-hub-signature-256': `sha256=${SECRET}` } } },
    {
      case: 'an Octokit error carrying its request headers',
      object: { err: { request: { headers: { authorization: `token ${SECRET}` } } } },
    },
    { case: 'a top-level token', object: { token: SECRET } },
    { case: 'a nested apiToken', object: { jira: { apiToken: SECRET } } },
    { case: 'a client secret two levels down', object: { dashboard: { oauth: { clientSecret: SECRET } } } },
    { case: 'a private key', object: { app: { privateKey: SECRET } } },
    { case: 'a password', object: { password: SECRET } },
  ])('$case', ({ object }) => {
    const { log, lines } = capture();
    log.info(object, 'something happened');
    expect(lines()).toContain('something happened');
    expect(lines()).toContain('[redacted]');
    expect(lines()).not.toContain(SECRET);
  });

  it('logs a failed signature check by the size and digest of the delivery, never its body', () => {
    const { log, lines } = capture();
    const payload = JSON.stringify({ action: 'opened', secretMarker: SECRET });
    const error = Object.assign(new Error('[@octokit/webhooks] signature does not match event payload and secret'), {
      event: { id: 'delivery-1', name: 'pull_request', payload, signature: `sha256=${SECRET}` },
    });
    log.error(error, 'verify the webhook secret');
    const line = JSON.parse(lines()) as { err: { event: { id: string; payload: unknown } } };
    expect(lines()).not.toContain(SECRET);
    expect(line.err.event).toEqual({ id: 'delivery-1', name: 'pull_request', payload: describeBody(payload) });
  });

  it('keeps the fields that are not credentials', () => {
    const { log, lines } = capture();
    log.info({ deliveryId: 'd-1', req: { headers: { 'user-agent': 'GitHub-Hookshot/1' } } }, 'request');
    expect(JSON.parse(lines())).toMatchObject({ deliveryId: 'd-1', req: { headers: { 'user-agent': 'GitHub-Hookshot/1' } } });
  });
});
