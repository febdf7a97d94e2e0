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
 * The identities of a list of resources, when every entry has one and they are
 * unique; else null (the caller compares by position). Two may share a path
 * text when only their apiVersion differs (see {@link textsCollide}).
 */
export function resourceIdentities(list: readonly unknown[]): DocumentIdentity[] | null {
  const ids: DocumentIdentity[] = [];
  const keys = new Set<string>();
  for (const item of list) {
    const id = kubernetesIdentity(item);
    if (id === null) return null;
    keys.add(identityKey(id));
    ids.push(id);
  }
  return keys.size === ids.length ? ids : null;
}

/** Whether two of these resources have the same path text (a CRD served at two versions). */
export function textsCollide(ids: readonly DocumentIdentity[]): boolean {
  return new Set(ids.map(identityText)).size !== ids.length;
}

/** Any non-array object (a parsed map; unlike diff-trees' isPlainObject, the prototype is not checked). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key of the path segment that names a document by identity: `[doc=Deployment/default/web]`. */
export const DOCUMENT_KEY = 'doc';

/**
 * The path segment of a document matched by identity; with its apiVersion
 * (`[doc=v1beta1/Widget/default/w]`) when the file holds resources that only
 * the apiVersion tells apart.
 */
export function documentSegment(id: DocumentIdentity, withApiVersion = false): Record<string, string> {
  return { [DOCUMENT_KEY]: withApiVersion ? `${id.apiVersion}/${identityText(id)}` : identityText(id) };
}
