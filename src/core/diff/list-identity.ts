import { DOCUMENT_KEY, identityText, isMap, kubernetesIdentity } from './k8s-identity.js';
import { COMPOUND_JOIN, COMPOUND_VALUE_JOIN } from './identifier-rules.js';

/** dyff's identity keys, in the order it tries them. */
export const IDENTITY_KEYS = ['name', 'key', 'id'] as const;

/**
 * Compound identities of unnamed Kubernetes ports (a Service's `ports`, a
 * container's `ports`): `ports[port+protocol=53/UDP]`, tried after name/key/id.
 */
const PORT_KEYS = [['port', 'protocol'], ['containerPort', 'protocol']] as const;

/**
 * The segment key of an entry of a Kubernetes `items` list matched by resource:
 * `items[resource=default/web]` (namespace/name, or name alone), or
 * `items[resource=Deployment/default/web]` when only the kind tells entries apart.
 */
export const RESOURCE_KEY = 'resource';

/**
 * A guessed identifier needs more entries than this in the old list (dyff's
 * `NonStandardIdentifierGuessCountThreshold`): in a list of two or three maps
 * almost any string field is unique, an image or a path included.
 */
const GUESS_THRESHOLD = 3;

/** Keys a guess may use: they must fit `[key=value]` path syntax and not be a reserved segment key. */
const GUESSABLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** How the entries of a list pair up across two versions: the segment key and each entry's identity. */
export interface ListIdentity {
  key: string;
  aIds: string[];
  bIds: string[];
}

/**
 * The identity both versions of a list of maps share, tried in order: a unique
 * `name`, `key` or `id` (dyff's order); `port`+`protocol` (`containerPort`+`protocol`)
 * for Kubernetes ports; for the `items` of a Kubernetes
 * `List`/`*List`, the entries' metadata namespace/name; else, as dyff guesses,
 * a key whose string value is present and unique in every entry of both
 * versions (Prometheus `job_name`), in lists of more than three entries.
 * Settings can name the key (or keys) first (`list_identifiers`). Null: align by value.
 * @param resourceList the list is the `items` of a `kind: List` or `*List` map on both sides
 * @param named keys settings name for this list, tried before anything else
 */
export function listIdentity(a: readonly unknown[], b: readonly unknown[], resourceList: boolean, named?: readonly string[] | null): ListIdentity | null {
  if (named && named.length > 0) {
    const key = named.join(COMPOUND_JOIN);
    const aIds = unique(a, (e) => namedId(e, named));
    const bIds = aIds && unique(b, (e) => namedId(e, named));
    if (aIds && bIds) return { key, aIds, bIds };
  }
  for (const key of IDENTITY_KEYS) {
    const aIds = identitiesOf(a, key);
    const bIds = aIds && identitiesOf(b, key);
    if (aIds && bIds) return { key, aIds, bIds };
  }
  // Kubernetes ports without names: the keys its own merge patches use (protocol included, as a port may serve TCP and UDP)
  for (const keys of PORT_KEYS) {
    const aIds = unique(a, (e) => namedId(e, keys));
    const bIds = aIds && unique(b, (e) => namedId(e, keys));
    if (aIds && bIds) return { key: keys.join(COMPOUND_JOIN), aIds, bIds };
  }
  if (resourceList) {
    for (const text of [namespacedName, kindText]) {
      const aIds = unique(a, text);
      const bIds = aIds && unique(b, text);
      if (aIds && bIds) return { key: RESOURCE_KEY, aIds, bIds };
    }
  }
  return guessedIdentity(a, b);
}

/**
 * dyff's guess: a key with a string value, unique in every entry of both lists.
 * Candidates are the first entry's keys in their order, so the choice is stable.
 */
function guessedIdentity(a: readonly unknown[], b: readonly unknown[]): ListIdentity | null {
  const first = a[0];
  if (a.length <= GUESS_THRESHOLD || !isMap(first)) return null;
  for (const key of Object.keys(first)) {
    if (typeof first[key] !== 'string' || !GUESSABLE_KEY.test(key) || key === RESOURCE_KEY || key === DOCUMENT_KEY) continue;
    const aIds = stringIds(a, key);
    const bIds = aIds && stringIds(b, key);
    if (aIds && bIds) return { key, aIds, bIds };
  }
  return null;
}

function stringIds(list: readonly unknown[], key: string): string[] | null {
  const ids: string[] = [];
  for (const item of list) {
    const id = isMap(item) ? item[key] : undefined;
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  return new Set(ids).size === ids.length ? ids : null;
}

/** Whether `kind` names a Kubernetes list (`List`, `PodList`, `ConfigMapList`…). */
export function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && kind.endsWith('List');
}

/** Whether list entry `entry` is the one a `{ [key]: id }` path segment names. */
export function entryMatches(entry: unknown, key: string, id: string): boolean {
  if (!isMap(entry)) return false;
  if (key === RESOURCE_KEY) return namespacedName(entry) === id || kindText(entry) === id;
  if (key.includes(COMPOUND_JOIN)) return namedId(entry, key.split(COMPOUND_JOIN)) === id;
  return Object.hasOwn(entry, key) && String(entry[key]) === id;
}

/** The identity values of a list whose items are all maps with a unique scalar `key`, else null. */
function identitiesOf(list: readonly unknown[], key: string): string[] | null {
  const ids: string[] = [];
  for (const item of list) {
    if (!isMap(item) || !Object.hasOwn(item, key)) return null;
    const id = item[key];
    if (typeof id !== 'string' && typeof id !== 'number') return null;
    ids.push(String(id));
  }
  return new Set(ids).size === ids.length ? ids : null;
}

/** An entry's value(s) for keys settings name: scalars only, several joined by `/`. */
function namedId(entry: unknown, keys: readonly string[]): string | null {
  if (!isMap(entry)) return null;
  const parts: string[] = [];
  for (const k of keys) {
    const v = Object.hasOwn(entry, k) ? entry[k] : undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
    parts.push(String(v));
  }
  return parts.join(COMPOUND_VALUE_JOIN);
}

function unique(list: readonly unknown[], text: (entry: unknown) => string | null): string[] | null {
  const ids: string[] = [];
  for (const item of list) {
    const id = text(item);
    if (id === null) return null;
    ids.push(id);
  }
  return new Set(ids).size === ids.length ? ids : null;
}

/** `namespace/name`, or `name` without a namespace: what identifies an entry of a one-kind list. */
function namespacedName(entry: unknown): string | null {
  if (!isMap(entry) || !isMap(entry.metadata)) return null;
  const { name, namespace } = entry.metadata;
  if (typeof name !== 'string') return null;
  if (namespace === undefined || namespace === null) return name;
  return typeof namespace === 'string' ? `${namespace}/${name}` : null;
}

function kindText(entry: unknown): string | null {
  const id = kubernetesIdentity(entry);
  return id && identityText(id);
}
