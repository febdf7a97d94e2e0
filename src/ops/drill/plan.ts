/**
 * Planning a drill: which file, what bad change, which services detect it,
 * which targets it is judged by. Reads the store and the live file; changes
 * nothing (`--dry-run` prints this).
 */
import { randomBytes } from 'node:crypto';
import { CfgtrailError } from '../../core/errors.js';
import { escapeControls } from '../../core/path-name.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { commitFiles, liveFiles } from '../../core/store/compare.js';
import type { Store } from '../../core/store/open.js';
import { storeRedaction } from '../../core/store/redact-store.js';
import { redactText } from '../../core/diff/redact-lines.js';
import { servicesForFiles, settingsReaders, type ServiceConfig } from '../services-config.js';
import { applyDrillPatch, parseSetArg, patchTarget, setField } from './change.js';
import type { DrillPlan } from './types.js';
import { refuseUnfinishedDrill } from './state.js';

export interface DrillRequest {
  /** `key.path=value` */
  set?: string;
  /** Root-relative file for `set`; the only tracked YAML file when not given. */
  file?: string;
  /** The patch file's name and how to read it (read only once the request holds together). */
  patch?: { source: string; read: () => string };
  timeoutMs: number;
  services: ServiceConfig[];
  /** How the failure is detected (DrillPlan.detect). @default 'health' */
  detect?: DrillPlan['detect'];
}

/**
 * @throws CfgtrailError BAD_INPUT (no or two changes, no such file, patch does not apply), REFUSED (no service with health checks uses the file), NO_STORE-like UNKNOWN_REV (empty store)
 */
export function planDrill(store: Store, req: DrillRequest): DrillPlan {
  if ((req.set === undefined) === (req.patch === undefined)) throw new CfgtrailError('BAD_INPUT', 'a drill needs exactly one bad change: --set KEY=VALUE or --patch FILE');
  refuseUnfinishedDrill(store.gitdir);
  const head = readStoreHead(store.gitdir);
  if (!head) throw new CfgtrailError('UNKNOWN_REV', 'the store has no snapshot yet: run `cfgtrail snapshot` first (a drill restores the recorded state)');
  const patchText = req.patch?.read();
  const live = liveFiles(store);
  const file = req.patch ? patchTarget(patchText!, req.patch.source) : req.file ?? onlyYamlFile([...live.keys()]);
  const current = live.get(file);
  if (!current) throw new CfgtrailError('BAD_INPUT', `${file} is not a tracked file of this store`, { file });
  if (current.mode === '120000') throw new CfgtrailError('BAD_INPUT', `${file} is a symbolic link: a drill changes the file itself`, { file });
  const before = current.content.toString('utf8');
  const set = req.set === undefined ? null : parseSetArg(req.set);
  const after = set ? setField(before, set.path, set.value, store.settings.yamlSchema, file) : applyDrillPatch(before, patchText!, req.patch!.source);
  if (after === before) throw new CfgtrailError('BAD_INPUT', `${file}: the bad change changes nothing (the file already says so)`, { file });
  const services = servicesForFiles(req.services, [file]);
  refuseUnchecked(file, services);
  const recorded = commitFiles(store, head);
  const drift = live.size !== recorded.size || [...live].some(([p, f]) => recorded.get(p)?.oid !== f.oid);
  return {
    id: `DRILL-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`,
    // shown on terminals and made the title of the drill's commit: control characters as text, secrets hidden
    file, change: escapeControls(set ? `set ${set.path.join('.')}=${shownValue(store, set.path, set.text)}` : `patch ${req.patch!.source}`),
    before, after, head, drift, services, detect: req.detect ?? 'health', timeoutMs: req.timeoutMs, targets: drillTargets(store),
  };
}

function onlyYamlFile(paths: string[]): string {
  const yaml = paths.filter((p) => /\.ya?ml$/i.test(p) && !p.startsWith('.cfgtrail'));
  if (yaml.length !== 1) throw new CfgtrailError('BAD_INPUT', `name the file the bad change goes into with --file (${yaml.length} YAML files are tracked)`);
  return yaml[0]!;
}

/** A drill measures detection by health checks: every service of the file must have some. */
function refuseUnchecked(file: string, services: ServiceConfig[]): void {
  if (services.length === 0) throw new CfgtrailError('REFUSED', `no service in settings.yaml uses ${file}: a drill needs a service to restart and health checks to detect the failure`, { file });
  const blind = services.filter((s) => s.health.length === 0).map((s) => s.name);
  if (blind.length > 0) throw new CfgtrailError('REFUSED', `service ${blind.join(', ')} has no health checks: a drill against it could never detect the failure`, { services: blind });
}

/** `drill: { max_detect, max_recover }` from settings. @default 1 min and 2 min */
export function drillTargets(store: Store): DrillPlan['targets'] {
  const raw = store.settings.drill;
  const r = settingsReaders({ file: store.settings.file, lineOf: store.settings.lineOf });
  const o = raw === null || raw === undefined ? {} : r.object(raw, ['drill']);
  return {
    maxDetectMs: o.max_detect === undefined ? 60_000 : r.duration(o.max_detect, ['drill', 'max_detect']),
    maxRecoverMs: o.max_recover === undefined ? 120_000 : r.duration(o.max_recover, ['drill', 'max_recover']),
  };
}

/**
 * The value of `--set` as commits, reports and progress show it: hidden
 * (`<redacted:ab12cd>`, the store's key) when a key on its path is secret or
 * the value has a secret's shape, as diffs hide it.
 */
function shownValue(store: Store, path: readonly (string | number)[], text: string): string {
  const { rules, tag } = storeRedaction(store).redactor;
  if (path.some((seg) => typeof seg === 'string' && rules.classifyKey(seg) === 'secret')) return tag(text);
  return redactText(text, rules, tag);
}
