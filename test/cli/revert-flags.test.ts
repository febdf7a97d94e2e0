import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import type { CliDeps } from '../../src/cli/context.js';
import { revertRequestFromFlags, type RevertFlags } from '../../src/cli/commands/revert.js';
import { revertMessage } from '../../src/ops/revert/message.js';
import { revertRecordOf, revertTargetMessage } from '../../src/ops/revert/target.js';
import { splitMessage } from '../../src/core/record/message.js';

/** Parses a revert command line with the real program; returns the argument and flags its action gets. */
async function parse(argv: string[]): Promise<{ rev: string; flags: RevertFlags }> {
  const deps: CliDeps = { stdout: () => {}, stderr: () => {}, cwd: '/nonexistent', env: {}, now: () => 0, isTTY: false, argv };
  const program = createProgram(deps);
  let seen: { rev: string; flags: RevertFlags } | null = null;
  program.commands.find((c: Command) => c.name() === 'revert')!.action((rev: string, flags: RevertFlags) => {
    seen = { rev, flags };
  });
  await program.parseAsync(argv, { from: 'user' });
  return seen!;
}

describe('revert: command line → request', () => {
  it.each([
    [['revert', 'HEAD~2'], { rev: 'HEAD~2', restart: true, verify: true, force: false, diffs: true }],
    [['revert', 'I1234abcd', '--ours', '-y'], { rev: 'I1234abcd', pick: 'ours', restart: true, verify: true, force: false, diffs: false }],
    [['revert', 'abc1234', '--theirs', '--dry-run', '-m', 'why'], { rev: 'abc1234', pick: 'theirs', reason: 'why', restart: true, verify: true, force: false, diffs: true }],
    [['revert', 'HEAD', '--no-restart', '--no-verify', '--force', '--yes', '--json'], { rev: 'HEAD', restart: false, verify: false, force: true, diffs: true }],
  ])('%j', async (argv, want) => {
    const { rev, flags } = await parse(argv);
    expect(revertRequestFromFlags(rev, flags, [], false)).toEqual({ ...want, services: [], chown: false });
  });

  it('--ours with --theirs is BAD_INPUT', async () => {
    const { rev, flags } = await parse(['revert', 'HEAD', '--ours', '--theirs']);
    expect(() => revertRequestFromFlags(rev, flags, [], false)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('revertMessage', () => {
  const reverted = { commit: 'c'.repeat(40), changeId: 'I1', title: 'Raise pool' };

  it("says what git's revert says, then what was reverted per file", () => {
    const m = revertMessage({ reverted, files: [{ path: 'a.yaml', how: 'fields', fields: ['db.pool'], kept: ['db.max'] }, { path: 'n.conf', how: 'lines' }], reason: null, pick: 'ours' });
    expect(m.commitTitle).toBe('Revert "Raise pool"');
    expect(m.commitBody).toBe([
      `This reverts commit ${'c'.repeat(40)} (I1); the changes made after it stay.`, '', 'No reason given.', '',
      'Reverted:', '- a.yaml: fields db.pool', '- n.conf: merged line by line', '',
      'Changed again later, the later value kept (--ours):', '- a.yaml: db.max',
    ].join('\n'));
    expect(m.trailers).toEqual([
      { key: 'Reverts', value: 'I1' },
      { key: 'Reverts-Commit', value: 'c'.repeat(40) },
      { key: 'Conflicts-Settled', value: 'ours (a.yaml)' },
      { key: 'Reason', value: 'not given' },
    ]);
  });

  it('a commit without a Change-Id gets Reverts-Commit only', () => {
    const m = revertMessage({ reverted: { ...reverted, changeId: null }, files: [{ path: 'x', how: 'whole' }], reason: 'r', pick: null });
    expect(m.trailers.map((t) => t.key)).toEqual(['Reverts-Commit', 'Reason']);
  });
});

describe('the revert target carries the record', () => {
  const record = { commitTitle: 'Revert "Raise pool"', commitBody: 'This reverts commit c.', trailers: [{ key: 'Reverts', value: 'I1' }, { key: 'Reason', value: 'why' }] };
  const entryOf = (message: string) => {
    const { title, body, trailers } = splitMessage(message);
    return { commit: 'e'.repeat(40), parents: [], changeId: null, title, body, trailers, author: { name: 'a', email: 'b' }, date: '', files: [] };
  };

  it('gives back the record, with the drift snapshot said as saved before Reason', () => {
    const entry = entryOf(revertTargetMessage(record, 'c'.repeat(40)));
    expect(revertRecordOf(entry, null)).toEqual(record);
    expect(revertRecordOf(entry, 'd'.repeat(40))).toEqual({
      commitTitle: record.commitTitle,
      commitBody: 'This reverts commit c.\n\nUncommitted edits were saved first as ddddddd (Pre-rollback snapshot).',
      trailers: [{ key: 'Reverts', value: 'I1' }, { key: 'Pre-Rollback-Snapshot', value: 'd'.repeat(40) }, { key: 'Reason', value: 'why' }],
    });
  });

  it('is null for any other commit', () => {
    expect(revertRecordOf(entryOf('Raise pool\n\nChange-Id: I2\n'))).toBeNull();
  });
});
