import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checkServiceNowSignature } from '../../src/server/check-servicenow-signature.js';

const SECRET = 'servicenow-secret-for-tests';
const NOW = 1_767_000_000_000;
const body = Buffer.from('{"number":"CHG0030001","sys_id":"0123456789abcdef0123456789abcdef"}');
const mac = (input: { ts?: string; b?: Buffer; secret?: string } = {}) =>
  createHmac('sha256', input.secret ?? SECRET)
    .update(`${input.ts ?? String(NOW)}.`)
    .update(input.b ?? body)
    .digest();

describe('checkServiceNowSignature', () => {
  it.each<{ case: string; signature: string | undefined; timestamp: string | undefined; reason: string | null }>([
    {
      case: 'hex, as a script with a hex digest sends',
      signature: `sha256=${mac().toString('hex')}`,
      timestamp: String(NOW),
      reason: null,
    },
    {
      case: 'base64, as GlideCertificateEncryption.generateMac returns',
      signature: `sha256=${mac().toString('base64')}`,
      timestamp: String(NOW),
      reason: null,
    },
    {
      case: 'a timestamp 4 minutes old',
      signature: `sha256=${mac({ ts: String(NOW - 240_000) }).toString('hex')}`,
      timestamp: String(NOW - 240_000),
      reason: null,
    },
    { case: 'no signature', signature: undefined, timestamp: String(NOW), reason: 'missing X-ServiceNow-Signature' },
    { case: 'no timestamp', signature: `sha256=${mac().toString('hex')}`, timestamp: undefined, reason: 'missing X-ServiceNow-Timestamp' },
    {
      case: 'an ISO date for a timestamp',
      signature: `sha256=${mac().toString('hex')}`,
      timestamp: '2026-12-06T23:00:00Z',
      reason: 'X-ServiceNow-Timestamp must be Unix time in milliseconds',
    },
    {
      case: 'a sha1 signature',
      signature: `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature must be sha256=<hex or base64 HMAC-SHA256>',
    },
    {
      case: 'a truncated signature',
      signature: `sha256=${mac().toString('hex').slice(0, -2)}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature must be sha256=<hex or base64 HMAC-SHA256>',
    },
    {
      case: 'another secret',
      signature: `sha256=${mac({ secret: 'other-secret' }).toString('hex')}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature does not match',
    },
    {
      case: 'a signature of another body',
      signature: `sha256=${mac({ b: Buffer.from('{}') }).toString('hex')}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature does not match',
    },
    {
      case: 'the body alone signed (no timestamp in it)',
      signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature does not match',
    },
    {
      case: 'an old call with a new timestamp',
      signature: `sha256=${mac({ ts: String(NOW - 3_600_000) }).toString('hex')}`,
      timestamp: String(NOW),
      reason: 'X-ServiceNow-Signature does not match',
    },
    {
      case: 'a replay an hour later',
      signature: `sha256=${mac({ ts: String(NOW - 3_600_000) }).toString('hex')}`,
      timestamp: String(NOW - 3_600_000),
      reason: "X-ServiceNow-Timestamp is 3600 s from the app's clock (at most 300 s): a replay or a wrong clock",
    },
    {
      case: 'a timestamp 10 minutes ahead',
      signature: `sha256=${mac({ ts: String(NOW + 600_000) }).toString('hex')}`,
      timestamp: String(NOW + 600_000),
      reason: "X-ServiceNow-Timestamp is 600 s from the app's clock",
    },
  ])('$case', ({ signature, timestamp, reason }) => {
    const check = checkServiceNowSignature({ body, signature, timestamp, secret: SECRET, nowMs: NOW });

    if (reason === null) expect(check).toEqual({ ok: true });
    else expect(check).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
