/**
 * A second process for the SQLite concurrency test: opens the store at argv[2] and appends argv[3]
 * entries tagged with argv[4]. Run with `node --import tsx`.
 */
import { createSqliteAuditStore } from '../../src/store/sqlite-store.js';
import { newEntry } from '../audit/entries.js';

const [path, count, tag] = process.argv.slice(2);
if (!path || !count || !tag) throw new Error('usage: append-worker.ts PATH COUNT TAG');
const store = createSqliteAuditStore({ path });
for (let index = 0; index < Number(count); index += 1) await store.append(newEntry({ data: { tag, index } }));
await store.close();
