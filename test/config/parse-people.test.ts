import { describe, it, expect } from '@jest/globals';
import { parsePeople } from '../../src/config/parse-people.js';

const SOURCE = 'acme/.github:.github/change-control-people.yml';

describe('parsePeople', () => {
  it('maps logins (lower-cased) to Jira e-mails or account ids', () => {
    const text = '# who is who\nAlice: alice@acme.test\ncarol: 5b10ac8d82e05b22cc7d4ef5\nrelease-bot[bot]: automation@acme.test\n';

    expect(parsePeople(text, SOURCE)).toEqual({
      ok: true,
      people: {
        source: SOURCE,
        entries: [
          { login: 'alice', ticketIdentity: 'alice@acme.test' },
          { login: 'carol', ticketIdentity: '5b10ac8d82e05b22cc7d4ef5' },
          { login: 'release-bot[bot]', ticketIdentity: 'automation@acme.test' },
        ],
      },
    });
  });

  it('reads an empty file as nobody mapped', () => {
    expect(parsePeople('# nobody yet\n', SOURCE)).toEqual({ ok: true, people: { source: SOURCE, entries: [] } });
  });

  it.each([
    {
      name: 'a list instead of a map',
      text: '- alice\n',
      error: `${SOURCE}: must map GitHub logins to Jira e-mails or account ids, one per line`,
    },
    {
      name: 'a login with a space',
      text: 'alice: a@acme.test\nbad login: b@acme.test\n',
      error: `${SOURCE}: "bad login" is not a GitHub login (line 2)`,
    },
    {
      name: 'a number as the identity',
      text: 'alice: 12\n',
      error: `${SOURCE}: alice must map to a Jira e-mail or account id (text) (line 1)`,
    },
    { name: 'a login twice', text: 'alice: a@acme.test\nalice: b@acme.test\n', error: expect.stringContaining('invalid YAML') },
  ])('refuses $name', ({ text, error }) => {
    const result = parsePeople(text, SOURCE);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([error]);
  });
});
