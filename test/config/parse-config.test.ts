import { describe, it, expect } from '@jest/globals';
import { formatConfigError, parseConfig } from '../../src/config/parse-config.js';
import type { ConfigError, ConfigSource, ParseConfigResult } from '../../src/config/parse-config.js';

const SOURCE: ConfigSource = { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'f00dcafe' };

// The smallest valid file: jira is the default provider, and it needs at least one project to find a ticket in.
const MINIMAL = 'ticket:\n  projects: [CHG]\n';

const APPROVAL_DEFAULTS = {
  count: 1,
  teams: [],
  allow_author: false,
  allow_contributors: false,
  unattributed_commits: 'block',
  invalidate_on_push: true,
  ignore_base_merges: false,
  keep_on_rebase: false,
  rules: [],
};

const DEFAULTS = {
  ticket: {
    provider: 'jira',
    projects: ['CHG'],
    statuses: ['Approved'],
    types: [],
    jsm_approvals: false,
    unmapped_approver: 'warn',
    require: 'any',
    write_back: false,
  },
  approval: APPROVAL_DEFAULTS,
  checks: { required: [] },
  audit: {},
  report: {},
  emergency: { teams: [], reviewers: [], review_within_hours: 72 },
  deployments: { environments: ['production'] },
  opa: { decisions: [], teams: [] },
  standard_changes: [],
};

const NO_PROJECTS = 'must list at least one Jira project key when ticket.provider is jira (or set ticket.provider: none)';

const FULL_EXAMPLE = `branches: [main, "release/*"]
ticket:
  provider: jira
  projects: [CHG]
  statuses: [Approved]
  types: [Change]
approval:
  count: 1
  teams: []
checks:
  required: [ci/test]
`;

function errorsOf(result: ParseConfigResult): ConfigError[] {
  if (result.ok) {
    throw new Error(`expected errors, got a valid config: ${JSON.stringify(result.config)}`);
  }
  return result.errors;
}

describe('parseConfig: valid files', () => {
  it.each([
    {
      name: 'one project key, the rest defaulted',
      text: MINIMAL,
      expected: DEFAULTS,
    },
    {
      name: 'the full example',
      text: FULL_EXAMPLE,
      expected: {
        branches: ['main', 'release/*'],
        ticket: { ...DEFAULTS.ticket, types: ['Change'] },
        approval: APPROVAL_DEFAULTS,
        checks: { required: ['ci/test'] },
        audit: {},
        report: {},
        emergency: { teams: [], reviewers: [], review_within_hours: 72 },
        deployments: { environments: ['production'] },
        opa: { decisions: [], teams: [] },
        standard_changes: [],
      },
    },
    {
      name: 'one section, the rest defaulted',
      text: `${MINIMAL}approval:\n  count: 2\n  teams: [acme/release-managers]\n`,
      expected: { ...DEFAULTS, approval: { ...APPROVAL_DEFAULTS, count: 2, teams: ['acme/release-managers'] } },
    },
    {
      name: 'the ticket control switched off without projects',
      text: 'ticket:\n  provider: none\n',
      expected: { ...DEFAULTS, ticket: { ...DEFAULTS.ticket, provider: 'none', projects: [] } },
    },
    {
      name: 'a count of zero',
      text: `${MINIMAL}approval: { count: 0 }\n`,
      expected: { ...DEFAULTS, approval: { ...APPROVAL_DEFAULTS, count: 0 } },
    },
    {
      name: 'required checks bound to their source, next to a plain name',
      text: `${MINIMAL}checks:\n  required:\n    - lint\n    - { name: ci/test, app: github-actions }\n    - { name: jenkins, creator: ci-bot }\n`,
      expected: {
        ...DEFAULTS,
        checks: { required: ['lint', { name: 'ci/test', app: 'github-actions' }, { name: 'jenkins', creator: 'ci-bot' }] },
      },
    },
    {
      name: 'an OPA decision with the teams its input lists',
      text: `${MINIMAL}opa:\n  decision: change_control/allow\n  teams: [acme/finance]\n`,
      expected: {
        ...DEFAULTS,
        opa: { decisions: [{ path: 'change_control/allow', source: 'opa.decision' }], teams: ['acme/finance'] },
      },
    },
    {
      name: 'anchors and aliases',
      text: 'ticket:\n  projects: &keys [CHG, OPS]\n  types: *keys\n',
      expected: { ...DEFAULTS, ticket: { ...DEFAULTS.ticket, projects: ['CHG', 'OPS'], types: ['CHG', 'OPS'] } },
    },
  ])('parses $name', ({ text, expected }) => {
    expect(parseConfig(text, SOURCE)).toEqual({ ok: true, config: expected, source: SOURCE });
  });
});

