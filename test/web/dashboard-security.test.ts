import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { bearerToken, hashToken, matchesApiToken } from '../../src/web/dashboard/api-tokens.js';
import { readDashboardEnv } from '../../src/web/dashboard/dashboard-env.js';
import { safeReturnTo } from '../../src/web/dashboard/sign-in-routes.js';
import { cookieHeader, readCookies, signValue, verifyValue } from '../../src/web/dashboard/signed-cookie.js';

const SECRET = 's'.repeat(40);
const Payload = z.object({ login: z.string(), exp: z.number() });
const NOW = new Date('2026-03-02T12:00:00.000Z');

describe('signed cookies', () => {
  const value = signValue({ login: 'carol', exp: NOW.getTime() + 60_000 }, SECRET);

  it('verifies a value signed with the secret, before it expires', () => {
    expect(verifyValue(value, { secret: SECRET, schema: Payload, now: NOW })).toEqual({ login: 'carol', exp: NOW.getTime() + 60_000 });
  });

  it.each([
    ['after its expiry', value, SECRET, new Date(NOW.getTime() + 60_000)],
    ['under another secret', value, 't'.repeat(40), NOW],
    [
      'with its payload changed',
      `${Buffer.from(JSON.stringify({ login: 'mallory', exp: NOW.getTime() + 60_000 })).toString('base64url')}.${value.split('.')[1]}`,
      SECRET,
      NOW,
    ],
    ['with its signature cut', value.slice(0, -2), SECRET, NOW],
    ['without a signature', value.split('.')[0] ?? '', SECRET, NOW],
    ['with an extra part', `${value}.x`, SECRET, NOW],
  ])('refuses a value %s', (_case, tampered, secret, now) => {
    expect(verifyValue(tampered, { secret, schema: Payload, now })).toBeNull();
  });

  it('refuses a validly signed payload of the wrong shape', () => {
    const other = signValue({ exp: NOW.getTime() + 60_000, role: 'admin' }, SECRET);
    expect(verifyValue(other, { secret: SECRET, schema: Payload, now: NOW })).toBeNull();
  });

  it('writes HttpOnly, SameSite=Lax cookies, Secure under https', () => {
    expect(cookieHeader({ name: 'cc_session', value: 'v', path: '/', maxAgeSeconds: 60, secure: false })).toBe(
      'cc_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax',
    );
    expect(cookieHeader({ name: 'cc_session', value: 'v', path: '/', maxAgeSeconds: 60, secure: true })).toBe(
      'cc_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    );
  });

  it('reads the first value of each cookie', () => {
    expect([...readCookies('a=1; cc_session=x.y; a=2; junk')]).toEqual([
      ['a', '1'],
      ['cc_session', 'x.y'],
    ]);
  });
});

describe('API tokens', () => {
  const hashes = ['a'.repeat(40), 'b'.repeat(40)].map(hashToken);

  it('keeps SHA-256 hashes only and matches any configured token', () => {
    expect(hashToken('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(matchesApiToken('b'.repeat(40), hashes)).toBe(true);
    expect(matchesApiToken('c'.repeat(40), hashes)).toBe(false);
    expect(matchesApiToken('', hashes)).toBe(false);
    expect(matchesApiToken('a'.repeat(40), [])).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    [undefined, null],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('readDashboardEnv', () => {
  const full = {
    GITHUB_CLIENT_ID: 'Iv1.x',
    GITHUB_CLIENT_SECRET: 'secret',
    SESSION_SECRET: SECRET,
    DASHBOARD_TEAMS: 'acme/compliance, acme/platform',
  };

  it('is off without settings', () => {
    expect(readDashboardEnv({})).toEqual({ ok: true, settings: null });
  });

  it('turns the pages on with the four settings, on github.com or GHE_HOST', () => {
    const read = readDashboardEnv(full);
    expect(read).toEqual({
      ok: true,
      settings: {
        pages: {
          clientId: 'Iv1.x',
          clientSecret: 'secret',
          sessionSecret: SECRET,
          teams: [
            { org: 'acme', slug: 'compliance' },
            { org: 'acme', slug: 'platform' },
          ],
        },
        apiTokenHashes: [],
        publicUrl: null,
        github: { web: 'https://github.com', api: 'https://api.github.com' },
      },
    });
    const ghe = readDashboardEnv({ ...full, GHE_HOST: 'ghe.acme.com', DASHBOARD_URL: 'https://cc.acme.com/' });
    expect(ghe.ok && ghe.settings?.github).toEqual({ web: 'https://ghe.acme.com', api: 'https://ghe.acme.com/api/v3' });
    expect(ghe.ok && ghe.settings?.publicUrl).toBe('https://cc.acme.com');
  });

  it('turns the API alone on with tokens, keeping only their hashes', () => {
    const read = readDashboardEnv({ DASHBOARD_API_TOKENS: `${'a'.repeat(40)},${'b'.repeat(40)}` });
    expect(read.ok && read.settings?.pages).toBeNull();
    expect(read.ok && read.settings?.apiTokenHashes).toEqual([hashToken('a'.repeat(40)), hashToken('b'.repeat(40))]);
    expect(JSON.stringify(read)).not.toContain('a'.repeat(40));
  });

  it.each([
    [
      { GITHUB_CLIENT_ID: 'Iv1.x', SESSION_SECRET: SECRET },
      'the dashboard needs GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, SESSION_SECRET, DASHBOARD_TEAMS; GITHUB_CLIENT_ID, SESSION_SECRET are set but GITHUB_CLIENT_SECRET, DASHBOARD_TEAMS are not',
    ],
    [{ ...full, SESSION_SECRET: 'short' }, 'SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)'],
    [{ ...full, DASHBOARD_TEAMS: 'compliance' }, 'DASHBOARD_TEAMS: each team must be ORG/TEAM-SLUG like acme/compliance, got "compliance"'],
    [{ ...full, DASHBOARD_TEAMS: ' , ' }, 'DASHBOARD_TEAMS must list at least one team, like acme/compliance'],
    [{ DASHBOARD_API_TOKENS: 'short' }, 'DASHBOARD_API_TOKENS: each token must be at least 32 characters (e.g. `openssl rand -hex 32`)'],
    [{ ...full, DASHBOARD_URL: 'ftp://x' }, 'DASHBOARD_URL must be an http(s) URL like https://change-control.acme.com'],
  ])('refuses %j', (env, message) => {
    expect(readDashboardEnv(env)).toEqual({ ok: false, errors: [message] });
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['/dashboard/changes?repo=acme/x', '/dashboard/changes?repo=acme/x'],
    ['/dashboard', '/dashboard'],
    ['https://evil.example/dashboard', '/dashboard'],
    ['//evil.example/dashboard', '/dashboard'],
    ['/dashboard//evil.example', '/dashboard'],
    ['/dashboard\\evil', '/dashboard'],
    ['/dashboardx', '/dashboard'],
    [null, '/dashboard'],
  ])('%j → %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });
});
