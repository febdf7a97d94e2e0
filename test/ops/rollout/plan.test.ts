import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { checkInstanceName, fillArgv, fillPlaceholders, instanceCheck, parseBatchSize, parseInstanceList, planBatches, splitCommandLine } from '../../../src/ops/rollout/plan.js';
import { judgeAction } from '../../../src/ops/rollout/action.js';
import { forwardArgv } from '../../../src/ops/rollout/abort.js';
import { caught } from '../../helpers/errors.js';

/** The error code `fn` throws, or undefined. */
const code = (fn: () => unknown): string | undefined => {
  const e = caught(fn);
  return isCfgtrailError(e) ? e.code : undefined;
};

describe('planBatches', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    [{ count: 2 }, [['a', 'b'], ['c', 'd'], ['e']]],
    [{ count: 9 }, [names]],
    [{ percent: 40 }, [['a', 'b'], ['c', 'd'], ['e']]],
    [{ percent: 1 }, names.map((n) => [n])],
    [{ percent: 100 }, [names]],
  ])('%j', (size, want) => {
    expect(planBatches(names, size)).toEqual(want);
  });

  it('parses sizes and refuses nonsense', () => {
    expect(parseBatchSize('3')).toEqual({ count: 3 });
    expect(parseBatchSize(' 25% ')).toEqual({ percent: 25 });
    for (const bad of ['0', '0%', '101%', '-1', '1.5', 'two', '', '10%%']) expect(code(() => parseBatchSize(bad))).toBe('BAD_INPUT');
  });
});

describe('instance names and lists', () => {
  it('keeps order, skips comments and blanks, strips CR', () => {
    expect(parseInstanceList('# fleet\nweb-1\r\n\n  web-2  \npod/myapp-7f9\nops@db-1.example.com\n[::1]:8080\n', 'f')).toEqual(['web-1', 'web-2', 'pod/myapp-7f9', 'ops@db-1.example.com', '[::1]:8080']);
  });

  it.each(['-oProxyCommand=id', '--help', 'a b', 'a\tb', 'x{target}', 'a\u0000b', 'a\u001b[2Jb', 'a;b', 'a$(id)', 'a`id`', 'x'.repeat(254)])('refuses %j', (name) => {
    expect(code(() => checkInstanceName(name, 'f'))).toBe('BAD_INPUT');
  });

  it('refuses duplicates and empty lists', () => {
    expect(code(() => parseInstanceList('a\nb\na\n', 'f'))).toBe('BAD_INPUT');
    expect(code(() => parseInstanceList('#\n \n', 'f'))).toBe('BAD_INPUT');
  });
});