describe('parseConfig: invalid files', () => {
  // Fail closed: jira is the default provider, and a policy that names no project could never find a ticket.
  it.each([
    { name: 'an empty file', text: '', line: null },
    { name: 'a file of comments only', text: '# change control: defaults for now\n\n# more later\n', line: null },
    { name: 'an explicit null document (line of the null)', text: '---\n~\n', line: 2 },
    { name: 'a file without a ticket section (line of the top-level mapping)', text: 'approval:\n  count: 1\n', line: 1 },
  ])('reports the missing projects for $name', ({ text, line }) => {
    expect(errorsOf(parseConfig(text, SOURCE))).toEqual([{ path: 'ticket.projects', message: NO_PROJECTS, line }]);
  });

  it.each([
    {
      name: 'an unknown key at the root',
      text: `branches: [main]\napprovals: 2\n${MINIMAL}`,
      error: {
        path: 'approvals',
        message:
          'is not a known key; allowed keys: branches, ticket, approval, checks, audit, report, emergency, deployments, security, opa, floor, standard_changes',
        line: 2,
      },
    },
    {
      name: 'an unknown nested key',
      text: 'ticket:\n  projects: [CHG]\n  status: [Done]\n',
      error: {
        path: 'ticket.status',
        message:
          'is not a known key; allowed keys: provider, projects, statuses, types, jsm_approvals, unmapped_approver, window, require, write_back, create, close_on, close_status, close_code, cache_seconds',
        line: 3,
      },
    },
    {
      name: 'a count written as a word',
      text: 'approval:\n  count: two\n',
      error: { path: 'approval.count', message: 'must be a whole number ≥ 0, got "two"', line: 2 },
    },
    {
      name: 'a negative count',
      text: `checks:\n  required: [ci/test]\napproval:\n  count: -1\n${MINIMAL}`,
      error: { path: 'approval.count', message: 'must be a whole number ≥ 0, got -1', line: 4 },
    },
    {
      name: 'a fractional count',
      text: 'approval: {count: 1.5}\n',
      error: { path: 'approval.count', message: 'must be a whole number ≥ 0, got 1.5', line: 1 },
    },
    {
      name: 'an unknown ticket provider',
      text: 'ticket:\n  provider: bugzilla\n',
      error: { path: 'ticket.provider', message: 'must be one of jira, servicenow, none, got "bugzilla"', line: 2 },
    },
    {
      name: 'jira without projects (line of the ticket mapping)',
      text: 'branches: [main]\nticket:\n  provider: jira\n',
      error: { path: 'ticket.projects', message: NO_PROJECTS, line: 2 },
    },
    {
      name: 'jira with an empty project list',
      text: 'ticket:\n  statuses: [Done]\n  projects: []\n',
      error: { path: 'ticket.projects', message: `${NO_PROJECTS}, got []`, line: 3 },
    },
    {
      name: 'a project key in lower case',
      text: 'ticket:\n  projects:\n    - CHG\n    - ops\n',
      error: { path: 'ticket.projects[1]', message: 'must be a Jira project key in capitals, such as CHG, got "ops"', line: 4 },
    },
    {
      name: 'a team without its org',
      text: `approval:\n  count: 1\n  teams: [release-managers]\n${MINIMAL}`,
      error: {
        path: 'approval.teams[0]',
        message: 'must be written org/team-slug, such as acme/release-managers, got "release-managers"',
        line: 3,
      },
    },
    {
      name: 'a string where a list is expected',
      text: 'branches: main\n',
      error: { path: 'branches', message: 'must be a list of non-empty strings, got "main"', line: 1 },
    },
    {
      name: 'a list where a mapping is expected',
      text: 'checks: [ci/test]\n',
      error: { path: 'checks', message: 'must be a mapping with keys required, got ["ci/test"]', line: 1 },
    },
    {
      name: 'an empty status list',
      text: 'ticket:\n  projects: [CHG]\n  statuses: []\n',
      error: { path: 'ticket.statuses', message: 'must be a non-empty list of non-empty strings, got []', line: 3 },
    },
    {
      name: 'a long value, truncated to 40 characters',
      text: `checks:\n  required: "${'x'.repeat(60)}"\n`,
      error: { path: 'checks.required', message: `must be a list of non-empty strings or mappings, got "${'x'.repeat(38)}…`, line: 2 },
    },
    {
      name: 'a required check with both an app and a creator',
      text: `${MINIMAL}checks:\n  required:\n    - { name: ci/test, app: github-actions, creator: ci-bot }\n`,
      error: {
        path: 'checks.required[0]',
        message:
          'must be a non-empty string or a mapping with keys name, app or a mapping with keys name, creator, got {"name":"ci/test","app":"github-actions…',
        line: 5,
      },
    },
    {
      name: 'a security threshold outside the scale',
      text: `${MINIMAL}security:\n  code_scanning: { block_at: severe }\n`,
      error: { path: 'security.code_scanning.block_at', message: 'must be one of critical, high, medium, low, got "severe"', line: 4 },
    },
    {
      name: 'a misspelt security key',
      text: `${MINIMAL}security:\n  dependency: { block_at: critical }\n`,
      error: { path: 'security.dependency', message: 'is not a known key; allowed keys: code_scanning, dependencies', line: 4 },
    },
    {
      name: 'a list at the top level',
      text: '- main\n- release/*\n',
      error: {
        path: '',
        message:
          'the top level must be a mapping with keys branches, ticket, approval, checks, audit, report, emergency, deployments, security, opa, floor, standard_changes, got ["main","release/*"]',
        line: 1,
      },
    },
    {
      name: 'an OPA decision that is not a Data API path',
      text: `${MINIMAL}opa:\n  decision: /v1/data/change_control/allow\n`,
      error: {
        path: 'opa.decision',
        message:
          'must be an OPA Data API path such as change_control/allow (package path and rule, separated by /), got "/v1/data/change_control/allow"',
        line: 4,
      },
    },
    {
      name: 'a scalar at the top level',
      text: '# comment\nmain\n',
      error: {
        path: '',
        message:
          'the top level must be a mapping with keys branches, ticket, approval, checks, audit, report, emergency, deployments, security, opa, floor, standard_changes, got "main"',
        line: 2,
      },
    },
    {
      name: 'a YAML syntax error',
      text: 'branches: [main\nticket:\n  provider: jira\n',
      error: { path: '', message: expect.stringMatching(/^invalid YAML: /), line: 2 },
    },
    {
      name: 'a duplicate key',
      text: 'approval:\n  count: 1\n  count: 2\n',
      error: { path: '', message: 'invalid YAML: Map keys must be unique', line: 3 },
    },
    {
      name: 'an unknown tag',
      text: 'approval:\n  count: !two 2\n',
      error: { path: '', message: 'invalid YAML: Unresolved tag: !two', line: 2 },
    },
    {
      name: 'an alias without its anchor',
      text: 'branches: *main\n',
      error: { path: '', message: expect.stringContaining('Unresolved alias'), line: null },
    },
  ])('reports $name', ({ text, error }) => {
    expect(errorsOf(parseConfig(text, SOURCE))).toEqual([error]);
  });

  it('reports every problem, in line order, with the source', () => {
    const text = 'approval:\n  count: two\n  teams: [nobody]\nticket:\n  provider: bugzilla\nextra: true\n';

    const result = parseConfig(text, SOURCE);

    expect(result).toEqual({ ok: false, source: SOURCE, errors: expect.any(Array) });
    expect(errorsOf(result).map(formatConfigError)).toEqual([
      'approval.count must be a whole number ≥ 0, got "two" (line 2)',
      'approval.teams[0] must be written org/team-slug, such as acme/release-managers, got "nobody" (line 3)',
      'ticket.provider must be one of jira, servicenow, none, got "bugzilla" (line 5)',
      'extra is not a known key; allowed keys: branches, ticket, approval, checks, audit, report, emergency, deployments, security, opa, floor, standard_changes (line 6)',
    ]);
  });
});

