import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, cfgtrail, cfgtrailAsync, cliEnv, gitIn } from '../helpers/cli.js';
import { RENAMES } from '../helpers/strace.js';
import { change, fetchHost, makeFleet, T0 } from '../helpers/fetched-fleet.js';

type Json = Record<string, unknown>;

/** Runs cfgtrail and expects exit 0. */
function ok(args: string[], cwd: string): string {
  const r = cfgtrail(args, { cwd });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('log --host: a fetched host answers as its own store does', () => {
  it('prints what the host prints itself, in every format and with revisions, tags and -p', () => {
    const { auditor, hosts } = makeFleet();
    const web = hosts.web!;
    for (const args of [[], ['--oneline'], ['--json'], ['--field', 'db.pool', '-p'], ['--field', 'db.pool', '-p', '--json'], ['HEAD~3..HEAD'], ['v1'], ['--risk', 'high'], ['--grep', 'pool', '--oneline'], ['-n', '2']]) {
      const own = ok(['log', ...args], web.dir);
      expect(own.length).toBeGreaterThan(0);
      expect(ok(['log', ...args, '--host', 'web-1'], auditor.dir), args.join(' ')).toBe(own);
    }
    // the verification note of mark-good came with the fetched notes ref
    expect(ok(['log', '-n', '1', '--host', 'web-1'], auditor.dir)).toContain('Notes:');
    // the auditor's own log is unchanged
    expect(ok(['log', '--oneline'], auditor.dir)).toMatch(/^[0-9a-f]{7} I[0-9a-f]{8} auditor own\n$/);
  });

  it('blame, history, show, export, deps and suspects --host answer as on the host', () => {
    const { auditor, hosts } = makeFleet();
    const db = hosts.db!;
    const name = 'db-1.eu-west_2';
    for (const args of [['blame', 'app.yaml'], ['blame', 'notes.txt', '--json'], ['history', 'db.pool'], ['history', 'web.timeout', '--json'], ['show', 'HEAD~1'], ['show', '--json'], ['export', 'HEAD'], ['deps', 'HEAD~2']]) {
      expect(ok([...args, '--host', name], auditor.dir), args.join(' ')).toBe(ok(args, db.dir));
    }
    // :/path is from the auditor's root, as any path
    expect(ok(['blame', ':/app.yaml', '--host', name], auditor.dir)).toBe(ok(['blame', 'app.yaml'], db.dir));
    const at = `@${T0 + 430}`;
    const own = JSON.parse(ok(['suspects', '--at', at, '--window', '1h', '--json'], db.dir)) as { suspects: Json[] };
    const viaHost = JSON.parse(ok(['suspects', '--at', at, '--window', '1h', '--json', '--host', name], auditor.dir)) as { suspects: Json[] };
    expect(viaHost.suspects).toEqual(own.suspects.map((s) => ({ ...s, host: name })));
    expect(ok(['suspects', '--at', at, '--window', '1h', '--host', name], auditor.dir)).toContain(`1. [${name}] `);
  });
});

describe('log --all-hosts', () => {
  it('merges every host newest first by committer date, as git log --remotes --date-order, each labelled', () => {
    const { auditor } = makeFleet();
    const witness = gitIn(auditor.store, ['log', '--remotes', '--date-order', '--format=%H %s']).trim().split('\n');
    const json = JSON.parse(ok(['log', '--all-hosts', '--json'], auditor.dir)) as (Json & { commit: string; title: string; host: string; remote: string })[];
    expect(json.map((e) => `${e.commit} ${e.title}`)).toEqual(witness);
    // each entry's host is the one whose fetched history holds it
    for (const e of json) expect(gitIn(auditor.store, ['branch', '-r', '--contains', e.commit, '--format=%(refname)']).trim()).toBe(`refs/remotes/origin/hosts/${e.host}`);
    expect(new Set(json.map((e) => e.remote))).toEqual(new Set(['origin']));
    const oneline = ok(['log', '--all-hosts', '--oneline'], auditor.dir).trim().split('\n');
    expect(oneline.map((l) => l.replace(/^\[([^\]]+)\] ([0-9a-f]{7}) .*$/, '$2 $1'))).toEqual(json.map((e) => `${e.commit.slice(0, 7)} ${e.host}`));
    const text = ok(['log', '--all-hosts'], auditor.dir);
    expect([...text.matchAll(/^commit ([0-9a-f]{40})\nHost: +(\S+)\n/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(json.map((e) => `${e.commit} ${e.host}`));
    // -n 3 is the newest three of the whole fleet
    const three = JSON.parse(ok(['log', '--all-hosts', '--json', '-n', '3'], auditor.dir)) as { commit: string }[];
    expect(three.map((e) => e.commit)).toEqual(json.slice(0, 3).map((e) => e.commit));
  });

  it('applies every filter on every host: --field, --risk, --since, --grep, --file', () => {
    const { auditor, hosts } = makeFleet();
    const witness = gitIn(auditor.store, ['log', '--remotes', '--date-order', '--format=%H']).trim().split('\n');
    for (const filter of [['--field', 'db.pool'], ['--risk', 'high'], ['--since', `@${T0 + 200}`], ['--grep', 'pool'], ['--file', 'notes.txt'], ['--component', 'web', '--until', `@${T0 + 350}`], ['--', 'notes.txt']]) {
      const expected = new Set<string>();
      for (const h of Object.values(hosts)) for (const e of JSON.parse(ok(['log', '--json', ...filter], h.dir)) as { commit: string }[]) expected.add(e.commit);
      const got = (JSON.parse(ok(['log', '--all-hosts', '--json', ...filter], auditor.dir)) as { commit: string }[]).map((e) => e.commit);
      expect(got, filter.join(' ')).toEqual(witness.filter((c) => expected.has(c)));
      expect(got.length, filter.join(' ')).toBeGreaterThan(0);
    }
    // a Change-Id that one host has
    const id = (JSON.parse(ok(['log', '--json', '-n', '1'], hosts.edge!.dir)) as { changeId: string }[])[0]!.changeId;
    expect(ok(['log', '--all-hosts', '--oneline', '--change-id', id], auditor.dir)).toMatch(/^\[edge\] [0-9a-f]{7} I/);
  });

  it("-p shows the field before and after each change, computed on the change's own host", () => {
    const { auditor, hosts } = makeFleet();
    const all = JSON.parse(ok(['log', '--all-hosts', '--field', 'db.pool', '-p', '--json'], auditor.dir)) as (Json & { commit: string })[];
    let count = 0;
    for (const h of Object.values(hosts)) {
      for (const own of JSON.parse(ok(['log', '--field', 'db.pool', '-p', '--json'], h.dir)) as (Json & { commit: string })[]) {
        expect(all.find((e) => e.commit === own.commit)).toEqual({ host: h.name, remote: 'origin', ...own });
        count++;
      }
    }
    expect(all).toHaveLength(count);
    const text = ok(['log', '--all-hosts', '--field', 'db.pool', '-p', '--oneline'], auditor.dir);
    expect(text).toMatch(/^\[web-1\] [0-9a-f]{7} I[0-9a-f]{8} web pool and timeout \(risk: critical\)\n {4}app\.yaml: 20 → 30\n/m);
    expect(text).toMatch(/^\[db-1\.eu-west_2\] [0-9a-f]{7} I[0-9a-f]{8} raise db pool \(risk: low\)\n {4}app\.yaml: 10 → 50\n/m);
  });

  it('suspects --all-hosts ranks the fleet together, each naming its host', () => {
    const { auditor } = makeFleet();
    const r = JSON.parse(ok(['suspects', '--at', `@${T0 + 430}`, '--window', '5m', '--all-hosts', '--json'], auditor.dir)) as { suspects: { host: string; title: string; secondsBefore: number }[] };
    expect(r.suspects.map((s) => [s.host, s.title, s.secondsBefore])).toEqual([
      ['db-1.eu-west_2', 'db notes only', 10],
      ['web-1', 'web pool and timeout', 70],
      ['edge', 'shorter edge timeout', 130],
      ['db-1.eu-west_2', 'raise db pool', 190],
      ['web-1', 'raise web pool', 250],
    ]);
  });
});

describe('the host index follows the fetched ref', () => {
  it('is caught up by appending after a fetch adds commits, rebuilt after a force-move, removed with the ref', () => {
    const { auditor, hosts } = makeFleet();
    const edge = hosts.edge!;
    const view = join(auditor.store, 'cfgtrail-hosts', 'origin', 'edge');
    const commitsFile = join(view, 'cfgtrail-index', 'commits');
    ok(['log', '--host', 'edge', '-n', '1'], auditor.dir);
    const first = statSync(commitsFile);
    change(edge, T0 + 500, { 'app.yaml': 'db:\n  pool: 11\nweb:\n  timeout: 1s\n' }, ['-m', 'edge pool 11']);
    fetchHost(auditor.store, edge);
    expect(ok(['log', '--host', 'edge'], auditor.dir)).toBe(ok(['log'], edge.dir));
    const caughtUp = statSync(commitsFile);
    // the same file, grown: the new commit's record was appended, nothing rebuilt
    expect(caughtUp.ino).toBe(first.ino);
    expect(caughtUp.size).toBeGreaterThan(first.size);
    expect(readFileSync(commitsFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    // history rewritten on the server: the host dropped its last change and recorded another
    gitIn(edge.store, ['update-ref', 'refs/heads/main', 'HEAD~1']);
    change(edge, T0 + 600, { 'app.yaml': 'db:\n  pool: 12\nweb:\n  timeout: 1s\n' }, ['-m', 'edge pool 12 instead']);
    fetchHost(auditor.store, edge);
    expect(ok(['log', '--host', 'edge', '--json'], auditor.dir)).toBe(ok(['log', '--json'], edge.dir));
    expect(ok(['log', '--host', 'edge', '--field', 'db.pool', '--oneline'], auditor.dir)).not.toContain('edge pool 11');
    expect(statSync(commitsFile).ino).not.toBe(first.ino);
    // pruned on the server, so pruned locally: the host and its view are gone, the store's objects are not
    gitIn(auditor.store, ['update-ref', '-d', 'refs/remotes/origin/hosts/edge']);
    const hostsOut = ok(['hosts'], auditor.dir);
    expect(hostsOut).not.toContain('edge');
    expect(existsSync(view)).toBe(false);
    expect(gitIn(auditor.store, ['fsck', '--no-dangling']).trim()).toBe('');
    const gone = cfgtrail(['log', '--host', 'edge'], { cwd: auditor.dir });
    expect(gone.code).toBe(4);
    expect(gone.stderr).toBe("cfgtrail: no fetched host 'edge'; fetched hosts: origin/db-1.eu-west_2, origin/web-1\n");
  });
});

describe('cfgtrail hosts', () => {
  it('lists every fetched host with its changes, last change and head', () => {
    const { auditor, hosts } = makeFleet();
    const list = JSON.parse(ok(['hosts', '--json'], auditor.dir)) as { name: string; head: string; changes: number; last: { title: string; date: string } }[];
    expect(list.map((h) => h.name)).toEqual(['origin/db-1.eu-west_2', 'origin/edge', 'origin/web-1']);
    for (const h of list) {
      const own = Object.values(hosts).find((x) => h.name.endsWith(`/${x.name}`))!;
      expect(h.head).toBe(gitIn(own.store, ['rev-parse', 'HEAD']).trim());
      expect(h.changes).toBe(Number(gitIn(own.store, ['rev-list', '--count', 'HEAD']).trim()));
      expect(h.last.title).toBe(gitIn(own.store, ['log', '-1', '--format=%s']).trim());
    }
    const text = ok(['hosts'], auditor.dir).split('\n');
    const days = Math.floor((Date.now() / 1000 - (T0 + 420)) / 86_400);
    expect(text[0]).toMatch(new RegExp(`^origin/db-1\\.eu-west_2 {2}3 changes {2}last (${days}|${days + 1}) days ago \\(2026-11-18T\\S+\\) {2}[0-9a-f]{8} {2}db notes only$`));
    // web-1's rollback was made just now
    expect(text[2]).toMatch(/^origin\/web-1 +4 changes {2}last \d+ s ago /);
  });
});

describe('errors a user can cause', () => {
  it('says in one line what is wrong: no hosts, unknown, ambiguous, bad names, a missing commit', () => {
    const { auditor, hosts } = makeFleet();
    const run = (args: string[]) => cfgtrail(args, { cwd: auditor.dir });
    const oneLine = (r: { code: number; stderr: string; stdout: string }, code: number, text: RegExp) => {
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(text);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    };
    oneLine(run(['log', '--host', 'nope']), 4, /^cfgtrail: no fetched host 'nope'; fetched hosts: origin\/db-1.eu-west_2, origin\/edge, origin\/web-1$/m);
    oneLine(run(['log', '--host', '../etc']), 5, /^cfgtrail: --host "etc" is not valid|^cfgtrail: --host remote "\.\." is not valid/);
    oneLine(run(['blame', 'app.yaml', '--host', 'a\x1b[31mb']), 5, /is not valid/);
    oneLine(run(['log', '--host', 'web-1', '--all-hosts']), 2, /cannot be used with/);
    oneLine(run(['snapshot', '-m', 'x', '--host', 'web-1']), 2, /unknown option '--host'/);
    oneLine(run(['log', '--all-hosts', 'HEAD~1']), 5, /--all-hosts takes no revision/);
    oneLine(run(['log', '--all-hosts', '-p']), 5, /-p prints the values of one field/);
    // the same host from two remotes
    fetchHost(auditor.store, hosts.web!, 'backup');
    oneLine(run(['log', '--host', 'web-1']), 4, /^cfgtrail: host 'web-1' is fetched from 2 remotes: backup\/web-1, origin\/web-1; name one as REMOTE\/HOST$/m);
    expect(ok(['log', '--host', 'backup/web-1', '--oneline'], auditor.dir)).toBe(ok(['log', '--oneline'], hosts.web!.dir));
    expect(ok(['log', '--all-hosts', '--oneline', '-n', '1'], auditor.dir)).toMatch(/^\[(backup|origin)\/web-1\] /);
    // a fetched ref naming a commit the store does not hold (written by hand: git refuses to)
    const ghost = 'deadbeef'.repeat(5);
    gitIn(auditor.store, ['update-ref', 'refs/remotes/origin/hosts/ghost', gitIn(auditor.store, ['rev-parse', 'HEAD']).trim()]);
    writeFileSync(join(auditor.store, 'refs/remotes/origin/hosts/ghost'), `${ghost}\n`);
    oneLine(run(['log', '--host', 'ghost']), 7, new RegExp(`^cfgtrail: fetched host origin/ghost: refs/remotes/origin/hosts/ghost points to ${ghost.slice(0, 12)}, which is not a commit in this store`));
    oneLine(run(['log', '--all-hosts']), 7, /points to deadbeefdead/);
    // a notes ref naming a missing commit is named the same way
    const notesRef = join(auditor.store, 'refs/notes/remotes/origin/hosts/web-1');
    const notes = readFileSync(notesRef, 'utf8');
    writeFileSync(notesRef, `${ghost}\n`);
    oneLine(run(['log', '--host', 'origin/web-1']), 7, /^cfgtrail: fetched host origin\/web-1: refs\/notes\/remotes\/origin\/hosts\/web-1 points to deadbeefdead, which is not a commit in this store/);
    writeFileSync(notesRef, notes);
    // hosts still shows the fleet, the bad host among them, and exits 7
    const listed = run(['hosts']);
    expect(listed.code).toBe(7);
    expect(listed.stderr).toBe('cfgtrail: 1 fetched host cannot be read: origin/ghost (fetch again; see above)\n');
    expect(listed.stdout).toMatch(/^origin\/ghost +cannot be read: fetched host origin\/ghost: .* points to deadbeefdead/m);
    expect(listed.stdout).toMatch(/^origin\/web-1 +\d+ changes +last /m);
  });

  it('a store that fetched nothing says how to fetch', () => {
    const { hosts } = makeFleet();
    for (const args of [['hosts'], ['log', '--all-hosts'], ['log', '--host', 'web-1'], ['suspects', '--at', 'now', '--all-hosts']]) {
      const r = cfgtrail(args, { cwd: hosts.web!.dir });
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toMatch(/^cfgtrail: (this store has fetched no host|no fetched host 'web-1'); run 'cfgtrail remote add NAME URL' and 'cfgtrail fetch NAME' first\n$/);
    }
  });

  it('hostile ref names git allows are ignored with a warning; long names, packed refs and dots work', () => {
    const { auditor } = makeFleet();
    const head = gitIn(auditor.store, ['rev-parse', 'refs/remotes/origin/hosts/edge']).trim();
    const long = `h${'x'.repeat(200)}.example-1`;
    for (const name of ['wéb', 'a\u202eb', 'x.lock.y', long, 'ends.lock']) {
      try {
        gitIn(auditor.store, ['update-ref', `refs/remotes/origin/hosts/${name}`, head]);
      } catch {
        // git refused this one itself (ends in .lock): nothing to test
      }
    }
    gitIn(auditor.store, ['pack-refs', '--all']);
    const r = cfgtrail(['hosts'], { cwd: auditor.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`origin/${long}`);
    expect(r.stdout).toContain('origin/x.lock.y');
    expect(r.stdout).not.toMatch(/wéb|\u202e/);
    expect(r.stderr).toContain('warning: ignoring "refs/remotes/origin/hosts/w\\u00e9b": not a valid host or remote name\n');
    expect(r.stderr).toContain('"refs/remotes/origin/hosts/a\\u202eb"');
    expect(r.stderr).not.toContain('\u202e');
    expect(ok(['log', '--host', long, '--oneline'], auditor.dir)).toBe(ok(['log', '--host', 'edge', '--oneline'], auditor.dir));
  });
});

describe('host views under kills and races', () => {
  it('a query killed at any rename while it builds the views leaves nothing the next one trips over', () => {
    const { auditor } = makeFleet();
    const args = ['log', '--all-hosts', '--json'];
    const expected = ok(args, auditor.dir);
    const views = join(auditor.store, 'cfgtrail-hosts');
    const count = join(auditor.dir, '..', 'renames.strace');
    rmSync(views, { recursive: true, force: true });
    spawnSync('strace', ['-f', '-qq', '-o', count, '-e', RENAMES, process.execPath, BIN, ...args], { cwd: auditor.dir, env: cliEnv() });
    const renames = readFileSync(count, 'utf8').split('\n').filter((l) => /rename/.test(l) && !/ = -1 /.test(l)).length;
    expect(renames).toBeGreaterThan(10); // three views: HEAD, notes, tags, objects link, index files
    for (let k = 1; k <= renames; k++) {
      rmSync(views, { recursive: true, force: true });
      const killed = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', RENAMES, '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${k}`, process.execPath, BIN, ...args], { cwd: auditor.dir, env: cliEnv() });
      expect(killed.status, `rename ${k}`).toBe(null);
      const after = cfgtrail(args, { cwd: auditor.dir });
      expect(after.code, `after a kill at rename ${k}: ${after.stderr}`).toBe(0);
      expect(after.stdout, `after a kill at rename ${k}`).toBe(expected);
    }
  });

  it('queries running at once on fresh views, while a fetch moves a host, all answer whole', async () => {
    const { auditor, hosts } = makeFleet();
    const before = ok(['log', '--json'], hosts.edge!.dir);
    rmSync(join(auditor.store, 'cfgtrail-hosts'), { recursive: true, force: true });
    change(hosts.edge!, T0 + 700, { 'app.yaml': 'db:\n  pool: 13\nweb:\n  timeout: 1s\n' }, ['-m', 'edge pool 13']);
    const after = ok(['log', '--json'], hosts.edge!.dir);
    const runs = Array.from({ length: 4 }, () => cfgtrailAsync(['log', '--host', 'edge', '--json'], { cwd: auditor.dir }));
    fetchHost(auditor.store, hosts.edge!);
    for (const r of await Promise.all(runs)) {
      expect(r.code, r.stderr).toBe(0);
      expect([before, after]).toContain(r.stdout);
    }
    expect(ok(['log', '--host', 'edge', '--json'], auditor.dir)).toBe(after);
    expect(ok(['log', '--all-hosts', '--json', '--grep', 'edge pool 13'], auditor.dir)).toContain('"host":"edge"');
  });
});

describe('secrets on fetched hosts', () => {
  it('are redacted with the auditor store key: the same secret has the same tag on every host and in the store', () => {
    const { auditor, hosts } = makeFleet();
    for (const h of [hosts.web!, hosts.edge!]) {
      change(h, T0 + 800, { 'app.yaml': 'db:\n  pool: 10\n  password: s3cret-Pa55\nweb:\n  timeout: 5s\n' }, ['-m', 'db password']);
      fetchHost(auditor.store, h);
    }
    writeFileSync(join(auditor.dir, 'app.yaml'), 'db:\n  pool: 1\n  password: s3cret-Pa55\n');
    const own = ok(['diff'], auditor.dir);
    const tag = /<redacted:[0-9a-f]{6}>/.exec(own)?.[0];
    expect(tag).toBeDefined();
    for (const name of ['web-1', 'edge']) {
      for (const args of [['show', '--host', name], ['show', '--json', '--host', name], ['blame', 'app.yaml', '--host', name], ['history', 'db.password', '--host', name]]) {
        const out = ok(args, auditor.dir);
        expect(out, args.join(' ')).not.toContain('s3cret');
        expect(out, args.join(' ')).toContain(tag);
      }
    }
    expect(ok(['show', '--host', 'edge', '--show-secrets'], auditor.dir)).toContain('s3cret-Pa55');
  });
});

describe('log --all-hosts over hosts that share commits', () => {
  it("shows each host's own verification note on a commit two hosts hold", () => {
    const { auditor, hosts } = makeFleet();
    // web-2 started from a copy of web-1's store: the same commits, its own notes (none on the head)
    fetchHost(auditor.store, hosts.web!, 'origin', 'web-2');
    const head = gitIn(auditor.store, ['rev-parse', 'refs/remotes/origin/hosts/web-2']).trim();
    gitIn(auditor.store, ['notes', '--ref', 'refs/notes/remotes/origin/hosts/web-2', 'remove', head]);
    const own = (name: string) => ok(['log', '--host', name, '-n', '1'], auditor.dir);
    expect(own('web-1')).not.toBe(own('web-2')); // the note is web-1's alone
    const entries = ok(['log', '--all-hosts'], auditor.dir).split(/\n(?=commit )/);
    for (const name of ['web-1', 'web-2']) {
      const entry = entries.find((e) => e.startsWith(`commit ${head}`) && e.includes(`Host:   ${name}\n`))!;
      expect(entry.replace(`Host:   ${name}\n`, '').trimEnd()).toBe(own(name).trimEnd());
    }
  });
});

describe('log --all-hosts on long, clock-skewed histories', () => {
  it('orders 600 changes as git log --remotes --date-order does, with the saved committer dates and after one is cut', () => {
    const { auditor } = makeFleet();
    // two hosts' histories written by git fast-import, committer dates jumping back and forth (unique seconds)
    let stream = '';
    const used = new Set<number>();
    for (const [h, host] of ['east', 'west'].entries()) {
      for (let i = 0; i < 300; i++) {
        let t = T0 + 10_000 + i * 60 + ((i * 7919 + h * 104_729) % 1000) - 500;
        while (used.has(t)) t++;
        used.add(t);
        const msg = `${host} change ${i}\n\nChange-Id: I${(h * 1000 + i).toString(16).padStart(16, '0')}\n`;
        const file = `db:\n  pool: ${i}\n`;
        stream += `commit refs/remotes/origin/hosts/${host}\ncommitter Ann <ann@example.com> ${t} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}M 100644 inline app.yaml\ndata ${Buffer.byteLength(file)}\n${file}\n`;
      }
    }
    const imported = spawnSync('git', ['--git-dir', auditor.store, 'fast-import', '--quiet'], { input: stream, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
    const witness = gitIn(auditor.store, ['log', '--remotes', '--date-order', '--format=%H']).trim().split('\n');
    const order = () => (JSON.parse(ok(['log', '--all-hosts', '--json'], auditor.dir)) as { commit: string }[]).map((e) => e.commit);
    expect(order()).toEqual(witness);
    const saved = join(auditor.store, 'cfgtrail-hosts', 'origin', 'east', 'committer-times');
    const lines = readFileSync(saved, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(300);
    // what a kill mid-append leaves: a cut line, then the next query's append
    writeFileSync(saved, `${lines.slice(0, 150).join('\n')}\n${lines[150]!.slice(0, 20)}`);
    expect(order()).toEqual(witness);
    expect(order()).toEqual(witness);
    // a cut inside the date's digits (a kill or a full disk mid-write) leaves a line that still looks whole
    writeFileSync(saved, `${lines.slice(0, 150).join('\n')}\n${lines[150]!.slice(0, 44)}`);
    expect(order()).toEqual(witness);
    expect(order()).toEqual(witness);
    // the first 20 of the fleet as git shows them
    expect((JSON.parse(ok(['log', '--all-hosts', '--json', '-n', '20'], auditor.dir)) as { commit: string }[]).map((e) => e.commit)).toEqual(witness.slice(0, 20));
  });
});

describe('host views in a shape no cfgtrail left', () => {
  it('are made again: files where directories go, a directory where HEAD goes, symlinks pointing out of the store', () => {
    const { base, auditor, hosts } = makeFleet();
    const expected = ok(['log', '--oneline'], hosts.web!.dir);
    const views = join(auditor.store, 'cfgtrail-hosts');
    const outside = join(base, 'outside');
    mkdirSync(outside);
    const damage: [string, () => void][] = [
      ['cfgtrail-hosts is a file', () => writeFileSync(views, 'x')],
      ['cfgtrail-hosts is a symlink out of the store', () => symlinkSync(outside, views)],
      ['the remote directory is a file', () => { mkdirSync(views); writeFileSync(join(views, 'origin'), 'x'); }],
      ['the view is a symlink out of the store', () => { mkdirSync(join(views, 'origin'), { recursive: true }); symlinkSync(outside, join(views, 'origin', 'web-1')); }],
      ['HEAD is a directory', () => mkdirSync(join(views, 'origin', 'web-1', 'HEAD', 'x'), { recursive: true })],
      ['packed-refs is a directory', () => mkdirSync(join(views, 'origin', 'web-1', 'packed-refs'), { recursive: true })],
      ['the index is a file', () => { mkdirSync(join(views, 'origin', 'web-1'), { recursive: true }); writeFileSync(join(views, 'origin', 'web-1', 'cfgtrail-index'), 'x'); }],
      ['objects is a directory of its own', () => mkdirSync(join(views, 'origin', 'web-1', 'objects', 'pack'), { recursive: true })],
    ];
    for (const [what, make] of damage) {
      rmSync(views, { recursive: true, force: true });
      make();
      const r = cfgtrail(['log', '--host', 'web-1', '--oneline'], { cwd: auditor.dir });
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      expect(r.stdout, what).toBe(expected);
      expect(readdirSync(outside), what).toEqual([]);
    }
    expect(gitIn(auditor.store, ['fsck', '--no-dangling']).trim()).toBe('');
  });
});
