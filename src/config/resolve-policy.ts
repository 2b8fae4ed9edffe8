import type { ConfigFile } from './config-file.js';
import type { AppliedFloor, PolicySource } from '../policy/verdict.js';
import { applyFloor } from './apply-floor.js';
import { formatConfigError, parseConfig } from './parse-config.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';

export type ResolvedPolicy =
  | { kind: 'none' }
  | { kind: 'invalid'; source: PolicySource; errors: string[] }
  | {
      kind: 'ok';
      source: PolicySource;
      /** The policy that applies: the file's, under the organisation floor when there is one. */
      config: ChangeControlConfig;
      /** The organisation floor applied, with the settings of the file it overrode; null without a floor. */
      floor: AppliedFloor | null;
    };

type ReadFile = { ok: true; source: PolicySource; config: ChangeControlConfig } | { ok: false; source: PolicySource; errors: string[] };

function sourceOf(file: ConfigFile): PolicySource {
  return { repo: file.repo, path: file.path, blobSha: file.blobSha };
}

function readFile(file: ConfigFile, floorAllowed: boolean): ReadFile {
  const source = sourceOf(file);
  if (file.text === null) return { ok: false, source, errors: [`${file.repo}:${file.path} is binary or too large to read`] };
  const parsed = parseConfig(file.text, source, { floorAllowed });
  if (!parsed.ok) return { ok: false, source, errors: parsed.errors.map((e) => `${file.repo}:${file.path}: ${formatConfigError(e)}`) };
  return { ok: true, source, config: parsed.config };
}

/**
 * The policy that applies: the repository's own file on its default branch, else the organisation's
 * (`.github` repository), under the floor the organisation's file may set. Both were read from default
 * branches, never from the PR head. Only the organisation's file may set `floor:`, and it is read even when
 * the repository has its own: a floor that cannot be read fails closed (`invalid`), as does a policy that the
 * floor leaves unusable (jira without projects).
 */
export function resolvePolicy(files: { repoConfig: ConfigFile | null; orgConfig: ConfigFile | null }): ResolvedPolicy {
  const { repoConfig, orgConfig } = files;
  // In the organisation's .github repository, its own file is the organisation's (and may hold the floor).
  const isOrgRepo = repoConfig !== null && orgConfig !== null && repoConfig.repo.toLowerCase() === orgConfig.repo.toLowerCase();
  const own = repoConfig === null || isOrgRepo ? null : readFile(repoConfig, false);
  const org = orgConfig === null ? null : readFile(orgConfig, true);
  // With both files invalid, the repository's is named (the next step says to fix it), and both files' errors listed.
  if (own !== null && !own.ok)
    return { kind: 'invalid', source: own.source, errors: [...own.errors, ...(org !== null && !org.ok ? org.errors : [])] };
  if (org !== null && !org.ok) return { kind: 'invalid', source: org.source, errors: org.errors };
  const applied = own ?? org;
  if (applied === null) return { kind: 'none' };

  const floor = org?.config.floor;
  if (org === null || floor === undefined) return { kind: 'ok', source: applied.source, config: applied.config, floor: null };
  const { config, loosened } = applyFloor(applied.config, floor);
  if (config.ticket.provider === 'jira' && config.ticket.projects.length === 0) {
    const where = `${applied.source.repo}:${applied.source.path}`;
    const error = `${where}: ticket.projects must list at least one Jira project key: the organisation floor (${org.source.repo}:${org.source.path}) keeps ticket.provider jira`;
    return { kind: 'invalid', source: applied.source, errors: [error] };
  }
  return { kind: 'ok', source: applied.source, config, floor: { policy: org.source, notes: loosened } };
}
