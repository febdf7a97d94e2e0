/**
 * `cfgtrail check` through bin/: each check and policy rule passing and
 * failing with its exit code, `--staged`, and snapshot enforcing the policy.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, gitIn, tempDir } from '../helpers/cli.js';

const BOB = 'Bob Approver <bob@example.com>';
const SEC = 'Sec Team <sec@example.com>';

function store(policy = ''): { dir: string; gitdir: string } {
  const dir = tempDir('cfgtrail-check-');
  writeFileSync(join(dir, 'app.yaml'), 'pool: 20\nsecurity:\n  tls: true\n');
  writeFileSync(join(dir, 'limits.json'), '{"rps": 100}\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  if (policy) writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), policy);
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 21\nsecurity:\n  tls: true\n');
  const tune = cfgtrail(['snapshot', '-m', 'Tune pool', '--ticket', 'OPS-1', '--risk', 'low'], { cwd: dir });
  expect(tune.stderr).toBe('');
  expect(tune.code).toBe(0);
  return { dir, gitdir: join(dir, '.cfgtrail') };
}

function check(dir: string, args: string[] = []): { code: number; lines: Record<string, string>; stdout: string; stderr: string } {
  const r = cfgtrail(['check', ...args], { cwd: dir });
  const lines: Record<string, string> = {};
  for (const l of r.stdout.split('\n').filter(Boolean)) {
    const m = /^(pass|warn|fail)  (\S+)\s+(.*)$/.exec(l);
    if (m) lines[m[2]!] = `${m[1]} ${m[3]}`;
  }
  return { ...r, lines };
}

describe('cfgtrail check', () => {
  it('passes a clean store: one line per check, exit 0; --json has the same', () => {
    const { dir } = store();
    const r = check(dir);
    expect(r.code).toBe(0);
    expect(Object.keys(r.lines)).toEqual(['parse', 'settings', 'freeze', 'rollback', 'depends-on', 'drift']);
    expect(r.lines.parse).toBe('pass 2 YAML/JSON files');
    expect(r.lines.freeze).toBe('pass not frozen');
    const json = JSON.parse(cfgtrail(['check', '--json'], { cwd: dir }).stdout) as { ok: boolean; frozen: boolean; checks: { name: string; status: string }[] };
    expect(json.ok).toBe(true);
    expect(json.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['parse:pass', 'settings:pass', 'freeze:pass', 'rollback:pass', 'depends-on:pass', 'drift:pass']);
  });

  it('fails on a file that does not parse (exit 1, file:line:col); drift warns by default and fails with drift: fail', () => {
    const { dir, gitdir } = store();
    writeFileSync(join(dir, 'limits.json'), '{"rps": 100,,}\n');
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.lines.parse).toMatch(/^fail limits\.json:1:\d+: /);
    expect(r.lines.drift).toBe('warn 1 file differs from the last snapshot: limits.json');
    writeFileSync(join(dir, 'limits.json'), '{"rps": 200}\n');
    expect(check(dir).code).toBe(0);
    writeFileSync(join(gitdir, 'settings.yaml'), 'policy:\n  drift: fail\n');
    const d = check(dir);
    expect(d.code).toBe(1);
    expect(d.lines.drift).toMatch(/^fail 1 file differs/);
  });

  it('exits 15 while frozen, naming the reason and who froze', () => {
    const { dir } = store();
    expect(cfgtrail(['freeze', '--reason', 'incident 7', '--author', 'Ann <ann@example.com>'], { cwd: dir }).code).toBe(0);
    const r = check(dir);
    expect(r.code).toBe(15);
    expect(r.lines.freeze).toMatch(/^fail changes are frozen since .* by Ann <ann@example.com>: incident 7/);
    // the policy judges the newest change, not the freeze record
    expect(r.lines['depends-on']).toBe('pass none named');
  });

  it('settings errors and usage errors exit 2 with one line', () => {
    const { dir, gitdir } = store();
    writeFileSync(join(gitdir, 'settings.yaml'), 'policy:\n  max_files: zero\n');
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cfgtrail: check: .*settings\.yaml:2: policy\.max_files: .*\n$/);
    writeFileSync(join(gitdir, 'settings.yaml'), 'policy:\n  drift: sometimes\n');
    expect(check(dir).code).toBe(2);
    writeFileSync(join(gitdir, 'settings.yaml'), '');
    expect(check(dir, ['--staged']).code).toBe(2);
    expect(check(dir, ['-m', 'x']).code).toBe(2);
    expect(check(dir, ['--staged', '-m', 'x', '--risk', 'extreme']).code).toBe(2);
    expect(check(dir, ['--bogus']).code).toBe(2);
  });

  it('required trailers: the newest change and a staged one', () => {
    const { dir, gitdir } = store('policy:\n  required_trailers: [Ticket, Risk]\n');
    expect(check(dir).lines['required-trailers']).toBe('pass Ticket, Risk');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 30\nsecurity:\n  tls: true\n');
    const staged = check(dir, ['--staged', '-m', 'Raise pool', '--ticket', 'OPS-2']);
    expect(staged.code).toBe(1);
    expect(staged.lines['required-trailers']).toBe('fail missing Risk');
    expect(staged.lines.drift).toBe('pass 1 file staged: app.yaml');
    expect(check(dir, ['--staged', '-m', 'Raise pool', '--ticket', 'OPS-2', '--risk', 'low']).code).toBe(0);
    // snapshot enforces the same rule, records nothing, exit 13
    const head = gitIn(gitdir, ['rev-parse', 'HEAD']);
    const snap = cfgtrail(['snapshot', '-m', 'Raise pool', '--ticket', 'OPS-2'], { cwd: dir });
    expect(snap.code).toBe(13);
    expect(snap.stderr).toMatch(/^cfgtrail: not recording a snapshot: the policy in settings.yaml refuses it \(required-trailers: missing Risk\); 'cfgtrail check --staged' with the same flags shows every check\n$/);
    expect(gitIn(gitdir, ['rev-parse', 'HEAD'])).toBe(head);
    expect(cfgtrail(['snapshot', '-m', 'Raise pool', '--ticket', 'OPS-2', '--risk', 'low', '--change-id', 'I0123456789abcdef'], { cwd: dir }).code).toBe(0);
    // a Change-Id this store has used: check --staged fails it as snapshot would refuse it
    writeFileSync(join(dir, 'app.yaml'), 'pool: 40\nsecurity:\n  tls: true\n');
    const again = check(dir, ['--staged', '-m', 'Raise pool more', '--ticket', 'OPS-3', '--risk', 'low', '--change-id', 'I0123456789abcdef']);
    expect(again.code).toBe(1);
    expect(again.lines['change-id']).toBe('fail Change-Id I0123456789abcdef is already used in this store: snapshot would refuse it');
    expect(cfgtrail(['snapshot', '-m', 'Raise pool more', '--ticket', 'OPS-3', '--risk', 'low', '--change-id', 'I0123456789abcdef'], { cwd: dir }).code).toBe(5);
    expect(check(dir, ['--staged', '-m', 'Raise pool more', '--ticket', 'OPS-3', '--risk', 'low', '--change-id', 'I00000000000000ff']).lines['change-id']).toBe('pass I00000000000000ff is new');
  });

  it('approvals by risk: distinct approvers, the author not counted', () => {
    const { dir } = store('policy:\n  approvals: { high: 1, critical: 2 }\n');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 90\nsecurity:\n  tls: true\n');
    const base = ['--staged', '-m', 'Big pool'];
    expect(check(dir, [...base, '--risk', 'low']).lines.approvals).toBe('pass risk low: 0 approvers, 0 needed');
    const high = check(dir, [...base, '--risk', 'high']);
    expect(high.code).toBe(1);
    expect(high.lines.approvals).toBe('fail risk high: 0 approvers, 1 needed (Approved-By, not the author)');
    // the author approving their own change does not count
    expect(check(dir, [...base, '--risk', 'high', '--approved-by', 'Me <ops@example.com>']).code).toBe(1);
    expect(check(dir, [...base, '--risk', 'high', '--approved-by', BOB]).code).toBe(0);
    // the same person twice is one approver
    expect(check(dir, [...base, '--risk', 'critical', '--approved-by', BOB, '--approved-by', 'Bobby <BOB@example.com>']).lines.approvals).toBe('fail risk critical: 1 approver, 2 needed (Approved-By, not the author)');
    expect(check(dir, [...base, '--risk', 'critical', '--approved-by', BOB, '--approved-by', SEC]).code).toBe(0);
  });

  it('Depends-On ids must exist in the store (a unique prefix counts)', () => {
    const { dir, gitdir } = store();
    const id = /Change-Id: (\S+)/.exec(gitIn(gitdir, ['log', '-1', '--format=%B']))![1]!;
    writeFileSync(join(dir, 'app.yaml'), 'pool: 25\nsecurity:\n  tls: true\n');
    expect(check(dir, ['--staged', '-m', 'x', '--depends-on', id.slice(0, 8)]).lines['depends-on']).toBe('pass 1 found');
    const r = check(dir, ['--staged', '-m', 'x', '--depends-on', 'I0000000000000000']);
    expect(r.code).toBe(1);
    expect(r.lines['depends-on']).toBe('fail no change in this store has I0000000000000000');
  });

  it('snapshot judges the policy again under the lock, after the pre-snapshot hook: an edit the hook makes is not let through', () => {
    const { dir, gitdir } = store(`policy:\n  forbidden_fields:\n    - { field: 'security.*', approvers: ['${SEC}'] }\n`);
    mkdirSync(join(gitdir, 'hooks'), { recursive: true });
    // a hook that edits a forbidden field after the first check has passed
    writeFileSync(join(gitdir, 'hooks', 'pre-snapshot'), `#!/bin/sh\nsed -i 's/tls: true/tls: false/' '${join(dir, 'app.yaml')}'\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'app.yaml'), 'pool: 22\nsecurity:\n  tls: true\n');
    const head = gitIn(gitdir, ['rev-parse', 'HEAD']);
    const r = cfgtrail(['snapshot', '-m', 'Tune pool again'], { cwd: dir });
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(/^cfgtrail: not recording a snapshot: the policy in settings.yaml refuses it \(forbidden-fields: app\.yaml:security\.tls under security\.\* needs Approved-By/);
    expect(gitIn(gitdir, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('forbidden fields: security.* needs the security approver, in the newest change and staged', () => {
    const { dir } = store(`policy:\n  forbidden_fields:\n    - { field: 'security.*', approvers: ['${SEC}'] }\n    - { field: rps, files: ['*.json'] }\n`);
    writeFileSync(join(dir, 'app.yaml'), 'pool: 20\nsecurity:\n  tls: false\n');
    const r = check(dir, ['--staged', '-m', 'Turn off TLS']);
    expect(r.code).toBe(1);
    expect(r.lines['forbidden-fields']).toBe(`fail app.yaml:security.tls under security.* needs Approved-By ${SEC}`);
    expect(check(dir, ['--staged', '-m', 'Turn off TLS', '--approved-by', BOB]).code).toBe(1);
    expect(check(dir, ['--staged', '-m', 'Turn off TLS', '--approved-by', 'S <sec@example.com>']).code).toBe(0);
    // a rule with no approvers is never allowed, and only in its files
    writeFileSync(join(dir, 'app.yaml'), 'pool: 20\nrps: 5\nsecurity:\n  tls: true\n');
    expect(check(dir, ['--staged', '-m', 'rps in yaml is fine']).code).toBe(0);
    writeFileSync(join(dir, 'limits.json'), '{"rps": 1}\n');
    expect(check(dir, ['--staged', '-m', 'x', '--approved-by', SEC]).lines['forbidden-fields']).toBe('fail limits.json:rps under rps never allowed');
    // the recorded newest change is judged too (here recorded with enforcement off)
    writeFileSync(join(dir, 'limits.json'), '{"rps": 100}\n');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 20\nsecurity:\n  tls: false\n');
    const sneaky = cfgtrail(['snapshot', '-m', 'sneaky'], { cwd: dir });
    expect(sneaky.code).toBe(13);
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), `policy:\n  enforce_on_snapshot: false\n  forbidden_fields:\n    - { field: 'security.*', approvers: ['${SEC}'] }\n`);
    expect(cfgtrail(['snapshot', '-m', 'sneaky'], { cwd: dir }).code).toBe(0);
    expect(check(dir).lines['forbidden-fields']).toMatch(/^fail app\.yaml:security\.tls under security\.\*/);
  });

  it('the first snapshot is exempt: it records what is there', () => {
    const dir = tempDir('cfgtrail-check-');
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'b.yaml'), 'b: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), 'policy:\n  max_files: 1\n  required_trailers: [Ticket]\n');
    expect(cfgtrail(['snapshot', '-m', 'import'], { cwd: dir }).code).toBe(0);
    expect(check(dir).lines.policy).toMatch(/^pass the newest change \([0-9a-f]{7}\) is the first snapshot: the policy judges new changes$/);
  });

  it('max files per change; rollbacks are exempt from the policy', () => {
    const { dir } = store('policy:\n  max_files: 1\n  required_trailers: [Ticket]\n');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 1\nsecurity:\n  tls: true\n');
    writeFileSync(join(dir, 'limits.json'), '{"rps": 1}\n');
    const r = check(dir, ['--staged', '-m', 'two files', '--ticket', 'T-1']);
    expect(r.lines['max-files']).toBe('fail 2 files, at most 1 allowed');
    writeFileSync(join(dir, 'limits.json'), '{"rps": 100}\n');
    expect(cfgtrail(['snapshot', '-m', 'one file', '--ticket', 'T-1'], { cwd: dir }).code).toBe(0);
    expect(check(dir).lines['max-files']).toBe('pass 1 of at most 1');
    expect(cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: dir }).code).toBe(0);
    const after = check(dir);
    expect(after.code).toBe(0);
    expect(after.lines.policy).toMatch(/^pass the newest change \([0-9a-f]{7}\) is a rollback: the policy judges new changes$/);
  });
});
