import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseDateSpec } from '../../../src/core/audit/dates.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';

const DAY = 86_400;

// git and we agree exactly only where local time has no DST (see the Pacific
// tests), so pin the zone for this file and restore it after each test.
const savedTz = process.env.TZ;
beforeEach(() => {
  process.env.TZ = 'UTC';
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** A repo with one empty commit per timestamp (oldest first), both dates pinned. */
function makeRepo(times: number[]): { dir: string; oidAt: Map<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-dates-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  git(['init', '-q']);
  git(['config', 'user.name', 'Test']);
  git(['config', 'user.email', 'test@example.com']);
  const oidAt = new Map<string, number>();
  for (const t of [...times].sort((a, b) => a - b)) {
    const date = `@${t} +0000`;
    git(['commit', '-q', '--allow-empty', '-m', `at ${t}`], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    oidAt.set(git(['rev-parse', 'HEAD']).trim(), t);
  }
  return { dir, oidAt };
}

function gitLog(dir: string, flag: string): string[] {
  const out = execFileSync('git', ['log', flag, '--format=%H'], { cwd: dir, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

/**
 * Checks our reading of `spec` selects the same commits as native git's, on a
 * repo with commits at `times` plus two 20 minutes either side of our answer
 * (so any disagreement larger than that shows).
 */
function expectSameAsGit(times: number[], spec: string, now: number): void {
  const parsed = parseDateSpec(spec, now);
  const repo = makeRepo([...times, parsed - 1200, parsed + 1200]);
  const all = [...repo.oidAt.values()];
  // Git reads its own clock a moment later: no commit may sit near the boundary.
  const nearest = Math.min(...all.map((t) => Math.abs(t - parsed)));
  expect(nearest, `a commit is too close to '${spec}'`).toBeGreaterThan(600);
  const oids = [...repo.oidAt.keys()];
  const since = oids.filter((o) => (repo.oidAt.get(o) as number) >= parsed).sort();
  const until = oids.filter((o) => (repo.oidAt.get(o) as number) <= parsed).sort();
  expect(gitLog(repo.dir, `--since=${spec}`), `--since=${spec}`).toEqual(since);
  expect(gitLog(repo.dir, `--until=${spec}`), `--until=${spec}`).toEqual(until);
}

const RELATIVE = [
  '3.days.ago',
  '3 days ago',
  '3.days',
  '3days',
  '2.weeks',
  '2 weeks ago',
  '1 week ago',
  'one week ago',
  'last week',
  'last month',
  '1 hour ago',
  '36 hours ago',
  '90 minutes ago',
  '7200 seconds ago',
  'yesterday',
  '1 month ago',
  '5.months.ago',
  '1 year ago',
  '2 years ago',
  '1.year.2.months.ago',
  '1 year, 2 months ago',
  'now',
];

describe('parseDateSpec against native git', () => {
  it.each(RELATIVE)('reads %s like git log --since/--until', (spec) => {
    const now = Date.now();
    const nowS = Math.floor(now / 1000);
    // Odd offsets (days plus 7h13m) keep every commit clear of unit boundaries.
    const offsets = [0.3, 1.3, 2.3, 4.3, 8.3, 12.3, 20.3, 40.3, 100.3, 200.3, 380.3, 430.3, 800.3];
    expectSameAsGit(offsets.map((d) => nowS - Math.round(d * DAY) - 4380), spec, now);
  });

  it.each([
    '2026-11-20T10:00:00+01:00',
    '2026-11-20T10:00+0100',
    '2026-11-20 10:00:00 +0100',
    '2026-11-20T15:30:00Z',
    '2026-11-20T10:00',
    '2026-11-20 10:00:00',
    '@1795165200',
  ])('reads %s like git', (spec) => {
    const base = Date.UTC(2026, 10, 18) / 1000;
    // Commits every five hours over six days, offset by 17 minutes.
    const times = Array.from({ length: 30 }, (_, i) => base + i * 5 * 3600 + 17 * 60);
    expectSameAsGit(times, spec, Date.now());
  });
});

/** What native git makes of `spec`: `git rev-parse --since` prints `--max-age=<seconds>`. */
function gitParse(spec: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-dates-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const out = execFileSync('git', ['rev-parse', `--since=${spec}`], { cwd: dir, encoding: 'utf8' });
  const m = /^--max-age=(\d+)$/.exec(out.trim());
  if (!m) throw new Error(`unexpected git output: ${out}`);
  return Number(m[1]);
}

describe('parseDateSpec in another time zone', () => {
  it.each(['2026-11-20T10:00', '2026-07-20 10:00:00'])('reads %s as Pacific local time like git', (spec) => {
    process.env.TZ = 'America/Los_Angeles';
    expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(480);
    const anchor = Date.UTC(2026, 6, 18) / 1000;
    const times = Array.from({ length: 160 }, (_, i) => anchor + i * 5 * 3600 + 17 * 60);
    expectSameAsGit(times, spec, Date.now());
  });

  it.each(['1 month ago', '5 months ago', '6 months ago', '1.year.2.months.ago', '3 days ago', '2 years ago'])(
    'reads %s like git, except that git keeps the DST flag of now',
    (spec) => {
      process.env.TZ = 'America/Los_Angeles';
      const now = Date.now();
      const ours = parseDateSpec(spec, now);
      // git steps the calendar fields and calls mktime with now's tm_isdst, so a
      // month step across a DST change lands an hour off the wall-clock time.
      const dstShift = (new Date(now).getTimezoneOffset() - new Date(ours * 1000).getTimezoneOffset()) * 60;
      expect(Math.abs(gitParse(spec) - dstShift - ours)).toBeLessThanOrEqual(5);
    },
  );
});

describe('parseDateSpec matches git rev-parse --since', () => {
  it.each([...RELATIVE, '2026-11-20T10:00:00+01:00', '2026-11-20 10:00:00', '@1700000000'])('%s', (spec) => {
    const now = Date.now();
    // In UTC (no DST) git and we agree to the clock skew between the two reads.
    expect(Math.abs(gitParse(spec) - parseDateSpec(spec, now))).toBeLessThanOrEqual(5);
  });
});

describe('parseDateSpec values', () => {
  const now = Date.UTC(2026, 2, 31, 12, 0, 0); // 2026-03-31T12:00:00Z

  it.each([
    ['2026-11-20T10:00:00+01:00', () => Date.UTC(2026, 10, 20, 9) / 1000],
    ['2026-11-20T10:00:00.750Z', () => Date.UTC(2026, 10, 20, 10) / 1000],
    ['2026-11-20t10:00z', () => Date.UTC(2026, 10, 20, 10) / 1000],
    ['2026-11-20T10:00-05:30', () => Date.UTC(2026, 10, 20, 15, 30) / 1000],
    ['2026-11-20T10:00+01', () => Date.UTC(2026, 10, 20, 9) / 1000],
    ['2026-11-20', () => new Date(2026, 10, 20).getTime() / 1000],
    ['  2026-11-20  ', () => new Date(2026, 10, 20).getTime() / 1000],
    ['@1700000000', () => 1_700_000_000],
    ['now', () => now / 1000],
    ['NOW', () => now / 1000],
    ['today', () => new Date(2026, 2, 31).getTime() / 1000],
    ['yesterday', () => now / 1000 - DAY],
    ['a week ago', () => now / 1000 - 7 * DAY],
    ['2.weeks.ago', () => now / 1000 - 14 * DAY],
    ['1_week', () => now / 1000 - 7 * DAY],
    ['1 second ago', () => now / 1000 - 1],
    // Calendar months overflow like mktime: 2026-02-31 is 2026-03-03.
    ['1 month ago', () => Date.UTC(2026, 2, 3, 12) / 1000],
    ['1 year ago', () => Date.UTC(2025, 2, 31, 12) / 1000],
  ])('%s', (spec, expected) => {
    // Expected values are computed inside the test, under the pinned zone.
    expect(parseDateSpec(spec, now)).toBe(expected());
  });

  it.each([
    'xyz',
    '',
    '   ',
    'ago',
    'days ago',
    '3 fortnights ago',
    '3 days ago please',
    '3 days from now',
    '3 days 4',
    '3 daze ago',
    '2026-13-01',
    '2026-02-30',
    '2026-11-20T24:00',
    '2026-11-20T10:61',
    '2026-11-20T10:00+15:00',
    '2026-11-20Z',
    '20261120',
    '26-11-20',
    '@abc',
    '@-5',
    'next week',
    '3 days; rm -rf',
  ])('refuses %j with BAD_INPUT', (spec) => {
    const error = caught(() => parseDateSpec(spec, now));
    expect(isCfgtrailError(error, 'BAD_INPUT')).toBe(true);
    expect((error as Error).message).toContain(`cannot read date '${spec}'`);
    expect((error as Error).message).toContain("'3 days ago'");
  });
});
