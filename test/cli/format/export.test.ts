import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatExport, formatExportJson } from '../../../src/cli/format/export.js';
import { changeRecord, type RecordContext } from '../../../src/core/record/change-record.js';
import type { AuditEntry, FieldChange, FileDiff } from '../../../src/core/types.js';

import { chartVersions } from '../../helpers/corpus.js';

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    commit: '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    parents: ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'],
    changeId: 'I4f5a6b7c8d9e0f12',
    title: 'Raise pool size for the Black Friday load',
    body: 'Load tests showed pool exhaustion at 20.\n\nSee the dashboard.',
    author: { name: 'Jane Doe', email: 'jane@example.com' },
    date: '2026-11-26T15:19:07+01:00',
    trailers: [
      { key: 'Risk', value: 'high' },
      { key: 'Component', value: 'database' },
      { key: 'Component', value: 'api' },
      { key: 'Requested-By', value: 'Carol <carol@example.com>' },
      { key: 'Approved-By', value: 'Bob <bob@example.com>' },
      { key: 'Depends-On', value: 'Iaaaabbbbccccdddd' },
      { key: 'Ticket', value: 'OPS-1234' },
      { key: 'Change-Id', value: 'I4f5a6b7c8d9e0f12' },
      { key: 'Reviewed-On', value: 'https://review.example.com/c/42' },
    ],
    files: [
      { path: 'config.yaml', status: 'modified' },
      { path: 'conf.d/cache.yaml', status: 'added' },
      { path: 'old.yaml', status: 'deleted' },
    ],
    ...over,
  };
}

function change(file: string, pathText: string, kind: FieldChange['kind'], from?: unknown, to?: unknown): FieldChange {
  return { file, path: pathText.split('.'), pathText, kind, from, to };
}

const CHANGES: FieldChange[] = [
  change('config.yaml', 'database.pool.max', 'changed', 20, 50),
  change('config.yaml', 'database.ssl', 'added', undefined, true),
  change('conf.d/cache.yaml', 'cache.ttl', 'added', undefined, '300s'),
  change('config.yaml', 'legacy.flag', 'removed', 'on', undefined),
];

/** Tree diffs holding `changes`, one per file. */
function treeDiffs(changes: readonly FieldChange[]): FileDiff[] {
  const files = [...new Set(changes.map((c) => c.file))];
  return files.map((file) => ({ file, status: 'modified', format: 'tree', changes: changes.filter((c) => c.file === file) }));
}

/** The record of `e` with the field changes `changes` and nothing else known. */
function exportRecord(e: AuditEntry, changes: readonly FieldChange[], ctx: Partial<RecordContext> = {}): object {
  return changeRecord(e, { diffs: treeDiffs(changes), ...ctx });
}

/** PyYAML (a YAML 1.1 reader) as an independent judge of what we printed. */
function pyYaml(text: string): unknown {
  const script = 'import sys,yaml,json; print(json.dumps(yaml.safe_load(sys.stdin)))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: text, encoding: 'utf8' }));
}

/** Both readers must give back exactly the record we meant to print. */
function expectRoundTrip(text: string, expected: unknown): void {
  const plain = JSON.parse(JSON.stringify(expected)) as unknown;
  expect(parse(text)).toEqual(plain);
  expect(pyYaml(text)).toEqual(plain);
}

