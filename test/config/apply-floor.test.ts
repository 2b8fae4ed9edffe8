import { describe, it, expect } from '@jest/globals';
import { applyFloor } from '../../src/config/apply-floor.js';
import type {
  ApprovalConfig,
  ChangeControlConfig,
  FloorConfig,
  OpaDecisionRef,
  RequiredCheck,
  SecurityConfig,
  StandardChangeClass,
  TicketConfig,
} from '../../src/policy/config-schema.js';
import { aConfig, aRule } from '../policy/builders.js';

const RELEASE = 'acme/release-managers';
const DEVS = 'acme/devs';

interface Row<T> {
  name: string;
  own: Partial<T>;
  floor: FloorConfig;
  expected: Partial<T>;
  loosened: string[];
}

describe('applyFloor: ticket', () => {
  it.each<Row<TicketConfig>>([
    {
      name: 'no ticket floor: the repository’s settings stand',
      own: { provider: 'none', projects: [] },
      floor: {},
      expected: { provider: 'none', projects: [] },
      loosened: [],
    },
    {
      name: 'the ticket control switched off under a jira floor',
      own: { provider: 'none', projects: [] },
      floor: { ticket: { provider: 'jira', projects: ['CHG'] } },
      expected: { provider: 'jira', projects: ['CHG'] },
      loosened: ["ticket.provider none would switch off the ticket control: the floor's jira applies"],
    },
    {
      name: 'jira under a jira floor',
      own: { provider: 'jira' },
      floor: { ticket: { provider: 'jira' } },
      expected: { provider: 'jira' },
      loosened: [],
    },
    {
      name: 'a floor of none imposes nothing',
      own: { provider: 'none', projects: [] },
      floor: { ticket: { provider: 'none' } },
      expected: { provider: 'none' },
      loosened: [],
    },
    {
      name: 'projects narrowed to a subset stand',
      own: { projects: ['CHG'] },
      floor: { ticket: { projects: ['CHG', 'OPS'] } },
      expected: { projects: ['CHG'] },
      loosened: [],
    },
    {
      name: 'the same projects stand',
      own: { projects: ['OPS', 'CHG'] },
      floor: { ticket: { projects: ['CHG', 'OPS'] } },
      expected: { projects: ['OPS', 'CHG'] },
      loosened: [],
    },
    {
      name: 'a project outside the floor',
      own: { projects: ['CHG', 'DEV'] },
      floor: { ticket: { projects: ['CHG', 'OPS'] } },
      expected: { projects: ['CHG', 'OPS'] },
      loosened: ["ticket.projects lists DEV, outside the organisation floor's CHG, OPS: the floor's list applies"],
    },
    {
      name: 'no projects (ticket control off) under a floor of projects only: the floor’s list, silently',
      own: { provider: 'none', projects: [] },
      floor: { ticket: { projects: ['CHG'] } },
      expected: { provider: 'none', projects: ['CHG'] },
      loosened: [],
    },
    {
      name: 'statuses narrowed, ignoring case',
      own: { statuses: ['approved'] },
      floor: { ticket: { statuses: ['Approved', 'CAB approved'] } },
      expected: { statuses: ['approved'] },
      loosened: [],
    },
    {
      name: 'a status outside the floor',
      own: { statuses: ['Approved', 'Done'] },
      floor: { ticket: { statuses: ['Approved'] } },
      expected: { statuses: ['Approved'] },
      loosened: ["ticket.statuses lists Done, outside the organisation floor's Approved: the floor's list applies"],
    },
    {
      name: 'types narrowed',
      own: { types: ['Standard Change'] },
      floor: { ticket: { types: ['Change', 'Standard Change'] } },
      expected: { types: ['Standard Change'] },
      loosened: [],
    },
    {
      name: 'any type under a floor of types',
      own: { types: [] },
      floor: { ticket: { types: ['Change'] } },
      expected: { types: ['Change'] },
      loosened: ["ticket.types is empty (any issue type) but the organisation floor allows only Change: the floor's list applies"],
    },
    {
      name: 'a type outside the floor',
      own: { types: ['Change', 'Story'] },
      floor: { ticket: { types: ['Change'] } },
      expected: { types: ['Change'] },
      loosened: ["ticket.types lists Story, outside the organisation floor's Change: the floor's list applies"],
    },
    {
      name: 'an empty floor of types imposes nothing',
      own: { types: [] },
      floor: { ticket: { types: [] } },
      expected: { types: [] },
      loosened: [],
    },
    {
      name: 'servicenow under a jira floor',
      own: { provider: 'servicenow' },
      floor: { ticket: { provider: 'jira' } },
      expected: { provider: 'jira' },
      loosened: ["ticket.provider servicenow differs from the organisation floor's jira: jira applies"],
    },
    {
      name: 'the ticket control switched off under a servicenow floor',
      own: { provider: 'none' },
      floor: { ticket: { provider: 'servicenow' } },
      expected: { provider: 'servicenow' },
      loosened: ["ticket.provider none would switch off the ticket control: the floor's servicenow applies"],
    },
    {
      name: 'status-only approval under a floor of JSM approvals',
      own: { jsm_approvals: false },
      floor: { ticket: { jsm_approvals: true } },
      expected: { jsm_approvals: true },
      loosened: ['ticket.jsm_approvals false is looser than the organisation floor true: true applies'],
    },
    {
      name: 'a floor of jsm_approvals false imposes nothing',
      own: { jsm_approvals: true },
      floor: { ticket: { jsm_approvals: false } },
      expected: { jsm_approvals: true },
      loosened: [],
    },
    {
      name: 'unmapped approvers warned under a block floor',
      own: { unmapped_approver: 'warn' },
      floor: { ticket: { unmapped_approver: 'block' } },
      expected: { unmapped_approver: 'block' },
      loosened: ['ticket.unmapped_approver warn is looser than the organisation floor block: block applies'],
    },
    {
      name: 'block under a warn floor stands',
      own: { unmapped_approver: 'block' },
      floor: { ticket: { unmapped_approver: 'warn' } },
      expected: { unmapped_approver: 'block' },
      loosened: [],
    },
    {
      name: 'any ticket under an all floor',
      own: { require: 'any' },
      floor: { ticket: { require: 'all' } },
      expected: { require: 'all' },
      loosened: ['ticket.require any is looser than the organisation floor all: all applies'],
    },
    {
      name: 'all under an any floor stands',
      own: { require: 'all' },
      floor: { ticket: { require: 'any' } },
      expected: { require: 'all' },
      loosened: [],
    },
    {
      name: 'no change window under a floor window',
      own: {},
      floor: { ticket: { window: { start_field: 'customfield_1', end_field: 'customfield_2' } } },
      expected: { window: { start_field: 'customfield_1', end_field: 'customfield_2' } },
      loosened: ["ticket.window differs from the organisation floor's (customfield_1 to customfield_2): the floor's applies"],
    },
    {
      name: 'write_back is not a floor matter',
      own: { write_back: true },
      floor: { ticket: { require: 'any' } },
      expected: { write_back: true },
      loosened: [],
    },
  ])('$name', ({ own, floor, expected, loosened }) => {
    // Arrange
    const config = aConfig({ ticket: own });

    // Act
    const result = applyFloor(config, floor);

    // Assert
    expect(result.config.ticket).toEqual({ ...config.ticket, ...expected });
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: approval', () => {
  it.each<Row<ApprovalConfig>>([
    { name: 'a higher count stands', own: { count: 3 }, floor: { approval: { count: 2 } }, expected: { count: 3 }, loosened: [] },
    { name: 'an equal count stands', own: { count: 2 }, floor: { approval: { count: 2 } }, expected: { count: 2 }, loosened: [] },
    {
      name: 'a lower count is raised to the floor',
      own: { count: 0 },
      floor: { approval: { count: 2 } },
      expected: { count: 2 },
      loosened: ['approval.count 0 is below the organisation floor 2: 2 applies'],
    },
    ...(
      [
        ['allow_author', true, false],
        ['allow_contributors', true, false],
        ['unattributed_commits', 'allow', 'block'],
        ['invalidate_on_push', false, true],
        ['ignore_base_merges', true, false],
        ['keep_on_rebase', true, false],
      ] as const
    ).flatMap(([key, loose, strict]): Row<ApprovalConfig>[] => [
      {
        name: `${key} ${String(loose)} under a floor of ${String(strict)}`,
        own: { [key]: loose },
        floor: { approval: { [key]: strict } },
        expected: { [key]: strict },
        loosened: [`approval.${key} ${String(loose)} is looser than the organisation floor ${String(strict)}: ${String(strict)} applies`],
      },
      {
        name: `${key} ${String(strict)} under a floor of ${String(strict)}`,
        own: { [key]: strict },
        floor: { approval: { [key]: strict } },
        expected: { [key]: strict },
        loosened: [],
      },
      {
        name: `${key} ${String(loose)} under a floor of ${String(loose)} (imposes nothing)`,
        own: { [key]: loose },
        floor: { approval: { [key]: loose } },
        expected: { [key]: loose },
        loosened: [],
      },
      {
        name: `${key} ${String(strict)} under a floor of ${String(loose)} (stands)`,
        own: { [key]: strict },
        floor: { approval: { [key]: loose } },
        expected: { [key]: strict },
        loosened: [],
      },
    ]),
    {
      // A rebase is a push, but keep_on_rebase keeps only an approval whose patch is proven the head's: like
      // ignore_base_merges, only its own floor key forbids it.
      name: 'keep_on_rebase true under a floor of invalidate_on_push true (stands)',
      own: { keep_on_rebase: true },
      floor: { approval: { invalidate_on_push: true } },
      expected: { keep_on_rebase: true },
      loosened: [],
    },
    {
      name: 'anyone may approve under a floor of teams: the floor’s requirement is added',
      own: { count: 1, teams: [] },
      floor: { approval: { count: 2, teams: [RELEASE] } },
      expected: { count: 2, rules: [aRule(['**'], { count: 2, teams: [RELEASE] })] },
      loosened: [
        'approval.count 1 is below the organisation floor 2: 2 applies',
        "approval.teams is empty (anyone may approve), outside the organisation floor's acme/release-managers: the floor's requirement is added as approval.rules[0] (both must be met)",
      ],
    },
    {
      name: 'a team outside the floor: the floor’s requirement is added after the repository’s rules',
      own: { count: 3, teams: [DEVS], rules: [aRule(['src/ledger/**'])] },
      floor: { approval: { count: 1, teams: [RELEASE] } },
      expected: { count: 3, teams: [DEVS], rules: [aRule(['src/ledger/**']), aRule(['**'], { count: 1, teams: [RELEASE] })] },
      loosened: [
        "approval.teams admits acme/devs, outside the organisation floor's acme/release-managers: the floor's requirement is added as approval.rules[1] (both must be met)",
      ],
    },
    {
      name: 'floor teams without a count: the floor’s teams must give the count in force',
      own: { count: 2, teams: [] },
      floor: { approval: { teams: [RELEASE] } },
      expected: { count: 2, rules: [aRule(['**'], { count: 2, teams: [RELEASE] })] },
      loosened: [
        "approval.teams is empty (anyone may approve), outside the organisation floor's acme/release-managers: the floor's requirement is added as approval.rules[0] (both must be met)",
      ],
    },
    {
      name: 'teams within the floor’s, ignoring case: the raised count covers the floor, no requirement added',
      own: { count: 1, teams: ['ACME/Release-Managers'] },
      floor: { approval: { count: 2, teams: [RELEASE, 'acme/sre'] } },
      expected: { count: 2, teams: ['ACME/Release-Managers'], rules: [] },
      loosened: ['approval.count 1 is below the organisation floor 2: 2 applies'],
    },
    {
      name: 'an empty floor of teams imposes nothing',
      own: { teams: [] },
      floor: { approval: { teams: [] } },
      expected: { teams: [], rules: [] },
      loosened: [],
    },
  ])('$name', ({ own, floor, expected, loosened }) => {
    // Arrange
    const config = aConfig({ approval: own });

    // Act
    const result = applyFloor(config, floor);

    // Assert
    expect(result.config.approval).toEqual({ ...config.approval, ...expected });
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: checks', () => {
  it.each<{ name: string; own: RequiredCheck[]; floor: FloorConfig; expected: RequiredCheck[]; loosened: string[] }>([
    {
      name: 'the floor’s checks already required',
      own: ['build', 'sast'],
      floor: { checks: { required: ['sast'] } },
      expected: ['build', 'sast'],
      loosened: [],
    },
    {
      name: 'missing floor checks are added, in the floor’s order',
      own: ['build'],
      floor: { checks: { required: ['sast', 'build', 'licences'] } },
      expected: ['build', 'sast', 'licences'],
      loosened: ['checks.required lacks sast: added', 'checks.required lacks licences: added'],
    },
    {
      name: 'names match exactly (case-sensitive, as the control matches them)',
      own: ['SAST'],
      floor: { checks: { required: ['sast'] } },
      expected: ['SAST', 'sast'],
      loosened: ['checks.required lacks sast: added'],
    },
    { name: 'no checks floor', own: [], floor: { checks: {} }, expected: [], loosened: [] },
    {
      name: 'a floor source replaces the repository’s plain name',
      own: ['build', 'sast'],
      floor: { checks: { required: [{ name: 'sast', app: 'codeql' }] } },
      expected: ['build', { name: 'sast', app: 'codeql' }],
      loosened: ["checks.required sast names no source: the floor's codeql applies"],
    },
    {
      name: 'a floor source replaces another source',
      own: [{ name: 'jenkins', creator: 'dave' }],
      floor: { checks: { required: [{ name: 'jenkins', creator: 'ci-bot' }] } },
      expected: [{ name: 'jenkins', creator: 'ci-bot' }],
      loosened: ["checks.required jenkins names @dave: the floor's @ci-bot applies"],
    },
    {
      name: 'the repository may bind a name the floor leaves plain',
      own: [{ name: 'sast', app: 'codeql' }],
      floor: { checks: { required: ['sast'] } },
      expected: [{ name: 'sast', app: 'codeql' }],
      loosened: [],
    },
  ])('$name', ({ own, floor, expected, loosened }) => {
    // Act
    const result = applyFloor(aConfig({ checks: own }), floor);

    // Assert
    expect(result.config.checks.required).toEqual(expected);
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: security', () => {
  it.each<{ name: string; own: SecurityConfig | undefined; floor: FloorConfig; expected: SecurityConfig | undefined; loosened: string[] }>([
    { name: 'no security floor', own: undefined, floor: {}, expected: undefined, loosened: [] },
    {
      name: 'the repository has no security control: the floor’s applies',
      own: undefined,
      floor: { security: { code_scanning: { block_at: 'high' } } },
      expected: { code_scanning: { block_at: 'high' } },
      loosened: ["security.code_scanning.block_at is not set: the organisation floor's high applies"],
    },
    {
      name: 'a higher threshold (blocks less) is raised to the floor’s',
      own: { code_scanning: { block_at: 'critical' }, dependencies: { block_at: 'critical' } },
      floor: { security: { code_scanning: { block_at: 'high' }, dependencies: { block_at: 'moderate' } } },
      expected: { code_scanning: { block_at: 'high' }, dependencies: { block_at: 'moderate' } },
      loosened: [
        "security.code_scanning.block_at critical blocks less than the organisation floor's high: high applies",
        "security.dependencies.block_at critical blocks less than the organisation floor's moderate: moderate applies",
      ],
    },
    {
      name: 'a lower threshold (stricter) stays',
      own: { code_scanning: { block_at: 'medium' }, dependencies: { block_at: 'low' } },
      floor: { security: { code_scanning: { block_at: 'high' }, dependencies: { block_at: 'critical' } } },
      expected: { code_scanning: { block_at: 'medium' }, dependencies: { block_at: 'low' } },
      loosened: [],
    },
    {
      name: 'the repository keeps a source the floor does not set',
      own: { dependencies: { block_at: 'high' } },
      floor: { security: { code_scanning: { block_at: 'critical' } } },
      expected: { code_scanning: { block_at: 'critical' }, dependencies: { block_at: 'high' } },
      loosened: ["security.code_scanning.block_at is not set: the organisation floor's critical applies"],
    },
  ])('$name', ({ own, floor, expected, loosened }) => {
    const result = applyFloor({ ...aConfig(), ...(own ? { security: own } : {}) }, floor);
    expect(result.config.security).toEqual(expected);
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: opa', () => {
  const own = (path: string) => ({ path, source: 'opa.decision' as const });
  const floor = (path: string) => ({ path, source: 'floor.opa.decision' as const });
  it.each<{ name: string; decisions: OpaDecisionRef[]; floor: FloorConfig; expected: OpaDecisionRef[]; loosened: string[] }>([
    {
      name: 'no opa floor: the repository’s decision stands',
      decisions: [own('repo/allow')],
      floor: {},
      expected: [own('repo/allow')],
      loosened: [],
    },
    { name: 'an empty opa floor imposes nothing', decisions: [], floor: { opa: {} }, expected: [], loosened: [] },
    {
      name: 'a repository without a decision gets the floor’s',
      decisions: [],
      floor: { opa: { decision: 'acme/change_control/allow' } },
      expected: [floor('acme/change_control/allow')],
      loosened: ["opa.decision is not set: the organisation floor's acme/change_control/allow applies"],
    },
    {
      name: 'a repository with another decision keeps it, and the floor’s is asked too (both must allow)',
      decisions: [own('payments/allow')],
      floor: { opa: { decision: 'acme/change_control/allow' } },
      expected: [floor('acme/change_control/allow'), own('payments/allow')],
      loosened: [
        "opa.decision payments/allow differs from the organisation floor's acme/change_control/allow: both apply (each must allow)",
      ],
    },
    {
      name: 'a repository naming the floor’s decision asks it once',
      decisions: [own('acme/change_control/allow')],
      floor: { opa: { decision: 'acme/change_control/allow' } },
      expected: [own('acme/change_control/allow')],
      loosened: [],
    },
  ])('$name', ({ decisions, floor: floorConfig, expected, loosened }) => {
    // Arrange
    const config = { ...aConfig(), opa: { decisions, teams: [] } };

    // Act
    const result = applyFloor(config, floorConfig);

    // Assert
    expect(result.config.opa.decisions).toEqual(expected);
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: standard changes', () => {
  const DEPS: StandardChangeClass = {
    name: 'deps',
    ticket: 'CHG-1000',
    authors: ['dependabot[bot]'],
    paths: ['package-lock.json'],
    max_changed_lines: 400,
    approval: { count: 0 },
  };
  it.each<{ name: string; classes: StandardChangeClass[]; floor: FloorConfig; expected: StandardChangeClass[]; loosened: string[] }>([
    { name: 'no floor: the classes stand', classes: [DEPS], floor: {}, expected: [DEPS], loosened: [] },
    {
      name: 'allowed: true imposes nothing',
      classes: [DEPS],
      floor: { standard_changes: { allowed: true } },
      expected: [DEPS],
      loosened: [],
    },
    {
      name: 'allowed: false drops every class',
      classes: [DEPS, { ...DEPS, name: 'docs' }],
      floor: { standard_changes: { allowed: false } },
      expected: [],
      loosened: ['standard_changes deps, docs: the organisation floor allows no standard change class'],
    },
    {
      name: 'allowed: false with no class says nothing',
      classes: [],
      floor: { standard_changes: { allowed: false } },
      expected: [],
      loosened: [],
    },
    {
      name: 'a class approval count below the floor’s least is raised',
      classes: [DEPS],
      floor: { standard_changes: { approval: { count: 1 } } },
      expected: [{ ...DEPS, approval: { count: 1 } }],
      loosened: ['standard_changes[0] (deps) approval.count 0 is below the organisation floor 1: 1 applies'],
    },
    {
      name: 'without its own least, the floor’s approval.count is the least a class may lower to',
      classes: [DEPS],
      floor: { approval: { count: 1 } },
      expected: [{ ...DEPS, approval: { count: 1 } }],
      loosened: ['standard_changes[0] (deps) approval.count 0 is below the organisation floor 1: 1 applies'],
    },
    {
      name: 'the standard changes’ own least wins over approval.count (an org may allow 0 for bots only)',
      classes: [DEPS],
      floor: { approval: { count: 1 }, standard_changes: { approval: { count: 0 } } },
      expected: [DEPS],
      loosened: [],
    },
    {
      name: 'a class that does not lower approvals is left alone',
      classes: [{ ...DEPS, approval: undefined }],
      floor: { standard_changes: { approval: { count: 2 } } },
      expected: [{ ...DEPS, approval: undefined }],
      loosened: [],
    },
    {
      name: 'max_changed_lines above the floor’s is lowered',
      classes: [DEPS],
      floor: { standard_changes: { max_changed_lines: 100 } },
      expected: [{ ...DEPS, max_changed_lines: 100 }],
      loosened: ["standard_changes[0] (deps) max_changed_lines 400 is above the organisation floor's 100: 100 applies"],
    },
    {
      name: 'a class without a size limit gets the floor’s',
      classes: [{ ...DEPS, max_changed_lines: undefined }],
      floor: { standard_changes: { max_changed_lines: 100 } },
      expected: [{ ...DEPS, max_changed_lines: 100 }],
      loosened: ["standard_changes[0] (deps) has no max_changed_lines: the organisation floor's 100 applies"],
    },
    {
      name: 'a class within the floor’s size stands',
      classes: [{ ...DEPS, max_changed_lines: 50 }],
      floor: { standard_changes: { max_changed_lines: 100 } },
      expected: [{ ...DEPS, max_changed_lines: 50 }],
      loosened: [],
    },
  ])('$name', ({ classes, floor, expected, loosened }) => {
    // Arrange
    const config = aConfig({ standard_changes: classes });

    // Act
    const result = applyFloor(config, floor);

    // Assert
    expect(result.config.standard_changes).toEqual(expected);
    expect(result.loosened).toEqual(loosened);
  });
});

describe('applyFloor: the whole policy', () => {
  const FLOOR: FloorConfig = {
    approval: { count: 2, teams: [RELEASE] },
    ticket: { provider: 'jira', projects: ['CHG'] },
    checks: { required: ['sast'] },
  };

  it('tightens every loosened key, reporting each in key order, and leaves the rest alone', () => {
    // Arrange
    const config: ChangeControlConfig = {
      ...aConfig({ ticket: { provider: 'none', projects: [] }, approval: { count: 0 }, checks: ['build'] }),
      branches: ['main'],
    };

    // Act
    const result = applyFloor(config, FLOOR);

    // Assert
    expect(result.config).toEqual({
      ...config,
      ticket: { ...config.ticket, provider: 'jira', projects: ['CHG'] },
      approval: { ...config.approval, count: 2, rules: [aRule(['**'], { count: 2, teams: [RELEASE] })] },
      checks: { required: ['build', 'sast'] },
    });
    expect(result.loosened).toEqual([
      "ticket.provider none would switch off the ticket control: the floor's jira applies",
      'approval.count 0 is below the organisation floor 2: 2 applies',
      "approval.teams is empty (anyone may approve), outside the organisation floor's acme/release-managers: the floor's requirement is added as approval.rules[0] (both must be met)",
      'checks.required lacks sast: added',
    ]);
  });

  it('leaves a policy already at or above the floor as it is', () => {
    // Arrange
    const config = aConfig({
      ticket: { projects: ['CHG'], types: ['Change'] },
      approval: { count: 3, teams: [RELEASE] },
      checks: ['sast', 'build'],
    });

    // Act
    const result = applyFloor(config, FLOOR);

    // Assert
    expect(result).toEqual({ config, loosened: [] });
  });

  it('does not change the policy it was given', () => {
    // Arrange
    const config = aConfig({ ticket: { provider: 'none', projects: [] }, approval: { count: 0 }, checks: ['build'] });
    const before = structuredClone(config);

    // Act
    applyFloor(config, FLOOR);

    // Assert
    expect(config).toEqual(before);
  });

  it('applies an empty floor as no floor', () => {
    // Arrange
    const config = aConfig({ ticket: { provider: 'none', projects: [] }, approval: { count: 0 } });

    // Act
    const result = applyFloor(config, {});

    // Assert
    expect(result).toEqual({ config, loosened: [] });
  });
});
