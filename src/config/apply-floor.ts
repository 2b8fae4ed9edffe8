import { describeSource, expectedSource } from '../policy/expected-source.js';
import type {
  ApprovalConfig,
  ChangeControlConfig,
  ChecksConfig,
  FloorConfig,
  OpaConfig,
  RequiredCheck,
  SecurityConfig,
  StandardChangeClass,
  TicketConfig,
} from '../policy/config-schema.js';
import { CODE_SCANNING_SEVERITIES, DEPENDENCY_SEVERITIES } from '../policy/config-schema.js';

export interface FlooredConfig {
  /** The policy that applies: the repository's, tightened wherever it was below the floor. */
  config: ChangeControlConfig;
  /** One line per setting that was below the floor, saying what applies instead (in key order). */
  loosened: string[];
}

const shown = (values: string[]): string => values.join(', ');
const lower = (values: string[]): Set<string> => new Set(values.map((v) => v.toLowerCase()));

/** The values of `own` not in `allowed`, compared ignoring case (as the controls compare statuses, types and teams). */
function outside(own: string[], allowed: string[]): string[] {
  const set = lower(allowed);
  return own.filter((v) => !set.has(v.toLowerCase()));
}

/**
 * A list the repository may only narrow: its own when it is a non-empty subset of the floor's, else the floor's.
 * An empty repository list means "any" (types) or comes with the control switched off (projects): the floor's applies.
 */
function narrowed(input: {
  key: string;
  own: string[];
  floor: string[] | undefined;
  emptyMeans: string | null;
  notes: string[];
}): string[] {
  const { key, own, floor, emptyMeans, notes } = input;
  if (floor === undefined || floor.length === 0) return own;
  const extra = outside(own, floor);
  if (own.length > 0 && extra.length === 0) return own;
  if (own.length > 0)
    notes.push(`${key} lists ${shown(extra)}, outside the organisation floor's ${shown(floor)}: the floor's list applies`);
  else if (emptyMeans !== null)
    notes.push(`${key} is empty (${emptyMeans}) but the organisation floor allows only ${shown(floor)}: the floor's list applies`);
  return floor;
}

function floorProvider(ticket: TicketConfig, floor: NonNullable<FloorConfig['ticket']>, notes: string[]): TicketConfig['provider'] {
  const required = floor.provider;
  if (required === undefined || required === 'none' || ticket.provider === required) return ticket.provider;
  notes.push(
    ticket.provider === 'none'
      ? `ticket.provider none would switch off the ticket control: the floor's ${required} applies`
      : `ticket.provider ${ticket.provider} differs from the organisation floor's ${required}: ${required} applies`,
  );
  return required;
}

/** The stricter of the repository's and the floor's setting, with a note when the floor's applies. */
function stricter<T extends string | boolean>(input: { key: string; own: T; floor: T | undefined; strict: T; notes: string[] }): T {
  const { key, own, floor, strict, notes } = input;
  if (floor !== strict || own === strict) return own;
  notes.push(`ticket.${key} ${String(own)} is looser than the organisation floor ${String(strict)}: ${String(strict)} applies`);
  return strict;
}

function floorTicket(ticket: TicketConfig, floor: FloorConfig['ticket'], notes: string[]): TicketConfig {
  if (floor === undefined) return ticket;
  const provider = floorProvider(ticket, floor, notes);
  const window = floor.window ?? ticket.window;
  if (floor.window && (ticket.window?.start_field !== floor.window.start_field || ticket.window.end_field !== floor.window.end_field)) {
    notes.push(
      `ticket.window differs from the organisation floor's (${floor.window.start_field} to ${floor.window.end_field}): the floor's applies`,
    );
  }
  return {
    ...ticket,
    provider,
    projects: narrowed({ key: 'ticket.projects', own: ticket.projects, floor: floor.projects, emptyMeans: null, notes }),
    statuses: narrowed({ key: 'ticket.statuses', own: ticket.statuses, floor: floor.statuses, emptyMeans: null, notes }),
    types: narrowed({ key: 'ticket.types', own: ticket.types, floor: floor.types, emptyMeans: 'any issue type', notes }),
    jsm_approvals: stricter({ key: 'jsm_approvals', own: ticket.jsm_approvals, floor: floor.jsm_approvals, strict: true, notes }),
    unmapped_approver: stricter({
      key: 'unmapped_approver',
      own: ticket.unmapped_approver,
      floor: floor.unmapped_approver,
      strict: 'block',
      notes,
    }),
    require: stricter({ key: 'require', own: ticket.require, floor: floor.require, strict: 'all', notes }),
    ...(window ? { window } : {}),
  };
}

