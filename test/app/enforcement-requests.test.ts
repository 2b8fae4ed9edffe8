import { describe, expect, it } from '@jest/globals';
import { enforcementRequests } from '../../src/app/enforcement/on-enforcement-event.js';
import { MalformedPayloadError } from '../../src/app/payloads.js';

const installation = { id: 9, account: { login: 'acme' } };
const repository = { name: 'api', owner: { login: 'acme' } };
const common = { installationId: 9, deliveryIds: ['d1'], force: 'none', statusWrites: [] };

describe('enforcementRequests', () => {
  it.each([
    [
      'a repository ruleset',
      'repository_ruleset',
      { installation, repository },
      [{ kind: 'enforcement', ...common, owner: 'acme', repo: 'api', trigger: 'repository_ruleset' }],
    ],
    [
      'an organisation ruleset (no repository)',
      'repository_ruleset',
      { installation, organization: { login: 'acme' } },
      [{ kind: 'installation-sweep', ...common, owner: 'acme', trigger: 'repository_ruleset' }],
    ],
    [
      'branch protection',
      'branch_protection_rule',
      { installation, repository },
      [{ kind: 'enforcement', ...common, owner: 'acme', repo: 'api', trigger: 'branch_protection_rule' }],
    ],
    [
      'a new installation',
      'installation',
      { installation },
      [{ kind: 'installation-sweep', ...common, owner: 'acme', trigger: 'installation' }],
    ],
    [
      'repositories added',
      'installation_repositories',
      { installation, repositories_added: [{ full_name: 'acme/api' }, { full_name: 'acme/web' }] },
      [
        { kind: 'enforcement', ...common, owner: 'acme', repo: 'api', trigger: 'installation_repositories' },
        { kind: 'enforcement', ...common, owner: 'acme', repo: 'web', trigger: 'installation_repositories' },
      ],
    ],
  ])('%s', (_name, event, payload, expected) => {
    expect(enforcementRequests({ event, payload, deliveryId: 'd1' })).toEqual(expected);
  });

  it('refuses a payload without an installation', () => {
    expect(() => enforcementRequests({ event: 'repository_ruleset', payload: { repository }, deliveryId: 'd1' })).toThrow(
      MalformedPayloadError,
    );
  });
});
