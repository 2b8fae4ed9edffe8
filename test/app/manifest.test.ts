import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ENFORCEMENT_EVENTS } from '../../src/app/enforcement/on-enforcement-event.js';
import { MERGE_GROUP_EVENTS } from '../../src/app/webhooks/on-merge-group.js';

const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};

describe('app.yml and the enforcement checks', () => {
  it('subscribes to every enforcement event GitHub does not send unasked (installation events always come)', () => {
    const subscribed = ENFORCEMENT_EVENTS.map((name) => name.split('.')[0] ?? '').filter((event) => !event.startsWith('installation'));
    expect(subscribed).toEqual(['repository_ruleset', 'branch_protection_rule']);
    for (const event of subscribed) expect(manifest.default_events).toContain(event);
  });

  it('asks to read administration, never to write it (the app must not be able to loosen a rule)', () => {
    expect(manifest.default_permissions.administration).toBe('read');
  });
});

describe('app.yml and the security control', () => {
  it('receives code scanning alerts and may read them, never write them', () => {
    expect(manifest.default_events).toContain('code_scanning_alert');
    expect(manifest.default_permissions.security_events).toBe('read');
    // Dependency review (GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}) needs Contents: read.
    expect(manifest.default_permissions.contents).toBe('read');
  });
});

describe('app.yml and merge queues', () => {
  it('subscribes to merge_group with the permission GitHub requires for it, read only', () => {
    expect(new Set(MERGE_GROUP_EVENTS.map((name) => name.split('.')[0]))).toEqual(new Set(['merge_group']));
    expect(manifest.default_events).toContain('merge_group');
    expect(manifest.default_permissions.merge_queues).toBe('read');
  });
});