type StrictSetting =
  'allow_author' | 'allow_contributors' | 'unattributed_commits' | 'invalidate_on_push' | 'ignore_base_merges' | 'keep_on_rebase';

/** The stricter value of each setting; a floor holding the looser value imposes nothing. */
const STRICT: Pick<ApprovalConfig, StrictSetting> = {
  allow_author: false,
  allow_contributors: false,
  unattributed_commits: 'block',
  invalidate_on_push: true,
  ignore_base_merges: false,
  keep_on_rebase: false,
};

/** Sets `key` to its stricter value when the floor holds it and the repository's policy does not. */
function tighten<K extends StrictSetting>(input: {
  key: K;
  approval: ApprovalConfig;
  floor: NonNullable<FloorConfig['approval']>;
  result: Pick<ApprovalConfig, StrictSetting>;
  notes: string[];
}): void {
  const { key, approval, floor, result, notes } = input;
  const strict = STRICT[key];
  if (floor[key] !== strict || approval[key] === strict) return;
  notes.push(`approval.${key} ${String(approval[key])} is looser than the organisation floor ${String(strict)}: ${String(strict)} applies`);
  result[key] = strict;
}

function floorApproval(approval: ApprovalConfig, floor: FloorConfig['approval'], notes: string[]): ApprovalConfig {
  if (floor === undefined) return approval;
  const result: ApprovalConfig = { ...approval };
  if (floor.count !== undefined && approval.count < floor.count) {
    notes.push(`approval.count ${approval.count} is below the organisation floor ${floor.count}: ${floor.count} applies`);
    result.count = floor.count;
  }
  for (const key of Object.keys(STRICT) as StrictSetting[]) tighten({ key, approval, floor, result, notes });
  const teams = floor.teams ?? [];
  // A union of pools would let the repository's team approve where the floor admits only its own. The floor's
  // teams are a requirement of their own instead, next to the repository's, so both must be met. Not needed
  // when the repository's own pool already lies within the floor's: its (raised) count then covers the floor.
  if (teams.length > 0 && (approval.teams.length === 0 || outside(approval.teams, teams).length > 0)) {
    const source = `approval.rules[${approval.rules.length}]`;
    const own = approval.teams.length === 0 ? 'is empty (anyone may approve)' : `admits ${shown(outside(approval.teams, teams))}`;
    notes.push(
      `approval.teams ${own}, outside the organisation floor's ${shown(teams)}: the floor's requirement is added as ${source} (both must be met)`,
    );
    // Without a floor count, the floor's teams must give the count the repository needs (a 0 would admit anyone).
    result.rules = [...approval.rules, { paths: ['**'], count: floor.count ?? result.count, teams }];
  }
  return result;
}

function floorChecks(checks: ChecksConfig, floor: FloorConfig['checks'], notes: string[]): ChecksConfig {
  const before = notes.length;
  // Check names match exactly (case-sensitive), as the required-checks control matches them. A floor entry that
  // names its source replaces the repository's entry of that name: the repository cannot loosen who may report it.
  let required = [...checks.required];
  for (const entry of floor?.required ?? []) {
    const { name, source } = expectedSource(entry);
    const index = required.findIndex((own) => expectedSource(own).name === name);
    if (index === -1) {
      notes.push(`checks.required lacks ${name}: added`);
      required = [...required, entry];
      continue;
    }
    const own = expectedSource(required[index] as RequiredCheck).source;
    if (source !== null && JSON.stringify(own) !== JSON.stringify(source)) {
      notes.push(
        `checks.required ${name} ${own === null ? 'names no source' : `names ${describeSource(own)}`}: the floor's ${describeSource(source)} applies`,
      );
      required = required.map((r, i) => (i === index ? entry : r));
    }
  }
  return notes.length === before ? checks : { required };
}

/**
 * One security threshold under the floor's: the repository may block at a lower severity (stricter), never at a
 * higher one, and cannot drop a source the floor sets.
 */
function floorThreshold<T extends string>(input: {
  key: string;
  scale: readonly T[];
  own: T | undefined;
  floor: T | undefined;
  notes: string[];
}): T | undefined {
  const { key, scale, own, floor, notes } = input;
  if (floor === undefined) return own;
  if (own === undefined) {
    notes.push(`${key} is not set: the organisation floor's ${floor} applies`);
    return floor;
  }
  // The scales run from most to least severe: a later entry is a lower threshold, which blocks more.
  if (scale.indexOf(own) >= scale.indexOf(floor)) return own;
  notes.push(`${key} ${own} blocks less than the organisation floor's ${floor}: ${floor} applies`);
  return floor;
}

