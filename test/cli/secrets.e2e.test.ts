import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN, cfgtrail, cliEnv, FIXTURES, type RunResult } from '../helpers/cli.js';

/**
 * The secrets corpus (fixtures/secrets): a store with two snapshots and
 * unrecorded drift, every command that prints something, and no secret — nor
 * any 4-character piece of one — in stdout or stderr.
 */
const CORPUS = join(FIXTURES, 'secrets');
const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as {
  settings: { secret_keys: string[]; secret_values: string[]; secret_files: string[] };
  secrets: string[];
};

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/**
 * The public prefix that names a token's kind (`sk_live_`, `ghp_`, a JWT's
 * standard `{"alg":"HS256","typ":"JWT"}` header): windows inside it are not
 * pieces of the secret and are skipped.
 */
const KIND_PREFIX = /^(?:sk_live_|ghp_|xoxb-|AKIA|acme_|eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.)/;

/**
 * Every 4-character window of every secret, less those inside a kind prefix
 * and those that are ordinary text of the files (outside any secret).
 */
function secretWindows(): { windows: Map<string, string>; skipped: string[] } {
  let publicText = '';
  for (const state of ['before', 'after', 'drift']) {
    for (const f of filesUnder(join(CORPUS, state))) {
      let text = readFileSync(join(CORPUS, state, f), 'utf8');
      for (const s of manifest.secrets) text = text.split(s).join('\u0000');
      publicText += `${f}\n${text}\n`;
    }
  }
  const windows = new Map<string, string>();
  const skipped: string[] = [];
  for (const s of manifest.secrets) {
    const prefix = KIND_PREFIX.exec(s)?.[0].length ?? 0;
    for (let i = 0; i + 4 <= s.length; i += 1) {
      const w = s.slice(i, i + 4);
      if (i + 4 <= prefix || publicText.includes(w)) skipped.push(w);
      else windows.set(w, s);
    }
  }
  return { windows, skipped };
}

/** The windows found in `text`, with the secret each belongs to. */
function leaksIn(text: string, windows: Map<string, string>): [string, string][] {
  return [...windows].filter(([w]) => text.includes(w));
}

function applySettings(store: string): void {
  const file = join(store, 'settings.yaml');
  const s = manifest.settings;
  const text = readFileSync(file, 'utf8')
    .replace(/^secret_keys: \[\]$/m, `secret_keys: ${JSON.stringify(s.secret_keys)}`)
    .replace(/^secret_values: \[\]$/m, `secret_values: ${JSON.stringify(s.secret_values)}`)
    .replace(/^secret_files: \[\]$/m, `secret_files: ${JSON.stringify(s.secret_files)}`);
  if (!text.includes('acme_')) throw new Error('test setup: settings.yaml has no secret_values line');
  writeFileSync(file, text);
}

/** A config directory with `before/` and `after/` snapshotted and `drift/` on top; the commands' output. */
function buildStore(dir: string, opts: { drift: boolean }): { args: string[]; r: RunResult }[] {
  const ran: { args: string[]; r: RunResult }[] = [];
  const run = (args: string[]) => {
    const r = cfgtrail(['--no-color', ...args], { cwd: dir });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    ran.push({ args, r });
  };
  cpSync(join(CORPUS, 'before'), dir, { recursive: true });
  run(['init']);
  applySettings(join(dir, '.cfgtrail'));
  run(['snapshot', '-m', 'Billing config as deployed', '--trailer', 'Risk: medium']);
  rmSync(join(dir, 'old.json'));
  cpSync(join(CORPUS, 'after'), dir, { recursive: true });
  run(['snapshot', '-m', 'Rotate credentials, bump billing to 1.5.0', '--trailer', 'Risk: medium', '--json']);
  if (opts.drift) cpSync(join(CORPUS, 'drift'), dir, { recursive: true });
  return ran;
}

