/**
 * The drill in progress (`STORE/cfgtrail-drill.json`): written once the
 * original state is known and before the bad change, removed once the drill
 * is recorded. A drill killed in between (SIGKILL, power loss) may have left
 * its bad change live and committed, which `status` cannot show; this file is
 * how the next `drill` notices and `drill --restore` puts things back.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { writeFileDurably } from '../../core/durable-file.js';
import { readRegularFile } from '../../core/store/lock.js';
import { describeOwner, isThisProcess, ownerAlive, type ProcessOwner } from '../../core/store/owner.js';

export const DRILL_FILE = 'cfgtrail-drill.json';

export interface DrillState {
  version: 1;
  id: string;
  /** The commit whose files the drill restores. */
  original: string;
  file: string;
  services: string[];
  startedAt: string;
  owner: ProcessOwner;
}

export function readDrillState(gitdir: string): DrillState | null {
  try {
    const s = JSON.parse(readRegularFile(join(gitdir, DRILL_FILE))) as DrillState;
    return s && s.version === 1 && typeof s.id === 'string' && typeof s.original === 'string' ? s : null;
  } catch {
    return null; // no drill in progress
  }
}

export function writeDrillState(gitdir: string, s: DrillState): void {
  writeFileDurably(join(gitdir, DRILL_FILE), JSON.stringify(s, null, 2));
}

export function removeDrillState(gitdir: string): void {
  rmSync(join(gitdir, DRILL_FILE), { force: true });
}

/** Throws REFUSED when another drill runs now or an interrupted one was never restored. */
export function refuseUnfinishedDrill(gitdir: string): void {
  const s = readDrillState(gitdir);
  if (!s || isThisProcess(s.owner)) return;
  if (ownerAlive(s.owner)) throw new CfgtrailError('REFUSED', `drill ${s.id} is running (${describeOwner(s.owner)}); wait for it to finish`, { drill: s.id });
  throw new CfgtrailError('REFUSED', `drill ${s.id} was stopped before it restored ${s.file} (its process is gone): run \`cfgtrail drill --restore\` to roll back to ${s.original.slice(0, 7)} and restart ${s.services.join(', ')}`, { drill: s.id });
}
