import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(REPO_ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser with the repository's own rules on `src/` under `cwd`; the violations it reports. */
async function cruise(cwd: string): Promise<Violation[]> {
  const run = promisify(execFile);
  // dependency-cruiser exits non-zero when it finds an error-level violation: the JSON is on stdout either way.
  const result = await run(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const output = JSON.parse(result.stdout) as { summary: { violations: Violation[] } };
  return output.summary.violations;
}

/** A throwaway project: `files` maps a path under the project to its source. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layer-rules-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  roots.push(root);
  return root;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('the layer rules (.dependency-cruiser.cjs)', () => {
  it('hold on src/', async () => {
    expect(await cruise(REPO_ROOT)).toEqual([]);
  }, 120_000);

  it.each<{ rule: string; files: Record<string, string> }>([
    {
      rule: 'no-circular',
      files: {
        'src/policy/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'src/policy/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      },
    },
    {
      rule: 'no-folder-cycle',
      files: {
        'src/github/read.ts': "import { parse } from '../config/parse.js';\nexport const read = parse;\n",
        'src/config/parse.ts': "import { name } from '../tickets/name.js';\nexport const parse = name;\n",
        'src/tickets/name.ts': "import { other } from '../github/other.js';\nexport const name = other;\n",
        'src/github/other.ts': 'export const other = 1;\n',
      },
    },
    {
      rule: 'policy-is-pure',
      files: { 'src/policy/decide.ts': "import { readFileSync } from 'node:fs';\nexport const decide = readFileSync;\n" },
    },
    {
      rule: 'queue-uses-the-store-layer',
      files: {
        'src/queue/worker.ts': "import { chain } from '../audit/chain.js';\nexport const worker = chain;\n",
        'src/audit/chain.ts': 'export const chain = 1;\n',
      },
    },
    {
      rule: 'edges-never-import-app-or-evaluation',
      files: {
        'src/web/route.ts': "import { handler } from '../app/handler.js';\nexport const route = handler;\n",
        'src/app/handler.ts': 'export const handler = 1;\n',
      },
    },
    {
      rule: 'edges-never-import-app-or-evaluation',
      files: {
        'src/cli/evaluate-command.ts': "import { publish } from '../evaluation/publish.js';\nexport const evaluate = publish;\n",
        'src/evaluation/publish.ts': 'export const publish = 1;\n',
      },
    },
    {
      rule: 'only-evaluate-runs-the-dry-run',
      files: {
        'src/cli/show-command.ts': "import { dryRun } from '../evaluation/dry-run.js';\nexport const show = dryRun;\n",
        'src/evaluation/dry-run.ts': 'export const dryRun = 1;\n',
      },
    },
    {
      rule: 'the-dry-run-never-publishes',
      files: {
        'src/evaluation/dry-run.ts': "import { helper } from './helper.js';\nexport const dryRun = helper;\n",
        'src/evaluation/helper.ts':
          "import { publishVerdict } from '../github/publish-verdict.js';\nexport const helper = publishVerdict;\n",
        'src/github/publish-verdict.ts': 'export const publishVerdict = 1;\n',
      },
    },
  ])(
    '$rule fails when the import it forbids is added',
    async ({ rule, files }) => {
      const violations = await cruise(project(files));
      expect(violations.map((violation) => violation.rule.name)).toContain(rule);
    },
    60_000,
  );
});
