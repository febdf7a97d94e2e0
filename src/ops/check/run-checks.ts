/**
 * `cfgtrail check`: every check a pre-deploy script gates on, as verdict
 * lines. Reads only; never takes the store lock.
 */
import type { Person, Trailer } from '../../core/types.js';
import type { Store } from '../../core/store/open.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { syncIndexForRead } from '../../core/audit/index-sync.js';
import { changeIdIndexed, type IndexData } from '../../core/audit/index-store.js';
import { eachFirstParent } from '../../core/audit/first-parent.js';
import { lookupEntry } from '../../core/audit/query.js';
import { knownChange } from '../../core/audit/dependency-state.js';
import { diffRevs } from '../../core/audit/diff-revs.js';
import { liveFiles } from '../../core/store/compare.js';
import { parseConfig } from '../../core/diff/parse-config.js';
import { CfgtrailError } from '../../core/errors.js';
import { quotePath } from '../../core/path-name.js';
import type { FileDiff } from '../../core/types.js';
import { currentFreeze, describeFreeze } from '../freeze.js';
import { describePending, pendingRollback } from '../rollback/pending.js';
import { exemptionOf, policyChecks, type CheckLine, type PolicyChange } from './policy.js';

export type { CheckLine } from './policy.js';

/** The change `snapshot` would record with the same flags. */
export interface StagedRecord {
  title: string;
  /** `--change-id`: snapshot refuses one this store has used already. */
  changeId?: string;
  trailers: Trailer[];
  author: Person;
}

export interface CheckReport {
  lines: CheckLine[];
  /** A freeze is in effect (the `freeze` line failed). */
  frozen: boolean;
  ok: boolean;
}

/**
 * Runs the checks: tracked YAML/JSON files parse, settings are valid (the
 * caller opened the store with them), no freeze, the policy on the newest
 * change (or on `staged`, the change about to be recorded), and drift since
 * the last snapshot.
 * @example const { ok, lines } = await runChecks(store, { now: Date.now })
 */
export async function runChecks(store: Store, opts: { staged?: StagedRecord; now?: () => number } = {}): Promise<CheckReport> {
  const index = await syncIndexForRead(store);
  const freeze = currentFreeze(store, { now: opts.now, index });
  const lines: CheckLine[] = [
    parseCheck(store),
    { name: 'settings', status: 'pass', detail: store.settings.file },
    freeze ? { name: 'freeze', status: 'fail', detail: describeFreeze(freeze) } : { name: 'freeze', status: 'pass', detail: 'not frozen' },
    pendingCheck(store),
  ];
  const drift = await diffRevs(store, [], [], false);
  if (opts.staged?.changeId !== undefined) {
    const id = opts.staged.changeId;
    lines.push(changeIdIndexed(index, id)
      ? { name: 'change-id', status: 'fail', detail: `Change-Id ${id} is already used in this store: snapshot would refuse it` }
      : { name: 'change-id', status: 'pass', detail: `${id} is new` });
  }
  lines.push(...policyLines(store, index, opts.staged ? stagedChange(opts.staged, drift) : await newestChange(store, index)));
  lines.push(driftCheck(store, drift, Boolean(opts.staged)));
  return { lines, frozen: freeze !== null, ok: lines.every((l) => l.status !== 'fail') };
}

/** The staged change's policy view: the live files against the last snapshot. */
export function stagedChange(r: StagedRecord, drift: FileDiff[]): PolicyChange {
  return { ...r, files: drift.map((d) => d.file), fields: drift.flatMap((d) => d.changes.map((c) => ({ file: d.file, pathText: c.pathText }))) };
}

function policyLines(store: Store, index: IndexData, change: PolicyChange | string): CheckLine[] {
  if (typeof change === 'string') return [{ name: 'policy', status: 'pass', detail: change }];
  return policyChecks(change, store.settings.policy, (id) => knownChange(index, id));
}

/**
 * The newest change on HEAD's line (freeze records stepped over) as the
 * policy sees it, or why there is nothing to judge.
 */
