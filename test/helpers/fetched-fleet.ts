/**
 * Host stores made with the real CLI and an auditor's store that fetched
 * them with native git, exactly as the fleet contract lays refs out
 * (`refs/remotes/<remote>/hosts/<host>`, `refs/notes/remotes/<remote>/hosts/<host>`,
 * `refs/tags/hosts/<host>/<tag>`): what `cfgtrail fetch` writes, without the transport.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cfgtrail, gitIn, tempDir } from './cli.js';

export interface HostStore {
  name: string;
  dir: string;
  store: string;
}

/** Seconds since the epoch of the fleet's first change (distinct, fixed dates: the date order is known). */
export const T0 = 1_795_000_000;

/** A host store whose config is `app.yaml` (db.pool, web.timeout) and `notes.txt`. */
export function makeHost(base: string, name: string): HostStore {
  const dir = join(base, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.yaml'), 'db:\n  pool: 10\nweb:\n  timeout: 5s\n');
  writeFileSync(join(dir, 'notes.txt'), `host ${name}\n`);
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  return { name, dir, store: join(dir, '.cfgtrail') };
}

/** Writes `files` into the host and snapshots them, dated `at` (seconds), with `args`. */
export function change(h: HostStore, at: number, files: Record<string, string>, args: string[]): string {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(h.dir, f), text);
  const r = cfgtrail(['snapshot', ...args], { cwd: h.dir, env: { GIT_AUTHOR_DATE: `@${at} +0000` } });
  expect(r.code, r.stderr).toBe(0);
  return gitIn(h.store, ['rev-parse', 'HEAD']).trim();
}

/** Fetches `h` into the auditor's store as `remote`, as `cfgtrail fetch` lays it out (forced, like a fetch refspec with +). */
export function fetchHost(auditor: string, h: HostStore, remote = 'origin', host = h.name): void {
  const refspecs = [`+refs/heads/main:refs/remotes/${remote}/hosts/${host}`];
  if (gitIn(h.store, ['for-each-ref', 'refs/notes/cfgtrail']).trim() !== '') refspecs.push(`+refs/notes/cfgtrail:refs/notes/remotes/${remote}/hosts/${host}`);
  refspecs.push(`+refs/tags/*:refs/tags/hosts/${host}/*`);
  gitIn(auditor, ['fetch', '-q', '--no-tags', h.store, ...refspecs]);
}

/**
 * Three hosts with different histories of the same files, and an auditor
 * (its own store, one change) that fetched them all. web-1 has a tag, a
 * rollback and a mark-good note; dates interleave between hosts.
 */
export function makeFleet(): { base: string; auditor: { dir: string; store: string }; hosts: Record<string, HostStore> } {
  const base = tempDir('cfgtrail-fleet-');
  const web = makeHost(base, 'web-1');
  const db = makeHost(base, 'db-1.eu-west_2');
  const edge = makeHost(base, 'edge');
  change(web, T0, {}, ['-m', 'web initial', '--component', 'web']);
  change(db, T0 + 60, {}, ['-m', 'db initial', '--component', 'db']);
  change(edge, T0 + 120, {}, ['-m', 'edge initial']);
  change(web, T0 + 180, { 'app.yaml': 'db:\n  pool: 20\nweb:\n  timeout: 5s\n' }, ['-m', 'raise web pool', '--risk', 'high', '--component', 'db']);
  gitIn(web.store, ['tag', 'v1']);
  change(db, T0 + 240, { 'app.yaml': 'db:\n  pool: 50\nweb:\n  timeout: 5s\n' }, ['-m', 'raise db pool', '--risk', 'low', '--component', 'db']);
  change(edge, T0 + 300, { 'app.yaml': 'db:\n  pool: 10\nweb:\n  timeout: 1s\n' }, ['-m', 'shorter edge timeout', '--risk', 'high', '--component', 'web']);
  change(web, T0 + 360, { 'app.yaml': 'db:\n  pool: 30\nweb:\n  timeout: 2s\n' }, ['-m', 'web pool and timeout', '--risk', 'critical', '--component', 'web']);
  change(db, T0 + 420, { 'notes.txt': 'db notes 2\n' }, ['-m', 'db notes only']);
  const rb = cfgtrail(['rollback', 'HEAD~1', '--yes', '--no-restart', '--no-verify', '-m', 'web pool too big'], { cwd: web.dir });
  expect(rb.code, rb.stderr).toBe(0);
  expect(cfgtrail(['mark-good', 'HEAD', '-m', 'checked by hand'], { cwd: web.dir }).code).toBe(0);
  const adir = join(base, 'auditor');
  mkdirSync(adir);
  writeFileSync(join(adir, 'app.yaml'), 'db:\n  pool: 1\n');
  expect(cfgtrail(['init'], { cwd: adir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'auditor own'], { cwd: adir, env: { GIT_AUTHOR_DATE: `@${T0 - 600} +0000` } }).code).toBe(0);
  const auditor = { dir: adir, store: join(adir, '.cfgtrail') };
  for (const h of [web, db, edge]) fetchHost(auditor.store, h);
  return { base, auditor, hosts: { web, db, edge } };
}