describe('parseConfig: standard_changes', () => {
  const CLASS = `standard_changes:
  - name: dependency-updates
    ticket: CHG-1000
    authors: ["dependabot[bot]", "renovate[bot]"]
    paths: ["package.json", "package-lock.json", "**/go.sum"]
    max_changed_lines: 400
    approval: { count: 0 }
`;
  it('parses the class exactly as the issue writes it', () => {
    const result = parseConfig(`${MINIMAL}${CLASS}`, SOURCE);
    expect(result.ok && result.config.standard_changes).toEqual([
      {
        name: 'dependency-updates',
        ticket: 'CHG-1000',
        authors: ['dependabot[bot]', 'renovate[bot]'],
        paths: ['package.json', 'package-lock.json', '**/go.sum'],
        max_changed_lines: 400,
        approval: { count: 0 },
      },
    ]);
  });

  it('parses a ServiceNow standing change number with ticket.provider servicenow', () => {
    const text =
      'ticket:\n  provider: servicenow\nstandard_changes:\n  - {name: deps, ticket: CHG0001000, authors: [alice], paths: [docs/**]}\n';
    const result = parseConfig(text, SOURCE);
    expect(result.ok && result.config.standard_changes.map((c) => c.ticket)).toEqual(['CHG0001000']);
  });

  it.each([
    {
      name: 'no authors',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1000, authors: [], paths: [a]}\n`,
      path: 'standard_changes[0].authors',
    },
    {
      name: 'no paths',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1000, authors: [alice]}\n`,
      path: 'standard_changes[0].paths',
    },
    {
      name: 'a ServiceNow number with jira',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG0001000, authors: [alice], paths: [a]}\n`,
      path: 'standard_changes[0].ticket',
    },
    {
      name: 'a Jira key with servicenow',
      text: 'ticket:\n  provider: servicenow\nstandard_changes:\n  - {name: deps, ticket: CHG-1000, authors: [alice], paths: [a]}\n',
      path: 'standard_changes[0].ticket',
    },
    {
      name: 'a class without a ticket provider',
      text: 'ticket:\n  provider: none\nstandard_changes:\n  - {name: deps, ticket: CHG-1000, authors: [alice], paths: [a]}\n',
      path: 'standard_changes[0]',
    },
    {
      name: 'two classes of one name',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1, authors: [a], paths: [a]}\n  - {name: Deps, ticket: CHG-2, authors: [a], paths: [a]}\n`,
      path: 'standard_changes[1].name',
    },
    {
      name: 'a negative approval count',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1, authors: [a], paths: [a], approval: {count: -1}}\n`,
      path: 'standard_changes[0].approval.count',
    },
    {
      name: 'a misspelt key',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1, authors: [a], paths: [a], max_lines: 4}\n`,
      path: 'standard_changes[0].max_lines',
    },
    {
      name: 'an author that is no GitHub login',
      text: `${MINIMAL}standard_changes:\n  - {name: deps, ticket: CHG-1, authors: ["dependabot bot"], paths: [a]}\n`,
      path: 'standard_changes[0].authors[0]',
    },
  ])('refuses $name', ({ text, path }) => {
    expect(errorsOf(parseConfig(text, SOURCE)).map((e) => e.path)).toContain(path);
  });
});

