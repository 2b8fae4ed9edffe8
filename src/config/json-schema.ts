import { z } from 'zod';
import { ChangeControlConfig } from '../policy/config-schema.js';
import { OpaInput } from '../policy/opa-input.js';

/**
 * The JSON Schema of `.github/change-control.yml`, for editors (yaml-language-server, VS Code). Built from the input
 * side of the zod schema, so keys with defaults are optional, as they are in the file. `npm run schema` writes it to
 * `schema/change-control.schema.json`; a test checks the committed file is current.
 */
export function buildConfigJsonSchema(): z.core.JSONSchema.JSONSchema {
  // draft-07 rather than zod's default 2020-12: it is the draft every YAML/JSON editor plugin understands.
  const { $schema, ...rest } = z.toJSONSchema(ChangeControlConfig, { io: 'input', target: 'draft-07' });
  return {
    $schema,
    title: 'Change Control configuration (.github/change-control.yml)',
    description:
      'Which base branches are under change control, and what a pull request into them needs: a change ticket, independent approvals and required checks.',
    ...rest,
  };
}

/**
 * The JSON Schema of the input document OPA is asked with (docs/opa.md), for Rego authors and their tests. Built
 * from the zod schema the input is typed with; `npm run schema` writes it to `schema/opa-input.schema.json`.
 */
export function buildOpaInputJsonSchema(): z.core.JSONSchema.JSONSchema {
  const { $schema, ...rest } = z.toJSONSchema(OpaInput, { io: 'output', target: 'draft-07' });
  return { $schema, title: 'Change Control OPA input (input.version 1)', ...rest };
}
