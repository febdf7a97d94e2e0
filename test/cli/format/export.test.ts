import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportRecord, formatExport } from '../../../src/cli/format/export.js';
import type { AuditEntry, FieldChange } from '../../../src/core/types.js';

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
    const text = formatExport(entry(), CHANGES);
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
      risk: high
      ticket: OPS-1234
      requested_by: Carol <carol@example.com>
      affected_components: [ database, api ]
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
      dependencies: [ Iaaaabbbbccccdddd ]
      approval: { approved_by: [ Bob <bob@example.com> ], approved: true }
      rollback_info:
        parent: 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
        command: cfgtrail rollback 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
        is_rollback: false
      other_trailers:
        - key: Reviewed-On
          value: https://review.example.com/c/42
      "
    `);
    expectRoundTrip(text, {
      id: 'I4f5a6b7c8d9e0f12',
      commit: entry().commit,
      timestamp: '2026-11-26T15:19:07+01:00',
      author: { name: 'Jane Doe', email: 'jane@example.com' },
      change_summary: { title: entry().title, description: entry().body },
      risk: 'high',
      ticket: 'OPS-1234',
      requested_by: 'Carol <carol@example.com>',
      affected_components: ['database', 'api'],
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
      dependencies: ['Iaaaabbbbccccdddd'],
      approval: { approved_by: ['Bob <bob@example.com>'], approved: true },
      rollback_info: { parent: entry().parents[0], command: `cfgtrail rollback ${entry().parents[0]}`, is_rollback: false },
      other_trailers: [{ key: 'Reviewed-On', value: 'https://review.example.com/c/42' }],
    });
  });

  it('fills the record for a bare root commit', () => {
    const bare = entry({ parents: [], changeId: null, body: '', trailers: [], files: [] });
    const text = formatExport(bare, []);
    const read = parse(text) as Record<string, unknown>;
    expect(read).toMatchObject({
      id: null,
      risk: null,
      ticket: null,
      affected_components: [],
      dependencies: [],
      approval: { approved_by: [], approved: false },
      rollback_info: { parent: null, command: null, is_rollback: false },
      other_trailers: [],
    });
    expectRoundTrip(text, exportRecord(bare, []));
  });

  it('marks rollbacks and takes the caller’s rollback command', () => {
    const rb = entry({ trailers: [{ key: 'Rollback-Of', value: 'Izzzz' }] });
    expect(parse(formatExport(rb, [])).rollback_info.is_rollback).toBe(true);
    const text = formatExport(entry(), [], { rollback: { command: 'cfgtrail rollback --to I4f5a6b7c', isRollback: false } });
    expect(parse(text).rollback_info).toEqual({
      parent: entry().parents[0],
      command: 'cfgtrail rollback --to I4f5a6b7c',
      is_rollback: false,
    });
  });

  it('keeps values that YAML 1.1 readers would retype', () => {
    const tricky = ['yes', 'no', 'on', 'off', 'y', 'n', '0755', '1_000', '12:30', '2026-11-26', '~', 'null', '', ' lead',
      'a: b', '- x', '# not a comment', '[1, 2]', '{a: 1}', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick', "it's",
      'say "hi"', 'multi\nline\n', 'tab\there', 'ünïcödé ✓', '\u0007bell', '.inf', '-.nan', '0x1f', '1e3', '+1',
      '\ttab', 'nel\u0085x', 'ls\u2028x', 'ps\u2029x', 'bom\ufeffx', 'nul\u0000x', 'del\u007fx', 'c1\u0090x',
      'nonchar\uffffx', 'x\r\ny', 'cr\rx', 'trail ', 'multi\nline \n', 'multi\n\ttabbed\n', 'emoji 😀', 'lone\ud800x'];
    const changes = tricky.map((v, i) => change('config.yaml', `k${i}`, 'changed', v, { nested: [v, i, null, false], [v]: v }));
    const e = entry({ title: tricky.join(' | ').replace(/\n/g, ' '), body: tricky.join('\n'), author: { name: 'on', email: 'yes' } });
    expectRoundTrip(formatExport(e, changes), exportRecord(e, changes));
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
    expectRoundTrip(formatExport(e, changes), exportRecord(e, changes));
  });
});
