import { describe, expect, it } from '@jest/globals';
import { formatConfigError, parseConfig } from '../../src/config/parse-config.js';

const SOURCE = { repo: 'acme/api', path: '.github/change-control.yml', blobSha: 'c'.repeat(40) };
const BASE = 'ticket:\n  projects: [CHG]\n';

describe('deployments (valid)', () => {
  it.each([
    ['absent: production is gated', '', { environments: ['production'] }],
    [
      'several environments',
      'deployments:\n  environments: [production, eu-production]\n',
      { environments: ['production', 'eu-production'] },
    ],
    ['none: no gating', 'deployments:\n  environments: []\n', { environments: [] }],
    ['a baseline, quoted', `deployments:\n  baseline: '${'1'.repeat(40)}'\n`, { environments: ['production'], baseline: '1'.repeat(40) }],
    [
      'a baseline with letters, unquoted',
      `deployments:\n  baseline: ${'ab'.repeat(20)}\n`,
      { environments: ['production'], baseline: 'ab'.repeat(20) },
    ],
  ])('%s', (_case, yaml, expected) => {
    const result = parseConfig(`${BASE}${yaml}`, SOURCE);

    expect(result.ok && result.config.deployments).toEqual(expected);
  });
});

describe('deployments (invalid)', () => {
  it.each([
    [
      'a misspelt key',
      'deployments:\n  environment: [production]\n',
      'deployments.environment is not a known key; allowed keys: environments, baseline (line 4)',
    ],
    [
      'a string for the list',
      'deployments:\n  environments: production\n',
      'deployments.environments must be a list of non-empty strings, got "production" (line 4)',
    ],
    [
      'a short baseline',
      'deployments:\n  baseline: abc1234\n',
      'deployments.baseline must be a full 40-character commit SHA in lower case, got "abc1234" (line 4)',
    ],
    [
      'an empty environment name',
      "deployments:\n  environments: ['']\n",
      'deployments.environments[0] must be a non-empty string, got "" (line 4)',
    ],
  ])('%s', (_case, yaml, message) => {
    const result = parseConfig(`${BASE}${yaml}`, SOURCE);

    expect(result.ok ? [] : result.errors.map(formatConfigError)).toEqual([message]);
  });
});
