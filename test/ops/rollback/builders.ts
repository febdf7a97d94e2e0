/** Small builders for rollback tests: a real store in a temp dir, snapshots, fake service ports. */
import { mkdirSync, readFileSync, readdirSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initStore } from '../../../src/core/store/init.js';
import { openStore, type Store } from '../../../src/core/store/open.js';
import { writeSnapshot } from '../../../src/core/store/snapshot.js';
import type { Trailer } from '../../../src/core/types.js';
import type { Clock } from '../../../src/ops/ports.js';
import { tempDir } from '../../helpers/cli.js';

export const author = { name: 'Test Operator', email: 'ops@example.com' };

/** A config dir with a store and the given files. */
export async function storeWith(files: Record<string, string>): Promise<{ dir: string; store: () => Store }> {
  const dir = tempDir('cfgtrail-rb-');
  writeFiles(dir, files);
  await initStore(dir);
  return { dir, store: () => openStore(dir) };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

let tick = 1_700_000_000_000;
/** Snapshots the live dir; returns the commit id and Change-Id. */
export async function snap(dir: string, title: string, trailers: Trailer[] = []): Promise<{ commit: string; changeId: string }> {
  tick += 60_000;
  const r = await writeSnapshot(openStore(dir), { title, trailers, author, now: () => tick, tzOffset: 0 });
  if (!r.commit) throw new Error(`nothing changed for '${title}'`);
  return { commit: r.commit, changeId: r.changeId! };
}

/** Every path under `dir` (store excluded) with its type, mode and content: a byte-exact picture. */
export function picture(dir: string, skip = '.cfgtrail'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === skip) continue;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(join(dir, r))}`;
      else out[r] = `${(st.mode & 0o7777).toString(8)} ${readFileSync(join(dir, r), 'base64')}`;
    }
  };
  walk('');
  return out;
}

/** A clock that does not wait. */
export const instantClock: Clock = { now: () => Date.now(), sleep: async () => {} };
