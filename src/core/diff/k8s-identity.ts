/** Who a Kubernetes resource is: what matches a document (or an `items` entry) across versions. */
export interface DocumentIdentity {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The identity of a Kubernetes resource, as dyff reads it: string `apiVersion`,
 * `kind` and `metadata.name`, and `metadata.namespace` when set; else null.
 * @example kubernetesIdentity({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } })
 */
export function kubernetesIdentity(doc: unknown): DocumentIdentity | null {
  if (!isMap(doc)) return null;
  const { apiVersion, kind, metadata } = doc;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isMap(metadata)) return null;
  const { name, namespace } = metadata;
  if (typeof name !== 'string') return null;
  if (namespace === undefined || namespace === null) return { apiVersion, kind, name };
  return typeof namespace === 'string' ? { apiVersion, kind, namespace, name } : null;
}

/**
 * How a resource is named in a field path: `Deployment/default/web`, or
 * `ClusterRole/admin` without a namespace. The apiVersion is left out (it is
 * in `--json`'s `document`); it still takes part in matching.
 */
export function identityText(id: DocumentIdentity): string {
  return id.namespace === undefined ? `${id.kind}/${id.name}` : `${id.kind}/${id.namespace}/${id.name}`;
}

/** What two resources must share to be the same one: apiVersion, kind, namespace, name. */
export function identityKey(id: DocumentIdentity): string {
  return `${id.apiVersion}\u0000${id.kind}\u0000${id.namespace ?? ''}\u0000${id.name}`;
}

/**
 * The identities of a list of resources, when every entry has one and both their
 * keys and their path texts are unique; else null (the caller compares by position).
 */
export function resourceIdentities(list: readonly unknown[]): DocumentIdentity[] | null {
  const ids: DocumentIdentity[] = [];
  const keys = new Set<string>();
  const texts = new Set<string>();
  for (const item of list) {
    const id = kubernetesIdentity(item);
    if (id === null) return null;
    keys.add(identityKey(id));
    texts.add(identityText(id));
    ids.push(id);
  }
  return keys.size === ids.length && texts.size === ids.length ? ids : null;
}

/** Any non-array object (a parsed map; unlike diff-trees' isPlainObject, the prototype is not checked). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key of the path segment that names a document by identity: `[doc=Deployment/default/web]`. */
export const DOCUMENT_KEY = 'doc';

/** The path segment of a document matched by identity. */
export function documentSegment(id: DocumentIdentity): Record<string, string> {
  return { [DOCUMENT_KEY]: identityText(id) };
}