describe('formatExport', () => {
  it('prints the change-log shape', () => {
    const text = formatExport(exportRecord(entry(), CHANGES));
    expect(text).toMatchInlineSnapshot(`
      "id: I4f5a6b7c8d9e0f12
      commit: 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39
      timestamp: "2026-11-26T15:19:07+01:00"
      author: { name: Jane Doe, email: jane@example.com }
      change_summary:
        title: Raise pool size for the Black Friday load
        description: |-
          Load tests showed pool exhaustion at 20.

          See the dashboard.
      ticket: OPS-1234
      requested_by: Carol <carol@example.com>
      affected_components:
        - { name: database, type: null, environment: null }
        - { name: api, type: null, environment: null }
      files_modified:
        - path: config.yaml
          status: modified
          changes:
            - field: database.pool.max
              from: 20
              to: 50
            - field: database.ssl
              to: true
            - field: legacy.flag
              from: "on"
        - path: conf.d/cache.yaml
          status: added
          changes:
            - field: cache.ttl
              to: 300s
        - path: old.yaml
          status: deleted
          changes: []
      impact_assessment:
        risk: high
        impact: null
        downtime: null
        downtime_ms: null
      testing:
        pre_change: []
        post_change:
          status: not verified
      dependencies:
        - { change_id: Iaaaabbbbccccdddd, relationship: depends-on, in_effect: false, status: unknown change, commit: null, undone_by: null }
      approval:
        approved_by: [ Bob <bob@example.com> ]
        approved: true
        approved_at: "2026-11-26T15:19:07+01:00"
        approved_at_source: commit date
      rollback_info:
        parent: 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
        command: cfgtrail revert I4f5a6b7c8d9e0f12
        is_rollback: false
        rolls_back_to: null
        rolls_back: []
        partially_rolls_back: []
        reverts: []
        pre_rollback_snapshot: null
        estimated_rollback_time: no measurement yet
        estimate_basis: null
      other_trailers:
        - key: Reviewed-On
          value: https://review.example.com/c/42
      "
    `);
    expectRoundTrip(text, exportRecord(entry(), CHANGES));
    expect(parse(text)).toMatchObject({
      affected_components: [{ name: 'database', type: null, environment: null }, { name: 'api', type: null, environment: null }],
      files_modified: [
        {
          path: 'config.yaml',
          status: 'modified',
          changes: [
            { field: 'database.pool.max', from: 20, to: 50 },
            { field: 'database.ssl', to: true },
            { field: 'legacy.flag', from: 'on' },
          ],
        },
        { path: 'conf.d/cache.yaml', status: 'added', changes: [{ field: 'cache.ttl', to: '300s' }] },
        { path: 'old.yaml', status: 'deleted', changes: [] },
      ],
      impact_assessment: { risk: 'high', impact: null, downtime: null, downtime_ms: null },
      rollback_info: { parent: entry().parents[0], command: 'cfgtrail revert I4f5a6b7c8d9e0f12', is_rollback: false },
    });
  });

  it('fills the record for a bare root commit', () => {
    const bare = entry({ parents: [], changeId: null, body: '', trailers: [], files: [] });
    const text = formatExport(exportRecord(bare, []));
    const read = parse(text) as Record<string, unknown>;
    expect(read).toMatchObject({
      id: null,
      impact_assessment: { risk: null, impact: null, downtime: null, downtime_ms: null },
      testing: { pre_change: [], post_change: { status: 'not verified' } },
      ticket: null,
      affected_components: [],
      dependencies: [],
      approval: { approved_by: [], approved: false, approved_at: null, approved_at_source: null },
      rollback_info: { parent: null, command: null, is_rollback: false, estimated_rollback_time: 'no measurement yet' },
      other_trailers: [],
    });
    expectRoundTrip(text, exportRecord(bare, []));
  });

  it('the rollback command undoes this change only, never a rollback to the parent', () => {
    const info = (e: AuditEntry) => (parse(formatExport(exportRecord(e, []))) as { rollback_info: Record<string, unknown> }).rollback_info;
    expect(info(entry()).command).toBe('cfgtrail revert I4f5a6b7c8d9e0f12');
    expect(info(entry({ changeId: null })).command).toBe(`cfgtrail revert ${entry().commit}`);
    expect(info(entry({ parents: [] })).command).toBeNull();
  });

  it('gives the whole rollback chain from the trailers', () => {
    const rb = entry({
      trailers: [
        { key: 'Rollback-To', value: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567' },
        { key: 'Rollback-Of', value: 'I1111222233334444' },
        { key: 'Rollback-Of', value: 'I5555666677778888' },
        { key: 'Partially-Rolls-Back', value: 'I9999aaaabbbbcccc (config.yaml, conf.d/cache.yaml)' },
        { key: 'Reverts', value: 'Iddddeeeeffff0000' },
        { key: 'Pre-Rollback-Snapshot', value: 'feedfacefeedfacefeedfacefeedfacefeedface' },
        { key: 'Forced', value: 'depends-on check overridden' },
      ],
    });
    const read = parse(formatExport(exportRecord(rb, []))) as Record<string, Record<string, unknown>>;
    expect(read.rollback_info).toEqual({
      parent: entry().parents[0],
      command: 'cfgtrail revert I4f5a6b7c8d9e0f12',
      is_rollback: true,
      rolls_back_to: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      rolls_back: ['I1111222233334444', 'I5555666677778888'],
      partially_rolls_back: [{ change_id: 'I9999aaaabbbbcccc', files: ['config.yaml', 'conf.d/cache.yaml'] }],
      reverts: ['Iddddeeeeffff0000'],
      pre_rollback_snapshot: 'feedfacefeedfacefeedfacefeedfacefeedface',
      estimated_rollback_time: 'no measurement yet',
      estimate_basis: null,
    });
    // the chain has its own fields; what has none stays in other_trailers
    expect(read.other_trailers).toEqual([{ key: 'Forced', value: 'depends-on check overridden' }]);
  });

  it('lists the changed lines of text files and the mode of every file whose mode changed', () => {
    const diffs: FileDiff[] = [
      { file: 'limits.json', status: 'mode', format: 'tree', changes: [], fromMode: '0644', toMode: '0600' },
      { file: 'myapp.env', status: 'modified', format: 'text', changes: [], patch: '--- a/myapp.env\n+++ b/myapp.env\n@@ -1,3 +1,3 @@\n LISTEN=0.0.0.0\n-DB_PASSWORD=<redacted:aaaaaa>\n+DB_PASSWORD=<redacted:bbbbbb>\n WORKERS=4\n' },
      { file: 'nginx.conf', status: 'modified', format: 'text', changes: [], patch: '--- a/nginx.conf\n+++ b/nginx.conf\n@@ -2,2 +2,3 @@\n events {}\n-worker_processes 2;\n+worker_processes 4;\n+worker_rlimit_nofile 8192;\n', fromMode: '0644', toMode: '0755' },
    ];
    const e = entry({ files: [{ path: 'myapp.env', status: 'modified' }, { path: 'nginx.conf', status: 'modified' }] });
    const text = formatExport(changeRecord(e, { diffs }));
    expect(text.split('files_modified:\n')[1]!.split('impact_assessment:')[0]).toBe(`  - path: myapp.env
    status: modified
    changes:
      - line: 2
        from: DB_PASSWORD=<redacted:aaaaaa>
        to: DB_PASSWORD=<redacted:bbbbbb>
  - path: nginx.conf
    status: modified
    mode: { from: "0644", to: "0755" }
    changes:
      - line: 3
        from: worker_processes 2;
        to: worker_processes 4;
      - line: 4
        to: worker_rlimit_nofile 8192;
  - path: limits.json
    status: mode
    mode: { from: "0644", to: "0600" }
    changes: []
`);
    expectRoundTrip(text, changeRecord(e, { diffs }));
  });

  it('says why a file lists fewer changes than it has: secret, binary, partial, not parsed', () => {
    const diffs: FileDiff[] = [
      { file: 'tls.key', status: 'modified', format: 'binary', changes: [], fromSize: 1700, toSize: 1704, secret: { fromTag: '<redacted:aaaaaa>', toTag: '<redacted:bbbbbb>' } },
      { file: 'logo.png', status: 'added', format: 'binary', changes: [], toSize: 5120 },
      { file: 'big.conf', status: 'modified', format: 'text', changes: [], patch: '@@ -1,1 +1,1 @@\n-a\n+b\n', summary: 'over diff_max_bytes (64 MiB): the first changed lines only' },
      { file: 'bad.yaml', status: 'modified', format: 'text', changes: [], patch: '@@ -1,1 +1,1 @@\n-a: [\n+a: [1\n', warning: 'bad.yaml:1:4: unexpected end of flow sequence' },
      { file: 'config.yaml', status: 'modified', format: 'tree', changes: [change('config.yaml', 'a', 'changed', 1, 2)] },
    ];
    const rec = changeRecord(entry({ files: [] }), { diffs }) as { files_modified: { path: string; note?: string }[] };
    expect(rec.files_modified.map((f) => [f.path, f.note])).toEqual([
      ['tls.key', 'secret file, content not shown (<redacted:aaaaaa> → <redacted:bbbbbb>, 1700 → 1704 bytes)'],
      ['logo.png', 'binary, 0 → 5120 bytes'],
      ['big.conf', 'over diff_max_bytes (64 MiB): the first changed lines only'],
      ['bad.yaml', 'compared as text: bad.yaml:1:4: unexpected end of flow sequence'],
      ['config.yaml', undefined],
    ]);
    expectRoundTrip(formatExport(rec), rec);
  });

  it('gives testing, impact, approval time, dependencies, components and the rollback estimate', () => {
    const e = entry({
      trailers: [
        ...entry().trailers,
        { key: 'Tested', value: 'staging: passed' },
        { key: 'Tested', value: 'load test ok' },
        { key: 'Impact', value: 'API pods restart one by one' },
        { key: 'Downtime', value: '1.5m' },
        { key: 'Approved-At', value: '2026-11-25T09:00:00+01:00' },
      ],
    });
    const rec = changeRecord(e, {
      diffs: [],
      components: { database: { type: 'postgres', environment: 'production' } },
      verification: {
        result: 'passed', at: '2026-11-26T14:20:00.000Z', by: 'Jane <jane@example.com>', kind: 'snapshot',
        services: [{ name: 'db', ok: true, restart: { ok: true, command: ['x'], exitCode: 0, durationMs: 1200, message: 'restarted' }, checks: [{ check: 'tcp 127.0.0.1:5432', ok: true, attempts: 2, durationMs: 300, message: 'open' }] }],
      },
      dependencies: [{ change_id: 'Iaaaabbbbccccdddd', relationship: 'depends-on', in_effect: false, status: 'rolled back', commit: null, undone_by: 'Ieeee000011112222' }],
      rollbackEstimate: { median_ms: 4210, rollbacks: ['c1', 'c2', 'c3'], services: ['db'] },
    }) as Record<string, Record<string, unknown>>;
    const read = parse(formatExport(rec)) as typeof rec;
    expect(read.affected_components).toEqual([{ name: 'database', type: 'postgres', environment: 'production' }, { name: 'api', type: null, environment: null }]);
    expect(read.impact_assessment).toEqual({ risk: 'high', impact: 'API pods restart one by one', downtime: '1.5m', downtime_ms: 90000 });
    expect(read.testing).toEqual({
      pre_change: [{ environment: 'staging', result: 'passed' }, { environment: null, result: 'load test ok' }],
      post_change: {
        status: 'passed', at: '2026-11-26T14:20:00.000Z', by: 'Jane <jane@example.com>', kind: 'snapshot',
        services: [{ name: 'db', ok: true, restart: { ok: true, duration_ms: 1200, message: 'restarted' }, checks: [{ check: 'tcp 127.0.0.1:5432', ok: true, attempts: 2, duration_ms: 300, message: 'open' }] }],
      },
    });
    expect(read.approval).toEqual({ approved_by: ['Bob <bob@example.com>'], approved: true, approved_at: '2026-11-25T09:00:00+01:00', approved_at_source: 'Approved-At trailer' });
    expect(read.dependencies).toEqual([{ change_id: 'Iaaaabbbbccccdddd', relationship: 'depends-on', in_effect: false, status: 'rolled back', commit: null, undone_by: 'Ieeee000011112222' }]);
    expect(read.rollback_info).toMatchObject({ estimated_rollback_time: '4.2 s', estimate_basis: { median_ms: 4210, rollbacks: ['c1', 'c2', 'c3'], services: ['db'] } });
    expect(read.other_trailers).toEqual([{ key: 'Reviewed-On', value: 'https://review.example.com/c/42' }]);
    expect(JSON.parse(formatExportJson(rec))).toEqual(read);
  });

  it('dates an approval without Approved-At by its commit, and says so', () => {
    expect((parse(formatExport(exportRecord(entry(), []))) as { approval: unknown }).approval).toEqual({
      approved_by: ['Bob <bob@example.com>'], approved: true, approved_at: '2026-11-26T15:19:07+01:00', approved_at_source: 'commit date',
    });
  });

  it('prints a range as a list of records, oldest first as given', () => {
    const a = exportRecord(entry({ changeId: 'Iaaaaaaaaaaaaaaaa' }), []);
    const b = exportRecord(entry({ changeId: 'Ibbbbbbbbbbbbbbbb' }), CHANGES);
    const text = formatExport([a, b]);
    expect(text.startsWith('- id: Iaaaaaaaaaaaaaaaa\n')).toBe(true);
    expectRoundTrip(text, [a, b]);
    expect(JSON.parse(formatExportJson([a, b]))).toEqual(parse(text));
  });

  it('keeps values that YAML 1.1 readers would retype', () => {
    const tricky = ['yes', 'no', 'on', 'off', 'y', 'n', '0755', '1_000', '12:30', '2026-11-26', '~', 'null', '', ' lead',
      'a: b', '- x', '# not a comment', '[1, 2]', '{a: 1}', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick', "it's",
      'say "hi"', 'multi\nline\n', 'tab\there', 'ünïcödé ✓', '\u0007bell', '.inf', '-.nan', '0x1f', '1e3', '+1',
      '\ttab', 'nel\u0085x', 'ls\u2028x', 'ps\u2029x', 'bom\ufeffx', 'nul\u0000x', 'del\u007fx', 'c1\u0090x',
      'nonchar\uffffx', 'x\r\ny', 'cr\rx', 'trail ', 'multi\nline \n', 'multi\n\ttabbed\n', 'emoji 😀', 'lone\ud800x'];
    const changes = tricky.map((v, i) => change('config.yaml', `k${i}`, 'changed', v, { nested: [v, i, null, false], [v]: v }));
    const e = entry({ title: tricky.join(' | ').replace(/\n/g, ' '), body: tricky.join('\n'), author: { name: 'on', email: 'yes' } });
    expectRoundTrip(formatExport(exportRecord(e, changes)), exportRecord(e, changes));
  });

  it('carries a real values file and real commit subjects through both readers', () => {
    const versions = chartVersions('prometheus');
    const values = parse(readFileSync(versions.at(-1)!.file, 'utf8')) as unknown;
    const subjects = versions.map((v) => v.subject);
    // the manifest names every version the chart's folder holds
    expect(subjects.length).toBe(readdirSync(dirname(versions[0]!.file)).filter((f) => f.endsWith('.yaml')).length);
    const changes = subjects.map((s, i) => change('values.yaml', `server.s${i}`, 'changed', s, i));
    changes.push(change('values.yaml', 'root', 'added', undefined, values));
    const e = entry({ title: subjects[0] as string, body: subjects.join('\n') });
    expectRoundTrip(formatExport(exportRecord(e, changes)), exportRecord(e, changes));
  });
});
