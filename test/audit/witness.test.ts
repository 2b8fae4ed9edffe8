import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkWitness } from '../../src/audit/check-witness.js';
import { parseSigningKey } from '../../src/audit/signing.js';
import { fileWitness } from '../../src/audit/witness.js';
import { readWitnessEnv } from '../../src/audit/witness-env.js';
import { startWitnessPublisher } from '../../src/audit/witness-publisher.js';
import { sqliteBackend } from '../store/backends.js';
import { appendNumbered, newEntry } from './entries.js';

const signer = parseSigningKey('k'.repeat(40));
const backend = sqliteBackend();
let dir = '';
beforeAll(async () => {
  await backend.setup();
  dir = mkdtempSync(join(tmpdir(), 'cc-witness-'));
});
afterAll(async () => {
  await backend.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const silent = { info: () => undefined, error: () => undefined };
let files = 0;
const newFile = (): string => join(dir, `witness-${(files += 1)}.jsonl`);

describe('the witness publisher', () => {
  it('publishes every N entries, and after T when the chain grew less', async () => {
    const db = await backend.fresh({ signer });
    const path = newFile();
    let now = new Date('2026-12-01T10:00:00Z');
    const publisher = startWitnessPublisher({
      store: db.store,
      settings: { witness: fileWitness(path), everyEntries: 3, everyMs: 60_000 },
      now: () => now,
      log: silent,
      pollMs: 3_600_000,
    });
    try {
      await publisher.tick(); // empty store: nothing
      await appendNumbered(db.store, 3);
      await publisher.tick(); // first head
      await appendNumbered(db.store, 1);
      await publisher.tick(); // 1 < 3 new entries, 0 s: not yet
      now = new Date('2026-12-01T10:01:00Z');
      await publisher.tick(); // T passed: published

      const heads = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seq: number; signature: string });
      expect(heads.map((h) => h.seq)).toEqual([3, 4]);
      const [fourth] = await db.store.list({ afterSeq: 3, limit: 1 });
      expect(heads[1]).toEqual({ seq: 4, hash: fourth?.hash, signature: fourth?.signature, publishedAt: '2026-12-01T10:01:00.000Z' });
    } finally {
      publisher.stop();
    }
  });

  it('logs a witness it cannot write as an error and tries again at the next poll', async () => {
    const db = await backend.fresh();
    await appendNumbered(db.store, 1);
    const errors: unknown[] = [];
    const publisher = startWitnessPublisher({
      store: db.store,
      settings: { witness: fileWitness(join(dir, 'missing-dir', 'w.jsonl')), everyEntries: 1, everyMs: 60_000 },
      now: () => new Date(),
      log: { info: () => undefined, error: (meta: unknown) => void errors.push(meta) },
      pollMs: 3_600_000,
    });
    await publisher.tick();
    publisher.stop();

    expect(errors).toHaveLength(1);
  });
});

describe('checkWitness', () => {
  it.each([
    { name: 'the store still holds the published head', cut: 0, forge: false, ok: true, line: /^witness: entry 5 published .* matches$/ },
    {
      name: 'the newest entries were removed',
      cut: 2,
      forge: false,
      ok: false,
      line: /^WITNESS MISMATCH: the store ends at entry 3, but entry 5 published .*: entries were removed$/,
    },
    {
      name: 'the whole chain was rewritten',
      cut: 0,
      forge: true,
      ok: false,
      line: /^WITNESS MISMATCH: entry 5 has hash [0-9a-f]{64}, but entry 5 published .* had [0-9a-f]{64}: the chain was rewritten$/,
    },
  ])('$name', async ({ cut, forge, ok, line }) => {
    const db = await backend.fresh({ signer });
    await appendNumbered(db.store, 5);
    const [head] = await db.store.list({ newestFirst: true, limit: 1 });
    const published = { seq: 5, hash: head!.hash, signature: head!.signature, publishedAt: '2026-12-01T10:00:00.000Z' };
    if (cut > 0 || forge) await db.disableTriggers();
    if (cut > 0) await db.raw(`DELETE FROM audit_entries WHERE seq > ${5 - cut}`);
    if (forge) {
      await db.raw('DELETE FROM audit_entries');
      const rewriter = await db.openAnother({ signer });
      for (let index = 1; index <= 5; index += 1) await rewriter.append(newEntry({ data: { rewritten: index } }));
    }

    const result = await checkWitness({ store: db.store, head: published, witnessName: 'file w', signer });

    expect(result.ok).toBe(ok);
    expect(result.line).toMatch(line);
  });

  it('refuses a witness whose signature does not verify, and says so when there is no witness', async () => {
    const db = await backend.fresh({ signer });
    await appendNumbered(db.store, 1);
    const [head] = await db.store.list({});

    expect(
      (
        await checkWitness({
          store: db.store,
          head: { seq: 1, hash: head!.hash, signature: null, publishedAt: 'x' },
          witnessName: 'w',
          signer,
        })
      ).ok,
    ).toBe(false);
    expect(await checkWitness({ store: db.store, head: null, witnessName: 'w' })).toEqual({
      ok: false,
      line: expect.stringContaining('holds no published head'),
    });
  });
});

describe('fileWitness and readWitnessEnv', () => {
  it('keeps the highest head and refuses a line that is not one', async () => {
    const path = newFile();
    writeFileSync(
      path,
      `${JSON.stringify({ seq: 7, hash: 'a'.repeat(64), signature: null, publishedAt: 't2' })}\n${JSON.stringify({ seq: 5, hash: 'b'.repeat(64), signature: null, publishedAt: 't1' })}\n`,
    );

    expect(await fileWitness(path).latest()).toMatchObject({ seq: 7 });
    expect(await fileWitness(newFile()).latest()).toBeNull();
    writeFileSync(path, 'not json\n', { flag: 'a' });
    await expect(fileWitness(path).latest()).rejects.toThrow(/line 3 is not a published head/);
  });

  it.each([
    { env: {}, expected: null },
    { env: { AUDIT_WITNESS_FILE: '/w.jsonl' }, expected: { everyEntries: 100, everyMs: 600_000 } },
    {
      env: { AUDIT_WITNESS_FILE: '/w.jsonl', AUDIT_WITNESS_EVERY: '1', AUDIT_WITNESS_MINUTES: '0.5' },
      expected: { everyEntries: 1, everyMs: 30_000 },
    },
  ])('reads $env', ({ env, expected }) => {
    const settings = readWitnessEnv(env);

    expect(settings === null ? null : { everyEntries: settings.everyEntries, everyMs: settings.everyMs }).toEqual(expected);
  });

  it('names the variable that is wrong', () => {
    expect(() => readWitnessEnv({ AUDIT_WITNESS_FILE: '/w', AUDIT_WITNESS_EVERY: '0' })).toThrow(
      'AUDIT_WITNESS_EVERY must be a whole number of entries ≥ 1',
    );
  });
});