describe('formatConfigError', () => {
  it.each([
    {
      error: { path: 'approval.count', message: 'must be a whole number ≥ 0, got "two"', line: 2 },
      expected: 'approval.count must be a whole number ≥ 0, got "two" (line 2)',
    },
    {
      error: { path: 'approvals', message: 'is not a known key; allowed keys: branches, ticket, approval, checks', line: null },
      expected: 'approvals is not a known key; allowed keys: branches, ticket, approval, checks',
    },
    {
      error: { path: '', message: 'invalid YAML: Map keys must be unique', line: 3 },
      expected: 'invalid YAML: Map keys must be unique (line 3)',
    },
  ])('renders $expected', ({ error, expected }) => {
    expect(formatConfigError(error)).toBe(expected);
  });
});

describe('parseConfig: Jira-only ticket settings', () => {
  it.each([
    {
      key: 'window',
      text: 'ticket:\n  provider: servicenow\n  window: {start_field: customfield_1, end_field: customfield_2}\n',
      message:
        'must not be set with ticket.provider servicenow (the window is read from Jira fields), got {"start_field":"customfield_1","end_fie…',
      line: 3,
    },
    {
      key: 'jsm_approvals',
      text: 'ticket:\n  provider: servicenow\n  jsm_approvals: true\n',
      message: 'must not be set with ticket.provider servicenow (a Jira Service Management setting), got true',
      line: 3,
    },
  ])('refuses ticket.$key with servicenow', ({ key, text, message, line }) => {
    const result = parseConfig(text, SOURCE);

    expect(result).toEqual({ ok: false, source: SOURCE, errors: [{ path: `ticket.${key}`, message, line }] });
  });

  it('accepts the new ticket keys with jira', () => {
    const text =
      'ticket:\n  projects: [CHG]\n  jsm_approvals: true\n  unmapped_approver: block\n  require: all\n  write_back: true\n  cache_seconds: 0\n  window: {start_field: customfield_10060, end_field: customfield_10061}\n';

    const result = parseConfig(text, SOURCE);

    expect(result.ok && result.config.ticket).toEqual({
      provider: 'jira',
      projects: ['CHG'],
      statuses: ['Approved'],
      types: [],
      jsm_approvals: true,
      unmapped_approver: 'block',
      require: 'all',
      write_back: true,
      cache_seconds: 0,
      window: { start_field: 'customfield_10060', end_field: 'customfield_10061' },
    });
  });

  it('defaults ServiceNow statuses to Scheduled and Implement', () => {
    const result = parseConfig('ticket:\n  provider: servicenow\n', SOURCE);

    expect(result.ok && result.config.ticket.statuses).toEqual(['Scheduled', 'Implement']);
  });
});

