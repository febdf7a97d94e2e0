/**
 * What a rollback plan was made from, kept in the plan itself, so a plan
 * that went through JSON (or was built elsewhere) is judged the same way as
 * the object `buildPlan` returned.
 */
import { createHash } from 'node:crypto';
import type { LiveFile } from '../../core/store/scan.js';
import type { ServiceConfig } from '../services-config.js';
import type { PlanBasis, RollbackPlan } from './types.js';

/**
 * The basis of a plan made from `live` with this chown setting and these
 * services: fingerprints, not copies, so a plan stays small.
 *
 * @example planBasis(liveFiles(store), false, settings.services)
 */
export function planBasis(live: Map<string, LiveFile>, chown: boolean, services: ServiceConfig[]): PlanBasis {
  const files = createHash('sha256');
  for (const path of [...live.keys()].sort()) {
    const f = live.get(path)!;
    // NUL ends the path: no path holds one, so no two listings hash alike by shifting bytes.
    files.update(`${path}\0${f.oid} ${f.mode} ${f.perm} ${f.uid} ${f.gid}\n`);
  }
  return { live: files.digest('hex'), chown, services: createHash('sha256').update(JSON.stringify(services)).digest('hex') };
}

/**
 * True when `plan` (not a resumed one) was made from exactly these live files
 * (content, mode, permissions, owners), with the same chown setting and
 * service settings: planned again now, against the same HEAD, it would come
 * out the same. A plan without a basis (not made by `buildPlan`) never holds.
 */
export function planStillHolds(plan: RollbackPlan, live: Map<string, LiveFile>, chown: boolean, services: ServiceConfig[]): boolean {
  if (plan.resume !== null || plan.basis === undefined) return false;
  const now = planBasis(live, chown, services);
  return now.chown === plan.basis.chown && now.services === plan.basis.services && now.live === plan.basis.live;
}