/** Every command that prints something, on the store with history and drift. */
const COMMANDS: { args: string[]; code?: number }[] = [
  { args: ['status'] },
  { args: ['status', '--json'] },
  { args: ['diff'] },
  { args: ['diff', '--json'] },
  { args: ['diff', 'HEAD~1', 'HEAD'] },
  { args: ['diff', 'HEAD~1', 'HEAD', '--json'] },
  { args: ['diff', 'HEAD~1'] },
  { args: ['diff', '--', '.env', 'flow.yaml'] },
  { args: ['show'] },
  { args: ['show', '--json'] },
  { args: ['show', 'HEAD~1'] },
  { args: ['show', 'HEAD~1', '--json'] },
  { args: ['log'] },
  { args: ['log', '--json'] },
  { args: ['log', '--oneline'] },
  { args: ['log', '--field', 'database.password'] },
  { args: ['export'] },
  { args: ['export', 'HEAD~1'] },
  { args: ['rollback', 'HEAD~1', '--dry-run'] },
  { args: ['rollback', 'HEAD~1', '--dry-run', '--json'] },
  { args: ['rollback', '--previous', '--file', '.env', '--dry-run'] },
  { args: ['verify'] },
  { args: ['verify', '--json'] },
  { args: ['fsck'] },
  { args: ['snapshot', '--strict', '-m', 'should fail'], code: 5 },
];

/** Run last: a real rollback (it records the drift first), then what it recorded. */
const AFTER_ROLLBACK: string[][] = [['rollback', 'HEAD~1', '--yes', '-m', 'back to the deployed config'], ['show'], ['show', 'HEAD~1'], ['diff', 'HEAD~3', 'HEAD~1'], ['log', '-n', '3']];