describe('splitCommandLine', () => {
  it('splits words as sh does, checked against sh itself', () => {
    const line = `kubectl get pods -l 'app=my app' -o "name" a\\ b ''`;
    const sh = execFileSync('sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    // sh drops the empty word only when unquoted: '' stays as an empty argument in argv, not in a for loop.
    expect(splitCommandLine(line).filter((w) => w !== '')).toEqual(sh.filter((w) => w !== ''));
    expect(splitCommandLine(line)).toEqual(['kubectl', 'get', 'pods', '-l', 'app=my app', '-o', 'name', 'a b', '']);
  });

  it.each(['a | b', 'a > f', 'a && b', 'a; b', 'ls *.txt', 'echo $HOME', 'a # c', ''])('refuses %j', (line) => {
    expect(code(() => splitCommandLine(line))).toBe('BAD_INPUT');
  });
});

describe('placeholders', () => {
  it('fills each element once; a value holding a placeholder is not expanded again', () => {
    expect(fillArgv(['ssh', '{instance}', 'cfgtrail', 'rollback', '{target}', '{other}'], { instance: 'h{target}', target: 'v1' }))
      .toEqual(['ssh', 'h{target}', 'cfgtrail', 'rollback', 'v1', '{other}']);
    expect(fillPlaceholders('{instance}{instance}', { instance: 'x' })).toBe('xx');
    expect(fillPlaceholders('{constructor}{__proto__}', {})).toBe('{constructor}{__proto__}');
  });

  it('fills URLs, hosts and argv of checks', () => {
    const v = { instance: 'web-1', target: 'v2' };
    expect(instanceCheck({ kind: 'http', url: 'http://{instance}:8080/h?t={target}', timeoutMs: 1, retries: 0 }, v)).toMatchObject({ url: 'http://web-1:8080/h?t=v2' });
    expect(instanceCheck({ kind: 'tcp', host: '{instance}', port: 5432, timeoutMs: 1, retries: 0 }, v)).toMatchObject({ host: 'web-1', port: 5432 });
    expect(instanceCheck({ kind: 'command', argv: ['check', '{instance}'], timeoutMs: 1, retries: 0 }, v)).toMatchObject({ argv: ['check', 'web-1'] });
  });
});

describe('judgeAction', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const run = (exitCode: number | null, stdout: unknown, extra = {}) => ({ exitCode, stdout: typeof stdout === 'string' ? stdout : JSON.stringify(stdout), stderr: '', timedOut: false, ...extra });
  it('reads revisions from cfgtrail rollback --json', () => {
    expect(judgeAction(run(0, { plan: { head: A }, result: { commit: B, preRollbackCommit: null } }), 1000)).toEqual({ ok: true, from: A, to: B, message: `rolled back to ${B.slice(0, 7)}` });
    // Drift was snapshotted first: that snapshot is what was live.
    expect(judgeAction(run(0, { plan: { head: A }, result: { commit: B, preRollbackCommit: 'c'.repeat(40) } }), 1000).from).toBe('c'.repeat(40));
  });
  it('exit 10 is success only when cfgtrail said the target is live', () => {
    expect(judgeAction(run(10, { plan: { head: A, nothingToDo: true }, result: null }), 1000)).toEqual({ ok: true, from: A, to: A, message: 'already at the target' });
    expect(judgeAction(run(10, 'whatever'), 1000).ok).toBe(false);
  });
  it('failures are verdicts with a reason; junk output gives no revisions', () => {
    expect(judgeAction({ ...run(255, 'x'), stderr: 'ssh: connect to host web-9 port 22: Connection refused\n' }, 1000)).toEqual({ ok: false, from: null, to: null, message: 'exit 255: ssh: connect to host web-9 port 22: Connection refused' });
    expect(judgeAction(run(null, '', { timedOut: true }), 5000).message).toBe('no answer within 5000 ms (rollout.timeout)');
    expect(judgeAction(run(null, '', { error: 'ssh not found (ENOENT)' }), 1000).message).toBe('ssh not found (ENOENT)');
    expect(judgeAction(run(0, { plan: { head: '../../etc' }, result: { commit: 42 } }), 1000)).toMatchObject({ ok: true, from: null, to: null });
  });
});

describe('forwardArgv (rollback --abort)', () => {
  const config = { action: ['ssh', '{instance}', 'cfgtrail', 'rollback', '{target}', '--yes', '--json'], forwardAction: null, health: [], timeoutMs: 1, gateTimeoutMs: 1 };
  const inst = (from: string | null) => ({ name: 'web-1', batch: 1, state: 'healthy' as const, acted: true, from, to: 'b'.repeat(40), message: '' });
  it('defaults to the action with {target} = the revision the instance reported before', () => {
    expect(forwardArgv(config, { target: 'v1' }, inst('a'.repeat(40)))).toEqual(['ssh', 'web-1', 'cfgtrail', 'rollback', 'a'.repeat(40), '--yes', '--json']);
  });
  it('uses rollout.forward_action with {revision} when configured', () => {
    expect(forwardArgv({ ...config, forwardAction: ['deploy', '{instance}', '{revision}', '{target}'] }, { target: 'v1' }, inst('a'.repeat(40)))).toEqual(['deploy', 'web-1', 'a'.repeat(40), 'v1']);
  });
  it('has nothing to run when the earlier revision is unknown', () => {
    expect(forwardArgv(config, { target: 'v1' }, inst(null))).toBeNull();
  });
});
