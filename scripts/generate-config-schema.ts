import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildConfigJsonSchema, buildOpaInputJsonSchema } from '../src/config/json-schema.js';

/** Writes schema/change-control.schema.json and schema/opa-input.schema.json from the zod schemas; run by `npm run schema`. */
function generateConfigSchema(): void {
  const directory = new URL('../schema/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  for (const [name, schema] of [
    ['change-control.schema.json', buildConfigJsonSchema()],
    ['opa-input.schema.json', buildOpaInputJsonSchema()],
  ] as const) {
    const file = new URL(name, directory);
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    console.log(`wrote ${fileURLToPath(file)}`);
  }
}

generateConfigSchema();
