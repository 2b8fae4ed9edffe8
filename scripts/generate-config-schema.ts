import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildConfigJsonSchema } from '../src/config/json-schema.js';

/** Writes schema/change-control.schema.json from the zod schema; run by `npm run schema`. */
function generateConfigSchema(): void {
  const directory = new URL('../schema/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const file = new URL('change-control.schema.json', directory);
  writeFileSync(file, `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(file)}`);
}

generateConfigSchema();
