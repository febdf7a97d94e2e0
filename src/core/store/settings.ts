import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { yamlLib } from '../lazy.js';
import { CfgtrailError } from '../errors.js';
import { parsePlainYaml } from '../diff/plain-yaml.js';
import { checkSettingsSchema } from './settings-schema.js';
import { MAX_TIMER_MS, parseDuration, TOO_LONG } from '../record/duration.js';
import { compileIdentifierRules, type IdentifierRule } from '../diff/identifier-rules.js';
import { parsePathText } from '../diff/path-text.js';

/** Store settings, from `STORE/settings.yaml`. */
export interface Settings {
  include: string[];
  exclude: string[];
  yamlSchema: 'core' | 'yaml-1.1';
  secretKeys: string[] | null;
  /** Regular expressions of secret values (`secret_values`), hidden wherever they match. */
  secretValues: string[];
  /** Globs of files whose content is never shown (`secret_files`). */
  secretFiles: string[];
  lockTimeoutMs: number;
  gcEvery: number;
  /** Files larger than this many bytes get a summary instead of a field or text diff (`diff_max_bytes`). */
  diffMaxBytes: number;
  /** Identifier keys named per list path (`list_identifiers`), for field diffs. @default [] */
  listIdentifiers: IdentifierRule[];
  /** Restore setuid/setgid/sticky bits recorded in `.cfgtrail-meta` on rollback. @default false */
  restoreSpecialBits: boolean;
  /** Raw `services:` list, validated by ops (it knows the restart kinds). */
  services: unknown[];
  /** What each component named in `Component` trailers is (`components:`), for change records. */
  components: Record<string, { type?: string; environment?: string }>;
  /** Rules for new changes (`policy:`), checked by `check`, enforced by `snapshot`. */
  policy: Policy;
  /** How long a hook may run (`hook_timeout`). @default 60 s */
  hookTimeoutMs: number;
  /** Raw `watch:` section (null when absent), validated by ops/watch/config.ts. */
  watch: unknown;
  /** Raw `rollout:` mapping (null: none), validated by ops/rollout. */
  rollout: unknown;
  /** Raw `drill:` mapping (null: none), validated by ops/drill. */
  drill: unknown;
  /** Line of a key path in settings.yaml, for messages. */
  lineOf: (path: (string | number)[]) => number | undefined;
  file: string;
}

/** `policy:` of settings.yaml, defaults filled in. */
export interface Policy {
  requiredTrailers: string[];
  /** Approvers needed per risk level. */
  approvals: Partial<Record<'low' | 'medium' | 'high' | 'critical', number>>;
  forbiddenFields: { field: string; files: string[]; approvers: string[] }[];
  maxFiles: number | null;
  drift: 'ignore' | 'warn' | 'fail';
  enforceOnSnapshot: boolean;
}

export const SETTINGS_FILE = 'settings.yaml';