let dir = '';
const setup: { args: string[]; r: RunResult }[] = [];
const results: { args: string[]; r: RunResult }[] = [];
const later: { args: string[]; r: RunResult }[] = [];
let shown: RunResult | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-secrets-'));
  setup.push(...buildStore(dir, { drift: true }));
  for (const c of COMMANDS) results.push({ args: c.args, r: cfgtrail(['--no-color', ...c.args], { cwd: dir }) });
  shown = cfgtrail(['--no-color', 'diff', 'HEAD~1', 'HEAD', '--show-secrets'], { cwd: dir });
  for (const args of AFTER_ROLLBACK) later.push({ args, r: cfgtrail(['--no-color', ...args], { cwd: dir }) });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('secrets corpus', () => {
  it('prints no secret and no 4-character piece of one, in any command', () => {
    const { windows, skipped } = secretWindows();
    const leaks: string[] = [];
    const all = [...setup, ...results, ...later];
    for (const { args, r } of all) {
      for (const [stream, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
        for (const [w, secret] of leaksIn(text, windows)) {
          leaks.push(`${args.join(' ')} (${stream}): '${w}' of '${secret}' near: ${text.slice(Math.max(0, text.indexOf(w) - 60), text.indexOf(w) + 30)}`);
        }
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
    const files = new Set(['before', 'after', 'drift'].flatMap((s) => filesUnder(join(CORPUS, s)))).size;
    // Quoted by the README: keep this one line.
    console.log(
      `secrets corpus: ${files} files × ${all.length} commands checked; ${manifest.secrets.length} secrets, ${windows.size} 4-char windows (${skipped.length} skipped: inside a token-kind prefix or text the files contain elsewhere: ${[...new Set(skipped)].join(' ') || 'none'})`,
    );
  });

  it('ran every command as expected and hid what it hid with tags', () => {
    for (const [i, { args, r }] of results.entries()) {
      const want = COMMANDS[i]!.code ?? 0;
      expect({ args, code: r.code, stderr: r.stderr.slice(0, 400) }).toEqual({ args, code: want, stderr: want === 0 ? expect.any(String) : expect.any(String) });
    }
    const out = (args: string) => results.find((x) => x.args.join(' ') === args)!.r;
    expect(out('diff HEAD~1 HEAD').stdout).toMatch(/database\.password: <redacted:[0-9a-f]{6}> → <redacted:[0-9a-f]{6}>/);
    expect(out('diff HEAD~1 HEAD').stdout).toContain('postgres://billing:<redacted:');
    expect(out('diff HEAD~1 HEAD').stdout).toMatch(/vault\/prod\.secret \(modified\)\n {2}secret file changed \(\d+ B <redacted:[0-9a-f]{6}> → \d+ B <redacted:[0-9a-f]{6}>\)/);
    expect(out('diff').stdout).toContain('flow.yaml');
    expect(out('verify').stdout + out('verify').stderr).toMatch(/no services/i);
    expect(out('snapshot --strict -m should fail').stderr).toMatch(/flow\.yaml:\d+:\d+: .*--strict: nothing stored/);
    expect(later.map(({ args, r }) => [args.join(' '), r.code])).toEqual(AFTER_ROLLBACK.map((a) => [a.join(' '), 0]));
    expect(later[1]!.r.stdout).toMatch(/database\.password: <redacted:[0-9a-f]{6}> → <redacted:[0-9a-f]{6}>/);
  });

  it('keeps tags stable: the same value gets the same tag in every command', () => {
    const tags = (text: string) => new Set(text.match(/<redacted:[0-9a-f]{6}>/g) ?? []);
    const fromShow = tags(results.find((x) => x.args.join(' ') === 'show')!.r.stdout);
    const fromDiff = tags(results.find((x) => x.args.join(' ') === 'diff HEAD~1 HEAD')!.r.stdout);
    expect(fromShow.size).toBeGreaterThan(10);
    expect([...fromShow].filter((t) => fromDiff.has(t)).length).toBeGreaterThan(10);
    const key = join(dir, '.cfgtrail', 'cfgtrail-redact.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('shows the secrets with --show-secrets', () => {
    const r = shown!;
    expect(r.code).toBe(0);
    const after = (file: string) => readFileSync(join(CORPUS, 'after', file), 'utf8');
    const dbPassword = /password: "([^"]+)"/.exec(after('app.yaml'))![1]!;
    const envPass = /^DB_PASS=(.*)$/m.exec(after('.env'))![1]!;
    expect(r.stdout).toContain(dbPassword);
    expect(r.stdout).toContain(envPass);
    expect(r.stdout).toContain(/password: ([^,]+),/.exec(after('flow.yaml'))![1]!);
    // The check is not vacuous: on this output it finds the secrets that changed (all but the vault file's).
    const found = new Set(leaksIn(r.stdout, secretWindows().windows).map(([, secret]) => secret));
    expect(found.size).toBeGreaterThan(40);
  });

  it('agrees on one key when several commands create it at once', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'cfgtrail-secrets-race-'));
    try {
      buildStore(fresh, { drift: false });
      // init makes the key, so read-only commands never write to the store; a store made
      // before keys existed gets one from the first command that hides a value.
      const keyFile = join(fresh, '.cfgtrail', 'cfgtrail-redact.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      rmSync(keyFile);
      for (const args of [['log'], ['log', '--json'], ['log', '--field', 'database.password']]) expect(cfgtrail(args, { cwd: fresh }).code).toBe(0);
      expect(existsSync(keyFile)).toBe(false); // audit queries print no values: they never read (or make) the key
      const run = () =>
        new Promise<string>((resolve) => {
          const p = spawn(process.execPath, [BIN, 'diff', 'HEAD~1', 'HEAD', '--json'], { cwd: fresh, env: cliEnv() });
          let out = '';
          p.stdout.on('data', (b: Buffer) => (out += b.toString()));
          p.on('close', () => resolve(out));
        });
      const outs = await Promise.all(Array.from({ length: 6 }, run));
      expect(outs[0]).toContain('<redacted:');
      expect(new Set(outs).size).toBe(1);
      expect(readdirSync(join(fresh, '.cfgtrail')).filter((f) => f.startsWith('cfgtrail-redact.key'))).toEqual(['cfgtrail-redact.key']);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