async function newestChange(store: Store, index: IndexData): Promise<PolicyChange | string> {
  let commit = null as string | null;
  eachFirstParent(index, readStoreHead(store.gitdir), (e) => {
    const why = exemptionOf(JSON.parse(e.memberText('trailers', 'files')) as Trailer[]);
    if (why === 'a freeze record') return true;
    commit = e.oid;
    return false;
  });
  if (commit === null) return 'no change recorded yet';
  const entry = lookupEntry(store, index, commit);
  const parent = entry.parents[0];
  const why = parent === undefined ? 'the first snapshot' : exemptionOf(entry.trailers);
  if (why) return `the newest change (${commit.slice(0, 7)}) is ${why}: the policy judges new changes`;
  const diffs = await diffRevs(store, [parent!, commit], [], false);
  return {
    title: entry.title, author: entry.author, trailers: entry.trailers, files: entry.files.map((f) => f.path),
    fields: diffs.flatMap((d) => d.changes.map((c) => ({ file: d.file, pathText: c.pathText }))),
  };
}

/** A half-done rollback makes snapshot refuse (it would record a mix of old and new files). */
function pendingCheck(store: Store): CheckLine {
  const pending = pendingRollback(store);
  return pending ? { name: 'rollback', status: 'fail', detail: describePending(pending) } : { name: 'rollback', status: 'pass', detail: 'none pending' };
}

/** Every tracked YAML/JSON file parses (as snapshot --strict would require). */
function parseCheck(store: Store): CheckLine {
  const bad: string[] = [];
  let n = 0;
  for (const [path, f] of liveFiles(store)) {
    if (f.mode === '120000' || f.content.length > store.settings.diffMaxBytes) continue;
    const parsed = parseConfig(path, f.content, { schema: store.settings.yamlSchema });
    if (parsed === null) continue;
    n += 1;
    if (!parsed.ok) bad.push(`${quotePath(path)}:${parsed.error.line}:${parsed.error.col}: ${parsed.error.message}`);
  }
  if (bad.length > 0) return { name: 'parse', status: 'fail', detail: bad.join('; ') };
  return { name: 'parse', status: 'pass', detail: `${n} YAML/JSON file${n === 1 ? '' : 's'}` };
}

/** Live files against the last snapshot: the staged change itself with --staged, else warn or fail per `policy.drift`. */
function driftCheck(store: Store, drift: FileDiff[], staged: boolean): CheckLine {
  const n = drift.length;
  const files = drift.slice(0, 5).map((d) => quotePath(d.file)).join(', ') + (n > 5 ? ', …' : '');
  if (staged) return { name: 'drift', status: 'pass', detail: n === 0 ? 'nothing to record' : `${n} file${n === 1 ? '' : 's'} staged: ${files}` };
  const mode = store.settings.policy.drift;
  if (n === 0) return { name: 'drift', status: 'pass', detail: 'live files match the last snapshot' };
  const detail = `${n === 1 ? '1 file differs' : `${n} files differ`} from the last snapshot: ${files}`;
  return { name: 'drift', status: mode === 'fail' ? 'fail' : mode === 'warn' ? 'warn' : 'pass', detail };
}

/**
 * `snapshot` keeps the policy as git runs its hooks: a change that breaks a
 * rule (required trailers, approvals, forbidden fields, max files) is
 * refused before anything is recorded, unless `enforce_on_snapshot: false`.
 * Depends-On ids are snapshot's own check (a warning, refused with --strict).
 * @throws CfgtrailError REFUSED naming every rule broken
 */
export async function refusePolicyBreaks(store: Store, staged: StagedRecord): Promise<void> {
  const p = store.settings.policy;
  const rules = p.requiredTrailers.length > 0 || Object.keys(p.approvals).length > 0 || p.forbiddenFields.length > 0 || p.maxFiles !== null;
  // The first snapshot records what is there already: there is no change to judge.
  if (!p.enforceOnSnapshot || !rules || readStoreHead(store.gitdir) === null) return;
  const drift = await diffRevs(store, [], [], false);
  const failed = policyChecks(stagedChange(staged, drift), p, () => true).filter((l) => l.status === 'fail');
  if (failed.length === 0) return;
  const what = failed.map((l) => `${l.name}: ${l.detail}`).join('; ');
  throw new CfgtrailError('REFUSED', `not recording a snapshot: the policy in settings.yaml refuses it (${what}); 'cfgtrail check --staged' with the same flags shows every check`, { failed });
}
