/** Flag mapping of check --staged and freeze --until, as tables; hook variables from details. */
import { describe, expect, it } from 'vitest';
import { ExitWith } from '../../src/cli/context.js';
import { stagedFromFlags } from '../../src/cli/commands/check.js';
import { untilFromFlag } from '../../src/cli/commands/freeze.js';
import { hookEnv } from '../../src/ops/hooks.js';
import { isCfgtrailError } from '../../src/core/errors.js';
import type { Store } from '../../src/core/store/open.js';
import { caught } from '../helpers/errors.js';

const env = { GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', HOME: '/nonexistent' };

describe('check flags → the staged change', () => {
  it.each<[string, Parameters<typeof stagedFromFlags>[0], { title: string; trailers: [string, string][]; author: string } | undefined]>([
    ['no --staged: the newest change is judged', {}, undefined],
    ['title and author', { staged: true, message: 'Raise pool' }, { title: 'Raise pool', trailers: [], author: 'Ann <ann@example.com>' }],
    ['record flags as snapshot maps them', { staged: true, message: 't', risk: 'high', approvedBy: ['Bob <b@x>'], ticket: 'OPS-1', trailer: ['Reviewed-By: Cy'] },
      { title: 't', trailers: [['Risk', 'high'], ['Approved-By', 'Bob <b@x>'], ['Ticket', 'OPS-1'], ['Reviewed-By', 'Cy']], author: 'Ann <ann@example.com>' }],
    ['--author', { staged: true, message: 't', author: 'Zed <z@x>' }, { title: 't', trailers: [], author: 'Zed <z@x>' }],
  ])('%s', (_name, flags, expected) => {
    const r = stagedFromFlags(flags, env);
    expect(r && { title: r.title, trailers: r.trailers.map((t) => [t.key, t.value]), author: `${r.author.name} <${r.author.email}>` }).toEqual(expected);
  });

  it.each<[string, Parameters<typeof stagedFromFlags>[0]]>([
    ['--staged without -m', { staged: true }],
    ['-m without --staged', { message: 'x' }],
  ])('%s is a usage error (exit 2)', (_name, flags) => {
    const e = caught(() => stagedFromFlags(flags, env));
    expect(e instanceof ExitWith && e.exitCode).toBe(2);
  });

  it('a bad flag value is BAD_INPUT (check turns it into exit 2)', () => {
    expect(isCfgtrailError(caught(() => stagedFromFlags({ staged: true, message: 'x', risk: 'extreme' }, env)), 'BAD_INPUT')).toBe(true);
  });

  // snapshot refuses these when it writes the trailers: check --staged must not pass what snapshot then refuses
  it.each<[string, Parameters<typeof stagedFromFlags>[0]]>([
    ['a blank --ticket', { staged: true, message: 'x', ticket: ' ' }],
    ['a blank --requested-by', { staged: true, message: 'x', requestedBy: '\t' }],
  ])('%s is refused as snapshot refuses it (BAD_INPUT)', (_name, flags) => {
    expect(isCfgtrailError(caught(() => stagedFromFlags(flags, env)), 'BAD_INPUT')).toBe(true);
  });
});

describe('freeze --until', () => {
  const now = () => Date.parse('2026-11-29T22:00:00Z');
  it.each([
    ['2h', Date.parse('2026-11-30T00:00:00Z')],
    ['90m', Date.parse('2026-11-29T23:30:00Z')],
    ['2026-11-30T06:00:00+01:00', Date.parse('2026-11-30T05:00:00Z')],
    ['Mon, 30 Nov 2026 06:00:00 +0000', Date.parse('2026-11-30T06:00:00Z')],
    ['@1796018400 +0000', 1796018400_000],
    // a date alone is local midnight, as log --until reads it
    ['2026-12-24', new Date(2026, 11, 24).getTime()],
  ])('%s', (text, at) => {
    const iso = untilFromFlag(text, now);
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Date.parse(iso)).toBe(at);
  });

  it.each(['tomorrow', '2 hours', '3 days ago', '2026-02-30', '2026-13-01T00:00:00Z', '', '@99999999999999', '99999999999999h'])('refuses %j', (text) => {
    expect(isCfgtrailError(caught(() => untilFromFlag(text, now)), 'BAD_INPUT')).toBe(true);
  });
});

describe('hook variables', () => {
  it('scalars and string lists become CFGTRAIL_* (camelCase → SNAKE), trailers Key: value lines, other lists only JSON', () => {
    const store = { gitdir: '/s/.cfgtrail', root: '/s' } as Store;
    expect(hookEnv('pre-snapshot', store, {
      changeId: 'I1', title: 'T', risk: null, restartOk: true, files: ['a.yaml', 'b c.yaml'],
      trailers: [{ key: 'Risk', value: 'low' }], fileStatus: [{ path: 'a.yaml', status: 'added' }],
    })).toEqual({
      CFGTRAIL_HOOK: 'pre-snapshot', CFGTRAIL_STORE: '/s/.cfgtrail', CFGTRAIL_ROOT: '/s',
      CFGTRAIL_CHANGE_ID: 'I1', CFGTRAIL_TITLE: 'T', CFGTRAIL_RESTART_OK: 'true', CFGTRAIL_FILES: 'a.yaml\nb c.yaml', CFGTRAIL_TRAILERS: 'Risk: low',
    });
  });
});
