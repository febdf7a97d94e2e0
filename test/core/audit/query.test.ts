import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStore, openStore, queryIndex, syncIndex, writeSnapshot, type Store } from '../../../src/core/index.js';
import type { AuditFilter, Trailer } from '../../../src/core/types.js';
import { indexData } from '../../../src/core/audit/index-store.js';

/** One snapshot the test makes: its files, who, when, and its change record. */
interface Made {
  title: string;
  body?: string;
  author: { name: string; email: string };
  /** Seconds since the epoch. */
  at: number;
  trailers: Trailer[];
  changeId: string;
  files: Record<string, string>;
  /** Changed paths (files) and fields (`file\tpath`), as the test knows them. */
  changedFiles: string[];
  fields: string[];
}

const ANN = { name: 'Ann Ops', email: 'ann@ops.example' };
const BEN = { name: 'Ben Dev', email: 'ben@dev.example' };
const ZOE = { name: 'Zoë Ängström', email: 'zoe@ops.example' };
const T = 1_790_000_000;

const MADE: Made[] = [
  {
    title: 'Initial', author: ANN, at: T, trailers: [{ key: 'Risk', value: 'low' }], changeId: 'I0000000000000001',
    files: { 'app.yaml': 'db:\n  pool: 5\n  host: a\n', 'conf.d/cache.yaml': 'ttl: 60\n' },
    changedFiles: ['app.yaml', 'conf.d/cache.yaml'], fields: ['app.yaml\tdb', 'conf.d/cache.yaml\tttl'],
  },
  {
    title: 'Bigger pool', body: 'For the sale.', author: BEN, at: T + 86400, trailers: [{ key: 'Risk', value: 'HIGH' }, { key: 'Component', value: 'db, api' }, { key: 'Ticket', value: 'OPS-1' }],
    changeId: 'I0000000000000002', files: { 'app.yaml': 'db:\n  pool: 9\n  host: a\n' }, changedFiles: ['app.yaml'], fields: ['app.yaml\tdb.pool'],
  },
  {
    title: 'Cache ttl', author: ANN, at: T + 2 * 86400, trailers: [{ key: 'Component', value: 'cache' }, { key: 'Ticket', value: 'OPS-2' }],
    changeId: 'I0000000000000003', files: { 'conf.d/cache.yaml': 'ttl: 120\n' }, changedFiles: ['conf.d/cache.yaml'], fields: ['conf.d/cache.yaml\tttl'],
  },
  {
    title: 'Host move', author: BEN, at: T + 3 * 86400, trailers: [{ key: 'Risk', value: 'high' }, { key: 'Ticket', value: 'OPS-1' }, { key: 'Approved-By', value: 'Ann' }],
    changeId: 'I0000000000000004', files: { 'app.yaml': 'db:\n  pool: 9\n  host: b\n', 'notes.txt': 'moved\n' }, changedFiles: ['app.yaml', 'notes.txt'], fields: ['app.yaml\tdb.host'],
  },
  {
    // Non-ASCII text, and a body line that looks like a trailer but is not one.
    title: 'Größere Pools für Zoë', body: 'Nach dem capacity review.\nRisk: low', author: ZOE, at: T + 4 * 86400, trailers: [{ key: 'Risk', value: 'médium' }, { key: 'Ticket', value: 'OPS-1' }],
    changeId: 'I0000000000000005', files: { 'app.yaml': 'db:\n  pool: 12\n  host: b\n' }, changedFiles: ['app.yaml'], fields: ['app.yaml\tdb.pool'],
  },
];

