/**
 * A stand-in for a tool that cannot run on these machines (systemctl without
 * systemd as PID 1, docker without a daemon): an executable script in a temp
 * dir that logs its argv and answers by its first argument, one scripted
 * answer per call (the last answer repeats).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeAnswer { stdout?: string; stderr?: string; exit?: number }

export interface FakeTool {
  path: string;
  /** The argv of every call so far, one string per call. */
  calls(): Promise<string[]>;
}

/**
 * Writes `dir/name`, answering `answers[argv[0]]` (or `answers['*']`) in turn.
 * @example await fakeTool(dir, 'systemctl', { restart: [{}], 'is-active': [{ stdout: 'activating' }, { stdout: 'active' }] })
 */
export async function fakeTool(dir: string, name: string, answers: Record<string, FakeAnswer[]>): Promise<FakeTool> {
  const path = join(dir, name);
  const log = join(dir, `${name}.calls`);
  const script = `#!${process.execPath}
const fs = require('node:fs');
const answers = ${JSON.stringify(answers)};
const args = process.argv.slice(2);
const key = answers[args[0]] ? args[0] : '*';
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const seen = fs.readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').filter(Boolean)
  .map((l) => JSON.parse(l)).filter((a) => (answers[a[0]] ? a[0] : '*') === key).length;
const list = answers[key] || [{ stderr: 'fake ' + ${JSON.stringify(name)} + ': no answer for ' + args.join(' '), exit: 99 }];
const a = list[Math.min(seen, list.length) - 1];
if (a.stdout) process.stdout.write(a.stdout + '\\n');
if (a.stderr) process.stderr.write(a.stderr + '\\n');
process.exitCode = a.exit || 0;
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
  return {
    path,
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as string[]).join(' ')),
  };
}
