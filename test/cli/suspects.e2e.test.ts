import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, gitIn, tempDir } from '../helpers/cli.js';

interface Result {
  at: string;
  since: string;
  service: string | null;
  suspects: { kind: string; commit: string; title: string; secondsBefore: number; touches: string[]; fields: string[]; verification: { result: string } | null }[];
}

const SERVICES = `services:
  - name: web
    files: ["web/*.yaml"]
    restart: { command: ["/bin/true"] }
`;

/** A store whose history, in the 2 hours before "now + 1 min", holds each kind of record the contracts define. */
function incidentStore(): { dir: string; at: number; commits: Record<string, string> } {
  const dir = tempDir();
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web/app.yaml'), 'timeout: 5s\n');
  writeFileSync(join(dir, 'db.yaml'), 'pool: { max: 20 }\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const settings = join(dir, '.cfgtrail/settings.yaml');
  writeFileSync(settings, `${readFileSync(settings, 'utf8').replace(/^services: \[\]\n/m, '')}${SERVICES}`);
  const now = Math.floor(Date.now() / 1000);
  const commits: Record<string, string> = {};
  const snap = (name: string, minutesAgo: number, args: string[]) => {
    const r = cfgtrail(['snapshot', ...args], { cwd: dir, env: { GIT_AUTHOR_DATE: `@${now - minutesAgo * 60} +0000` } });
    expect(r.code, r.stderr).toBe(0);
    commits[name] = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
  };
  snap('old', 300, ['-m', 'initial', '--component', 'db']);
  writeFileSync(join(dir, 'web/app.yaml'), 'timeout: 1s\n');
  snap('web', 90, ['-m', 'shorter web timeout', '--risk', 'high']);
  writeFileSync(join(dir, 'db.yaml'), 'pool: { max: 50 }\n');
  snap('db', 60, ['-m', 'bigger pool', '--component', 'db']);
  // A freeze that ended a minute later (Freeze-Until), so the snapshots after it are not refused.
  snap('freeze', 45, ['-m', 'freeze: release', '--allow-empty', '--trailer', 'Freeze: on', '--trailer', `Freeze-Until: ${new Date((now - 44 * 60) * 1000).toISOString()}`, '--trailer', 'Reason: release']);
  snap('drill', 30, ['-m', 'drill: restore db', '--allow-empty', '--trailer', 'Drill: D-17']);
  snap('tagged', 20, ['-m', 'web owner change', '--allow-empty', '--component', 'web']);
  const rb = cfgtrail(['rollback', commits.old!, '--yes', '--no-restart', '--no-verify', '-m', 'auto-rollback: error rate 12%'], { cwd: dir });
  expect(rb.code, rb.stderr).toBe(0);
  commits.rollback = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
  expect(cfgtrail(['mark-good', commits.web!, '-m', 'checked by hand'], { cwd: dir }).code).toBe(0);
  return { dir, at: now + 60, commits };
}

describe('cfgtrail suspects', () => {
  it('lists what happened in the window before an incident, touching the service first, then by closeness', () => {
    const { dir, at, commits } = incidentStore();
    const run = (args: string[]) => {
      const r = cfgtrail(['suspects', '--at', `@${at}`, ...args, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Result;
    };
    const plain = run([]);
    expect(plain.suspects.map((s) => [s.kind, s.commit])).toEqual([
      ['auto-rollback', commits.rollback], ['change', commits.tagged], ['drill', commits.drill], ['freeze', commits.freeze], ['change', commits.db], ['change', commits.web],
    ]);
    expect(plain.suspects.find((s) => s.commit === commits.db)!.fields).toEqual(['db.yaml: pool.max']);
    expect(plain.suspects.find((s) => s.commit === commits.web)!.verification?.result).toBe('marked-good');
    expect(plain.suspects.find((s) => s.commit === commits.web)!.secondsBefore).toBe(91 * 60);
    expect(new Date(plain.at).getTime() / 1000).toBe(at);

    const web = run(['--service', 'web']);
    expect(web.service).toBe('web');
    // the rollback wrote web/app.yaml, the 'tagged' change names the web component, the web change edited its file
    expect(web.suspects.slice(0, 3).map((s) => [s.commit, s.touches])).toEqual([
      [commits.rollback, ['web/app.yaml']], [commits.tagged, ['component web']], [commits.web, ['web/app.yaml']],
    ]);
    expect(web.suspects.slice(3).every((s) => s.touches.length === 0)).toBe(true);

    // a narrower window, a window with nothing in it
    expect(run(['--window', '35m']).suspects.map((s) => s.kind)).toEqual(['auto-rollback', 'change', 'drill']);
    const text = cfgtrail(['suspects', '--at', `@${at - 6 * 3600}`, '--window', '30m'], { cwd: dir });
    expect(text.stdout).toMatch(/^no recorded change in the 30m before /);
    const shown = cfgtrail(['suspects', '--at', `@${at}`, '--service', 'web'], { cwd: dir }).stdout;
    expect(shown).toMatch(/^6 changes in the 2h before .* \(service web: 3 of 6 touch it\)/);
    expect(shown).toContain('touches the service: web/app.yaml');
    expect(shown).toContain('verification: marked-good');
  });

  it('refuses bad input in one line with exit 5 (2 for usage)', () => {
    const { dir } = incidentStore();
    const cases: [string[], number, RegExp][] = [
      [['suspects', '--at', 'around lunch'], 5, /cannot read date/],
      [['suspects', '--at', '@0', '--window', 'forever'], 5, /--window must be a duration/],
      [['suspects', '--at', '@0', '--window', '0s'], 5, /--window must be a duration/],
      [['suspects', '--at', '@0', '--service', 'nope'], 5, /unknown service 'nope' \(services in settings.yaml: web\)/],
      [['suspects'], 2, /--at/],
    ];
    for (const [args, code, message] of cases) {
      const r = cfgtrail(args, { cwd: dir });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), code]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