/** The file `init` writes: every key explained. */
export const SETTINGS_TEMPLATE = `# cfgtrail settings for this store. Edit freely; every command checks this file.

# Globs (relative to the config root) of the files to track. Empty: every file.
# A glob without '/' matches at any depth ('*.yaml'); '**' crosses directories.
include: []

# Globs of files never tracked. The store itself and editor leftovers
# (*.swp, *~, .#*) are never tracked whatever this says.
exclude: []

# How YAML scalars are read for field diffs: 'core' (YAML 1.2: yes/no are
# strings, 0755 is 755) or 'yaml-1.1' (Kubernetes style: yes/no are booleans,
# 0755 is octal).
yaml_schema: core

# Secrets are never printed unless asked (--show-secrets). Built in: keys
# whose words include pass, password, pwd, secret, token, auth, api_key,
# credential, session, cookie or that end in _key (DB_KEY), and values shaped
# like PEM private keys, Bearer/Basic credentials, URL passwords, JWTs and
# known token prefixes (ghp_, xoxb-, AKIA..., sk_live_). Values show as
# <redacted:ab12cd>, a keyed hash (STORE/cfgtrail-redact.key) that changes
# when the value does. Extra keys: case-insensitive regular expressions.
secret_keys: []

# Extra secret values: regular expressions (only group 1 is hidden when the
# expression has a group), e.g. ['acme_[a-z0-9]{24}'].
secret_values: []

# Globs of files that are secret as a whole: only sizes and tags are shown.
secret_files: []

# Seconds a command waits for another cfgtrail command holding the store lock.
lock_timeout: 10

# Pack the store's loose objects after this many snapshots (0: only 'cfgtrail gc').
gc_every: 100

# Files larger than this (bytes, either version) are not diffed in full:
# diff, show and rollback --dry-run print their sizes, blob ids and the first
# changed lines instead. 67108864 is 64 MiB.
diff_max_bytes: 67108864

# Which key identifies the entries of a list, by the list's path (its last
# map keys), when name/key/id do not: one key, or several for a compound
# identity. Field paths then read scrape_configs[job_name=node] and
# spec.ports[port+protocol=53/UDP], and reordering entries is no change, e.g.
#   list_identifiers:
#     scrape_configs: job_name
#     spec.ports: [port, protocol]
list_identifiers: {}

# Restore setuid, setgid and sticky bits recorded for a file when rolling
# back. Off: a rollback restores only the permission bits (0777); anyone who
# can write the store could otherwise plant a setuid file. A rollback's plan
# warns about every mode with these bits and every owner change either way.
restore_special_bits: false

# Services that use the tracked files: restarted and health-checked after a
# rollback. See the README ('Services') for the keys.
services: []

# What the components named by 'snapshot --component' are, for the change
# records 'cfgtrail export' prints, e.g.
#   components:
#     database: { type: postgres, environment: production }
components: {}

# Rules for new changes, checked by 'cfgtrail check' and enforced by
# 'cfgtrail snapshot' (rollbacks, reverts and freezes are exempt), e.g.
#   policy:
#     required_trailers: [Ticket]
#     approvals: { high: 1, critical: 2 }     # distinct Approved-By, not the author
#     forbidden_fields:
#       - { field: 'security.*', approvers: ['sec@example.com'] }
#     max_files: 20
#     drift: warn                              # ignore, warn or fail
#     enforce_on_snapshot: true
policy: {}

# How long a hook in STORE/hooks (pre-snapshot, post-snapshot, pre-rollback,
# post-rollback, post-verify) may run before it is killed.
hook_timeout: 60s
# cfgtrail watch: metrics that roll a bad change back by themselves (after
# 'breaches' bad samples in a row), and where alerts go. See the README
# ('cfgtrail watch') for the keys, e.g.
#   watch:
#     interval: 10s
#     metrics:
#       - { name: error_rate, http: { url: "http://127.0.0.1:8080/stats", field: errors.rate }, max: 0.05 }
#     alerts:
#       - webhook: https://hooks.example.com/T000/B000
watch: {}
# Progressive rollback ('cfgtrail rollback TARGET --instances FILE'): how one
# instance is rolled back, and the gate each instance of a batch must pass
# before the next batch starts. {instance} and {target} are replaced inside
# each argv element and URL (no shell). See the README ('Progressive rollback'), e.g.
#   rollout:
#     action: [ssh, "{instance}", cfgtrail, -C, /etc/myapp, rollback, "{target}", --yes, --json]
#     health: [{ http: "http://{instance}:8080/health", retries: 5 }]
#     timeout: 5m          # each instance's action
#     gate_timeout: 30s    # each instance's gate, retries included
rollout: {}

# Targets 'cfgtrail drill' judges a rehearsal against, e.g.
#   drill: { max_detect: 1m, max_recover: 2m }
drill: {}
`;

/**
 * The settings file `init` writes: the template, after a line that points
 * editors (yaml-language-server: VS Code, Neovim, Helix…) at the JSON Schema
 * so they complete and check it.
 *
 * @param schemaUrl where the schema is, e.g. the installed package's `file:///…/schema/settings.schema.json`
 */
export function settingsFileText(schemaUrl?: string): string {
  return schemaUrl ? `# yaml-language-server: $schema=${schemaUrl}\n${SETTINGS_TEMPLATE}` : SETTINGS_TEMPLATE;
}

const DEFAULTS = { include: [], exclude: [], yaml_schema: 'core', secret_keys: [], secret_values: [], secret_files: [], lock_timeout: 10, gc_every: 100, diff_max_bytes: 64 * 1024 * 1024, list_identifiers: {}, restore_special_bits: false, services: [], components: {} };

/** Loads and validates `settings.yaml`; a missing file means defaults. */
export function loadSettings(gitdir: string): Settings {
  return parseSettings(readSettingsText(gitdir) ?? '', join(gitdir, SETTINGS_FILE));
}

/**
 * settings.yaml's text; null when the store has none (all defaults).
 * @throws CfgtrailError BAD_SETTINGS when it exists but cannot be read
 */
export function readSettingsText(gitdir: string): string | null {
  const file = join(gitdir, SETTINGS_FILE);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CfgtrailError('BAD_SETTINGS', `${file}: cannot read: ${(e as Error).message}`, { file });
  }
}

