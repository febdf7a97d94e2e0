/**
 * GIT_AUTHOR_DATE in every format git documents (git-commit(1), DATE FORMATS),
 * with native git as the witness: the same value given to `git commit-tree`
 * and to `cfgtrail snapshot` must give the same author date and zone.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, gitIn, tempDir } from '../helpers/cli.js';

// Not UTC, with summer time, so "no zone means local time" is visible.
const TZ = 'America/New_York';

const DATES = [
  'Mon, 23 Nov 2026 17:55:45 +0000', // RFC 2822, the example
  'Mon, 23 Nov 2026 17:55:45 -0130',
  'Thu, 07 Apr 2005 22:13:13 +0200', // git's documented example
  '23 Nov 2026 17:55 +0200', // no day name, no seconds
  'Mon, 23 Nov 2026 17:55:45 GMT',
  'Mon Nov 23 17:55:45 2026 +0100', // what git log prints
  '2026-11-23T17:55:45', // ISO 8601 without a zone: local time
  '2026-07-01 08:00:00', // local summer time
  '2026-11-23 17:55:45 +0100',
  '2026-11-23T17:55:45.019+01:00', // fractions ignored
  '2026-11-23T17:55:45Z',
  '2026-11-23T17:55:45+0530',
  '2026.11.23 17:55:45 +0100',
  '11/23/2026 17:55:45 +0100',
  '23.11.2026 17:55:45 +0100',
  '@1700000000 +0100', // git's internal format
  '1700000000 -0800',
  '@1700000000', // no zone: local
];

describe('GIT_AUTHOR_DATE is read as git reads it', () => {
  it.each(DATES)('%s', (date) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['snapshot', '-m', 'dated'], { cwd: dir, env: { TZ, GIT_AUTHOR_DATE: date } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const store = join(dir, '.cfgtrail');
    const ours = gitIn(store, ['log', '-1', '--format=%ai|%ad', '--date=raw'], { TZ });
    const tree = gitIn(store, ['rev-parse', 'HEAD^{tree}']).trim();
    const env = { TZ, GIT_AUTHOR_DATE: date, GIT_AUTHOR_NAME: 'w', GIT_AUTHOR_EMAIL: 'w@x', GIT_COMMITTER_NAME: 'w', GIT_COMMITTER_EMAIL: 'w@x' };
    const witness = gitIn(store, ['commit-tree', tree, '-m', 'witness'], env).trim();
    expect(ours).toBe(gitIn(store, ['log', '-1', '--format=%ai|%ad', '--date=raw', witness], { TZ }));
  });

  it.each(['garbage', '2026-11-23', '@99999999999999', 'Mon, 31 Nov 2026 10:00:00 +0000', '2026-02-30T10:00:00Z', '2026-11-23T25:00:00Z'])('refuses %j with exit 5 and one line', (date) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    cfgtrail(['init'], { cwd: dir });
    const r = cfgtrail(['snapshot', '-m', 'dated'], { cwd: dir, env: { TZ, GIT_AUTHOR_DATE: date } });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^cfgtrail: cannot read the date '.*' \(GIT_AUTHOR_DATE\): use a format git accepts, e\.g\. .*\n$/);
  });
});