function floorSecurity(security: SecurityConfig | undefined, floor: FloorConfig['security'], notes: string[]): SecurityConfig | undefined {
  if (floor === undefined) return security;
  const codeScanning = floorThreshold({
    key: 'security.code_scanning.block_at',
    scale: CODE_SCANNING_SEVERITIES,
    own: security?.code_scanning?.block_at,
    floor: floor.code_scanning?.block_at,
    notes,
  });
  const dependencies = floorThreshold({
    key: 'security.dependencies.block_at',
    scale: DEPENDENCY_SEVERITIES,
    own: security?.dependencies?.block_at,
    floor: floor.dependencies?.block_at,
    notes,
  });
  if (codeScanning === undefined && dependencies === undefined) return security;
  return {
    ...(codeScanning === undefined ? {} : { code_scanning: { block_at: codeScanning } }),
    ...(dependencies === undefined ? {} : { dependencies: { block_at: dependencies } }),
  };
}

/**
 * The floor's OPA decision always applies. A repository that names another decision keeps it: both are asked and
 * both must allow (the repository may add policy, never replace the organisation's).
 */
function floorOpa(opa: OpaConfig, floor: FloorConfig['opa'], notes: string[]): OpaConfig {
  const path = floor?.decision;
  if (path === undefined || opa.decisions.some((d) => d.path === path)) return opa;
  const own = opa.decisions.map((d) => d.path);
  notes.push(
    own.length === 0
      ? `opa.decision is not set: the organisation floor's ${path} applies`
      : `opa.decision ${shown(own)} differs from the organisation floor's ${path}: both apply (each must allow)`,
  );
  return { ...opa, decisions: [{ path, source: 'floor.opa.decision' }, ...opa.decisions] };
}

/**
 * Standard change classes under the floor: `allowed: false` drops them all (every PR then needs a ticket of its
 * own); a class's approval count is raised to the floor's least (`standard_changes.approval.count`, else the floor's
 * `approval.count`, which a class could otherwise go below); a class's changed lines are capped at the floor's.
 */
function floorStandardChanges(
  classes: StandardChangeClass[],
  floor: Pick<FloorConfig, 'standard_changes' | 'approval'>,
  notes: string[],
): StandardChangeClass[] {
  if (classes.length === 0) return classes;
  const own = floor.standard_changes;
  if (own?.allowed === false) {
    notes.push(`standard_changes ${classes.map((c) => c.name).join(', ')}: the organisation floor allows no standard change class`);
    return [];
  }
  const least = own?.approval?.count ?? floor.approval?.count;
  const maxLines = own?.max_changed_lines;
  return classes.map((entry, index) => {
    const key = `standard_changes[${index}] (${entry.name})`;
    let result = entry;
    if (least !== undefined && entry.approval !== undefined && entry.approval.count < least) {
      notes.push(`${key} approval.count ${entry.approval.count} is below the organisation floor ${least}: ${least} applies`);
      result = { ...result, approval: { count: least } };
    }
    if (maxLines !== undefined && (entry.max_changed_lines === undefined || entry.max_changed_lines > maxLines)) {
      notes.push(
        entry.max_changed_lines === undefined
          ? `${key} has no max_changed_lines: the organisation floor's ${maxLines} applies`
          : `${key} max_changed_lines ${entry.max_changed_lines} is above the organisation floor's ${maxLines}: ${maxLines} applies`,
      );
      result = { ...result, max_changed_lines: maxLines };
    }
    return result;
  });
}

/**
 * The repository's policy under the organisation's floor. It can only tighten: a count below the floor is
 * raised, a switched-off ticket control is switched back on, lists the floor restricts may only be narrowed,
 * the floor's required checks are added, the floor's approval teams become a requirement of their own, the
 * floor's security thresholds apply where the repository blocks less or not at all, and the floor's OPA decision
 * is asked besides the repository's own.
 * Pure; the floor settings a repository's policy did not meet are returned as notes for the report.
 */
export function applyFloor(config: ChangeControlConfig, floor: FloorConfig): FlooredConfig {
  const loosened: string[] = [];
  const ticket = floorTicket(config.ticket, floor.ticket, loosened);
  const approval = floorApproval(config.approval, floor.approval, loosened);
  const checks = floorChecks(config.checks, floor.checks, loosened);
  const security = floorSecurity(config.security, floor.security, loosened);
  const opa = floorOpa(config.opa, floor.opa, loosened);
  const standard_changes = floorStandardChanges(config.standard_changes, floor, loosened);
  return { config: { ...config, ticket, approval, checks, ...(security ? { security } : {}), opa, standard_changes }, loosened };
}