describe('parseConfig: tickets created for you (ticket.create, ticket.close_on)', () => {
  it('accepts ticket.create and ticket.close_on, with nothing added when they are unset', () => {
    const text =
      'ticket:\n  projects: [CHG]\n  create:\n    project: CHG\n    type: Change\n    when: missing\n  close_on: merge\n  close_status: Closed\n';

    const result = parseConfig(text, SOURCE);

    expect(result.ok && result.config.ticket).toMatchObject({
      create: { project: 'CHG', type: 'Change', when: 'missing' },
      close_on: 'merge',
      close_status: 'Closed',
    });
    const plain = parseConfig(MINIMAL, SOURCE);
    expect(plain.ok && Object.keys(plain.config.ticket)).not.toContain('create');
  });

  it.each([
    {
      name: 'a project outside ticket.projects',
      text: 'ticket:\n  projects: [CHG]\n  create: {project: OPS}\n',
      path: 'ticket.create.project',
      message: /must be one of ticket.projects \(CHG\), got OPS/,
    },
    {
      name: 'close_on without create',
      text: 'ticket:\n  projects: [CHG]\n  close_on: deploy\n',
      path: 'ticket.close_on',
      message: /must not be set without ticket.create/,
    },
    {
      name: 'create with provider none',
      text: 'ticket:\n  provider: none\n  create: {project: CHG}\n',
      path: 'ticket.create',
      message: /must not be set with ticket.provider none/,
    },
    {
      name: 'an unknown when',
      text: 'ticket:\n  projects: [CHG]\n  create: {project: CHG, when: always}\n',
      path: 'ticket.create.when',
      message: /missing/,
    },
    {
      name: 'an unknown close_on',
      text: 'ticket:\n  projects: [CHG]\n  create: {project: CHG}\n  close_on: approve\n',
      path: 'ticket.close_on',
      message: /merge.*deploy/,
    },
  ])('refuses $name', ({ text, path, message }) => {
    const errors = errorsOf(parseConfig(text, SOURCE));

    expect(errors).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });
});
