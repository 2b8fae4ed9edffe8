import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { buildConfigJsonSchema, buildOpaInputJsonSchema } from '../../src/config/json-schema.js';

const COMMITTED = new URL('../../schema/change-control.schema.json', import.meta.url);

function readCommitted(): unknown {
  try {
    return JSON.parse(readFileSync(COMMITTED, 'utf8'));
  } catch (error) {
    throw new Error(`schema/change-control.schema.json is missing or unreadable: run npm run schema (${(error as Error).message})`);
  }
}

describe('schema/change-control.schema.json', () => {
  it('is current with src/policy/config-schema.ts', () => {
    // Round-trip through JSON so the comparison is of what the file can hold, as the script writes it.
    const current: unknown = JSON.parse(JSON.stringify(buildConfigJsonSchema()));

    const committed = readCommitted();

    if (!isDeepStrictEqual(committed, current)) {
      throw new Error(
        'schema/change-control.schema.json is out of date with src/policy/config-schema.ts: run npm run schema and commit the file',
      );
    }
  });

  it('describes the file for editors', () => {
    const schema = buildConfigJsonSchema();

    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: expect.stringContaining('change-control.yml'),
      additionalProperties: false,
      properties: {
        approval: { properties: { count: { type: 'integer', minimum: 0, description: expect.any(String) } } },
        ticket: { properties: { provider: { enum: ['jira', 'servicenow', 'none'] } } },
      },
    });
    // Input side: every key has a default or is optional, so none is required.
    expect(schema.required).toBeUndefined();
  });
});

describe('schema/opa-input.schema.json', () => {
  it('is current with src/policy/opa-input.ts', () => {
    const current: unknown = JSON.parse(JSON.stringify(buildOpaInputJsonSchema()));

    const committed: unknown = JSON.parse(readFileSync(new URL('../../schema/opa-input.schema.json', import.meta.url), 'utf8'));

    if (!isDeepStrictEqual(committed, current)) {
      throw new Error('schema/opa-input.schema.json is out of date with src/policy/opa-input.ts: run npm run schema and commit the file');
    }
  });

  it('documents the versioned input, every top-level field required', () => {
    const schema = buildOpaInputJsonSchema();

    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', properties: { version: { const: 1 } } });
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'version',
        'pull_request',
        'commits',
        'reviews',
        'checks',
        'changed_files',
        'tickets',
        'emergency',
        'controls',
      ]),
    );
  });
});