/** Parses settings text; errors name the file, line and key. */
export function parseSettings(text: string, file: string): Settings {
  // Most settings files are plain YAML: the yaml package is then loaded only to point at a line in an error.
  const plain = parsePlainYaml(text);
  let full: { doc: Document; lc: LineCounter } | undefined;
  const parseFull = () => (full ??= parseSettingsDocument(text, file));
  const raw = ((plain?.length === 1 ? plain[0] : parseFull().doc.toJS()) ?? {}) as Record<string, unknown>;
  const lineOf = (path: (string | number)[]) => lineOfPath(parseFull(), path);
  const fail = (key: string, msg: string): never => {
    const line = lineOf([key]);
    throw new CfgtrailError('BAD_SETTINGS', `${file}${line ? `:${line}` : ''}: ${key}: ${msg}`, { file, line, key });
  };
  // The shape (keys, types, enums, services) comes from schema/settings.schema.json.
  checkSettingsSchema(raw, { file, lineOf });
  const v = { ...DEFAULTS, ...raw };
  const strings = (key: string): string[] => (v as Record<string, unknown>)[key] as string[];
  const num = (key: string): number => (v as Record<string, unknown>)[key] as number;
  const secretKeys = strings('secret_keys');
  const secretValues = strings('secret_values');
  for (const key of ['secret_keys', 'secret_values'] as const) {
    for (const p of key === 'secret_keys' ? secretKeys : secretValues) {
      try {
        new RegExp(p);
      } catch (e) {
        fail(key, `not a regular expression: ${JSON.stringify(p)} (${(e as Error).message})`);
      }
    }
  }
  // A forbidden field without a glob must read as a field path now, not when the first snapshot is judged.
  for (const rule of ((v as Record<string, unknown>).policy as RawPolicy | undefined)?.forbidden_fields ?? []) {
    const base = rule.field.replace(/\.\*\*?$/, '');
    if (/[*?{]/.test(base)) continue;
    try {
      parsePathText(base);
    } catch (e) {
      fail('policy', `forbidden_fields: ${JSON.stringify(rule.field)} is not a field path (${(e as Error).message.replace(/^bad field path "[^"]*": /, '')})`);
    }
  }
  const hookTimeout = (v as Record<string, unknown>).hook_timeout as string | undefined ?? '60s';
  const hookTimeoutMs = parseDuration(hookTimeout)!;
  if (hookTimeoutMs === 0) fail('hook_timeout', 'must be more than 0 (every hook would time out at once)');
  if (hookTimeoutMs > MAX_TIMER_MS) fail('hook_timeout', `${TOO_LONG}, not '${hookTimeout}'`);
  const listIdentifiers = compileIdentifierRules(v.list_identifiers as Record<string, string | string[]>);
  if (typeof listIdentifiers === 'string') fail('list_identifiers', listIdentifiers);
  return {
    include: strings('include'),
    exclude: strings('exclude'),
    yamlSchema: v.yaml_schema as Settings['yamlSchema'],
    secretKeys: secretKeys.length > 0 ? secretKeys : null,
    secretValues,
    secretFiles: strings('secret_files'),
    lockTimeoutMs: num('lock_timeout') * 1000,
    gcEvery: num('gc_every'),
    diffMaxBytes: num('diff_max_bytes'),
    listIdentifiers: listIdentifiers as IdentifierRule[],
    restoreSpecialBits: v.restore_special_bits as boolean,
    services: v.services as unknown[],
    components: v.components as Settings['components'],
    policy: policyOf((v as Record<string, unknown>).policy as RawPolicy | undefined),
    hookTimeoutMs,
    watch: (raw.watch as unknown) ?? null,
    rollout: (v as Record<string, unknown>).rollout ?? null,
    drill: (v as Record<string, unknown>).drill ?? null,
    lineOf,
    file,
  };
}

interface RawPolicy {
  required_trailers?: string[];
  approvals?: Policy['approvals'];
  forbidden_fields?: { field: string; files?: string[]; approvers?: string[] }[];
  max_files?: number;
  drift?: Policy['drift'];
  enforce_on_snapshot?: boolean;
}

/** The policy with defaults (the schema has checked the shape). */
function policyOf(raw: RawPolicy = {}): Policy {
  return {
    requiredTrailers: raw.required_trailers ?? [],
    approvals: raw.approvals ?? {},
    forbiddenFields: (raw.forbidden_fields ?? []).map((f) => ({ field: f.field, files: f.files ?? [], approvers: f.approvers ?? [] })),
    maxFiles: raw.max_files ?? null,
    drift: raw.drift ?? 'warn',
    enforceOnSnapshot: raw.enforce_on_snapshot ?? true,
  };
}

/** The settings file as a yaml Document, for values and line numbers; a syntax error names its line. */
function parseSettingsDocument(text: string, file: string): { doc: Document; lc: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lc.linePos(first.pos[0]);
    throw new CfgtrailError('BAD_SETTINGS', `${file}:${pos.line}:${pos.col}: ${first.message.split('\n')[0]}`, { file, line: pos.line });
  }
  return { doc, lc };
}

function lineOfPath({ doc, lc }: { doc: Document; lc: LineCounter }, path: (string | number)[]): number | undefined {
  const { isMap, isScalar, isSeq } = yamlLib();
  let node: unknown = doc.contents;
  let pos: number | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      pos = (pair.key as { range?: [number, number, number] }).range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      pos = item.range?.[0];
      node = item;
    } else break;
  }
  return pos === undefined ? undefined : lc.linePos(pos).line;
}
