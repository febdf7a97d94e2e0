import { expect } from 'vitest';
import { copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cfgtrail, tempDir } from './cli.js';

/**
 * A temp config dir whose store holds each version as one snapshot of
 * `values.yaml` (empty snapshots too, so commits and versions pair up), dated
 * as upstream dated it.
 */
export function replayVersions(versions: readonly { file: string; subject: string; date: string }[]): string {
  const dir = tempDir();
  copyFileSync(versions[0]!.file, join(dir, 'values.yaml'));
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  for (const v of versions) {
    copyFileSync(v.file, join(dir, 'values.yaml'));
    const r = cfgtrail(['snapshot', '-m', v.subject, '--allow-empty'], { cwd: dir, env: { GIT_AUTHOR_DATE: v.date } });
    expect(r.code, r.stderr).toBe(0);
  }
  return dir;
}

/** PyYAML as an independent reader of the corpus files. */
export function pyLoad(files: string[]): unknown[] {
  const out = execFileSync('python3', ['-c', 'import sys,yaml,json\nprint(json.dumps([yaml.safe_load(open(f)) for f in sys.argv[1:]], default=str))', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as unknown[];
}