let dir = '';
let store: Store;
const oids: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-query-'));
  mkdirSync(join(dir, 'conf.d'));
  await initStore(dir);
  store = openStore(dir);
  for (const m of MADE) {
    for (const [file, text] of Object.entries(m.files)) writeFileSync(join(dir, file), text);
    const r = await writeSnapshot(store, { title: m.title, body: m.body, changeId: m.changeId, trailers: m.trailers, author: m.author, now: () => m.at * 1000, tzOffset: 60 });
    oids.push(r.commit!);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Newest first, the commits of MADE that satisfy `keep`. */
const expected = (keep: (m: Made) => boolean) => MADE.map((m, i) => (keep(m) ? oids[i]! : null)).filter((x): x is string => x !== null).reverse();
const has = (m: Made, key: string, value: (v: string) => boolean) => m.trailers.some((t) => t.key === key && value(t.value));

describe('queryIndex over an index built in-process', () => {
  const cases: [string, AuditFilter, (m: Made) => boolean][] = [
    ['no filter: everything, newest first', {}, () => true],
    ['since (inclusive)', { since: T + 86400 }, (m) => m.at >= T + 86400],
    ['until (inclusive)', { until: T + 86400 }, (m) => m.at <= T + 86400],
    ['author regex on Name <email>', { author: /@dev\.example>$/ }, (m) => m.author === BEN],
    ['grep title and body', { grep: /sale|Cache/ }, (m) => /sale|Cache/.test(`${m.title}\n${m.body ?? ''}`)],
    ['grep trailer lines', { grep: /^Ticket: OPS-1$/ }, (m) => has(m, 'Ticket', (v) => v === 'OPS-1')],
    ['changeId', { changeId: 'I0000000000000003' }, (m) => m.changeId === 'I0000000000000003'],
    ['trailers AND', { trailers: [{ key: 'ticket', value: 'OPS-1' }, { key: 'Approved-By', value: 'Ann' }] }, (m) => has(m, 'Ticket', (v) => v === 'OPS-1') && has(m, 'Approved-By', (v) => v === 'Ann')],
    ['risk, any case', { risk: 'high' }, (m) => has(m, 'Risk', (v) => v.toLowerCase() === 'high')],
    ['component in a list', { component: 'api' }, (m) => has(m, 'Component', (v) => v.split(',').map((s) => s.trim()).includes('api'))],
    ['file', { file: 'app.yaml' }, (m) => m.changedFiles.includes('app.yaml')],
    ['file directory', { file: 'conf.d' }, (m) => m.changedFiles.some((f) => f.startsWith('conf.d/'))],
    ['file that is only a prefix of a name', { file: 'conf' }, () => false],
    ['field', { field: 'db.pool' }, (m) => m.fields.some((f) => f === 'app.yaml\tdb.pool' || f === 'app.yaml\tdb')],
    ['field in a file', { field: 'conf.d/cache.yaml:ttl' }, (m) => m.fields.includes('conf.d/cache.yaml\tttl')],
    ['field in another file', { field: 'conf.d/cache.yaml:db' }, () => false],
    ['author as plain text (searched in the bytes), non-ASCII', { author: /Zoë Ä/ }, (m) => m.author === ZOE],
    ['author as plain text, case-insensitive', { author: /zoë ä/i }, (m) => m.author === ZOE],
    ['grep as plain text, non-ASCII, in the title', { grep: /für Zoë/ }, (m) => m.title.includes('für Zoë')],
    ['grep as plain text in the body', { grep: /capacity review/ }, (m) => (m.body ?? '').includes('capacity review')],
    ['grep of a body line that looks like a trailer', { grep: /^Risk: low$/ }, (m) => m.trailers.some((t) => t.key === 'Risk' && t.value === 'low') || (m.body ?? '').split('\n').includes('Risk: low')],
    ['risk ignores a trailer-like body line', { risk: 'low' }, (m) => has(m, 'Risk', (v) => v === 'low')],
    ['trailer with a non-ASCII value', { trailers: [{ key: 'Risk', value: 'médium' }] }, (m) => has(m, 'Risk', (v) => v === 'médium')],
    ['plain grep AND author AND changeId', { grep: /Pools/, author: /Zoë/, changeId: 'I0000000000000005' }, (m) => m.changeId === 'I0000000000000005'],
    ['AND of several', { author: /Ben/, risk: 'high', field: 'db.host' }, (m) => m.author === BEN && has(m, 'Risk', (v) => v.toLowerCase() === 'high') && m.fields.some((f) => /db(\.host)?$/.test(f))],
  ];

  for (const [name, filter, keep] of cases) {
    it(name, () => {
      // As read from disk, and as made from text (a rebuild or catch-up in memory).
      const data = syncIndex(store, { persist: false });
      const fromText = indexData({ text: data.text }, data.head, data.count, data.crc);
      for (const index of [data, fromText]) {
        expect(queryIndex(index, filter).json.map((j) => (JSON.parse(j) as { commit: string }).commit)).toEqual(expected(keep));
      }
    });
  }

  it('limit keeps the newest matches; 0 gives none', () => {
    const data = syncIndex(store, { persist: false });
    expect(queryIndex(data, { limit: 2 }).entries().map((e) => e.commit)).toEqual([oids[4], oids[3]]);
    expect(queryIndex(data, { limit: 1, author: /Ann/ }).entries().map((e) => e.commit)).toEqual([oids[2]]);
    expect(queryIndex(data, { limit: 0 }).json).toEqual([]);
  });

  it('entries carry the record as written', () => {
    const data = syncIndex(store, { persist: false });
    const [e] = queryIndex(data, { changeId: 'I0000000000000002' }).entries();
    expect(e).toEqual({
      commit: oids[1],
      parents: [oids[0]],
      changeId: 'I0000000000000002',
      title: 'Bigger pool',
      body: 'For the sale.',
      author: BEN,
      date: new Date((T + 86400 + 3600) * 1000).toISOString().replace('.000Z', '+01:00'),
      trailers: [{ key: 'Change-Id', value: 'I0000000000000002' }, ...MADE[1]!.trailers],
      files: [{ path: 'app.yaml', status: 'modified' }],
    });
  });
});
