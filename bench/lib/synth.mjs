// Synthetic config history: 50 service configs (1-3 KB of YAML each) and a
// deterministic stream of one-field changes with realistic change records.

/** Small fast deterministic PRNG (mulberry32), so every run generates the same store. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const AUTHORS = [
  ['Dana Whitfield', 'dana.whitfield@example.com'],
  ['Ravi Anand', 'ravi@ops.example.com'],
  ['Mei Tanaka', 'mei.tanaka@example.com'],
  ['Jonas Berg', 'jonas.berg@example.org'],
  ['Aisha Okafor', 'aisha@sre.example.com'],
  ['Lukas Novak', 'lnovak@example.com'],
  ['Sofia Marquez', 'sofia.m@example.com'],
  ['Tom Harris', 'tom.harris@example.net'],
];
export const COMPONENTS = ['payments', 'checkout', 'search', 'auth', 'billing', 'gateway', 'inventory', 'notifications'];
const RISKS = ['low', 'low', 'low', 'medium', 'medium', 'high', 'critical'];
const TZ = ['+0000', '+0100', '+0200', '-0500', '+0530'];
const TITLES = [
  'Raise %f for %s',
  'Lower %f on %s after load test',
  'Tune %f in %s',
  'Adjust %f for %s (capacity review)',
  'Increase request timeout budget: %f in %s',
  'Revert %f in %s to previous value',
  'Set %f for %s per incident follow-up',
  'Bump %f of %s',
];
const BODIES = [
  'Traffic grew 20% week over week; the old value left no headroom.',
  'Follow-up of the postmortem: keep the two environments aligned.',
  'Requested by the owning team during the weekly capacity review.',
];

/** The fields a change may touch: [name in the template, generator of a new value]. */
const FIELDS = [
  ['replicas', (r) => 1 + Math.floor(r() * 12)],
  ['image.tag', (r) => `v${1 + Math.floor(r() * 4)}.${Math.floor(r() * 30)}.${Math.floor(r() * 10)}`],
  ['resources.limits.cpu', (r) => `${100 * (1 + Math.floor(r() * 20))}m`],
  ['resources.limits.memory', (r) => `${64 * (1 + Math.floor(r() * 64))}Mi`],
  ['resources.requests.cpu', (r) => `${50 * (1 + Math.floor(r() * 20))}m`],
  ['database.pool.max', (r) => 5 + Math.floor(r() * 200)],
  ['database.pool.idleTimeout', (r) => `${1 + Math.floor(r() * 120)}s`],
  ['database.statementTimeoutMs', (r) => 1000 * (1 + Math.floor(r() * 60))],
  ['cache.ttlSeconds', (r) => 30 * (1 + Math.floor(r() * 100))],
  ['http.timeoutMs', (r) => 100 * (1 + Math.floor(r() * 100))],
  ['http.retries', (r) => Math.floor(r() * 6)],
  ['featureFlags.newCheckout', (r) => r() < 0.5],
  ['featureFlags.asyncIndexing', (r) => r() < 0.5],
  ['logging.level', (r) => ['debug', 'info', 'warn', 'error'][Math.floor(r() * 4)]],
  ['autoscaling.targetCPU', (r) => 40 + Math.floor(r() * 50)],
  ['env.FEATURE_BUDGET', (r) => String(Math.floor(r() * 1000))],
];

/** Path of the i-th config file in the config directory. */
export function filePath(i) {
  const group = ['services', 'services', 'workers', 'edge', 'data'][i % 5];
  return `${group}/${COMPONENTS[i % COMPONENTS.length]}-${String(i).padStart(2, '0')}.yaml`;
}

/** Initial values of every field of file i. */
export function initialValues(i) {
  const r = rng(1000 + i);
  return Object.fromEntries(FIELDS.map(([name, gen]) => [name, gen(r)]));
}

const q = (v) => (typeof v === 'string' && /^[0-9]|^(true|false|yes|no|on|off|null)$/i.test(v) ? JSON.stringify(v) : String(v));

/** The YAML text of file i with values `v` (about 1.5-2.5 KB: a padding list varies the size). */
export function renderFile(i, v) {
  const name = filePath(i).split('/')[1].replace('.yaml', '');
  const extraHosts = Array.from({ length: 2 + (i % 7) }, (_, k) => `      - host: ${name}-${k}.internal.example.com\n        port: ${8000 + k}\n        weight: ${1 + ((i + k) % 5)}`).join('\n');
  return `# ${name}: managed config (edit through change records only)
apiVersion: config.example.com/v1
kind: ServiceConfig
metadata:
  name: ${name}
  team: ${COMPONENTS[i % COMPONENTS.length]}
  labels:
    tier: ${['frontend', 'backend', 'batch'][i % 3]}
    region: eu-west-${1 + (i % 3)}
replicas: ${q(v.replicas)}
image:
  repository: registry.example.com/${name}
  tag: ${q(v['image.tag'])}
  pullPolicy: IfNotPresent
resources:
  limits:
    cpu: ${q(v['resources.limits.cpu'])}
    memory: ${q(v['resources.limits.memory'])}
  requests:
    cpu: ${q(v['resources.requests.cpu'])}
    memory: 128Mi
database:
  host: db-${i % 4}.internal.example.com
  port: 5432
  name: ${name.replace(/-/g, '_')}
  pool:
    min: 2
    max: ${q(v['database.pool.max'])}
    idleTimeout: ${q(v['database.pool.idleTimeout'])}
  statementTimeoutMs: ${q(v['database.statementTimeoutMs'])}
cache:
  enabled: true
  ttlSeconds: ${q(v['cache.ttlSeconds'])}
http:
  port: 8080
  timeoutMs: ${q(v['http.timeoutMs'])}
  retries: ${q(v['http.retries'])}
  upstreams:
${extraHosts}
featureFlags:
  newCheckout: ${q(v['featureFlags.newCheckout'])}
  asyncIndexing: ${q(v['featureFlags.asyncIndexing'])}
logging:
  level: ${q(v['logging.level'])}
  format: json
autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 20
  targetCPU: ${q(v['autoscaling.targetCPU'])}
env:
  FEATURE_BUDGET: ${q(v['env.FEATURE_BUDGET'])}
  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317
  JAVA_OPTS: "-XX:MaxRAMPercentage=75 -XX:+UseG1GC"
`;
}

/**
 * The n-th change (n >= 1): which file and field, the new value and the change record.
 * `r` is the history's PRNG, advanced by each call.
 */
export function nextChange(r, n) {
  const file = Math.floor(r() * 50);
  const [field, gen] = FIELDS[Math.floor(r() * FIELDS.length)];
  const value = gen(r);
  const author = AUTHORS[Math.floor(r() * AUTHORS.length)];
  const title = TITLES[Math.floor(r() * TITLES.length)].replace('%f', field).replace('%s', filePath(file).split('/')[1].replace('.yaml', ''));
  const body = r() < 0.3 ? BODIES[Math.floor(r() * BODIES.length)] : '';
  const trailers = [
    ['Change-Id', `I${Math.floor(r() * 0xffffffff).toString(16).padStart(8, '0')}${n.toString(16).padStart(8, '0')}`],
    ['Risk', RISKS[Math.floor(r() * RISKS.length)]],
    ['Component', COMPONENTS[file % COMPONENTS.length]],
  ];
  if (r() < 0.4) trailers.push(['Approved-By', AUTHORS[Math.floor(r() * AUTHORS.length)][0]]);
  if (r() < 0.5) trailers.push(['Ticket', `OPS-${1000 + Math.floor(r() * 9000)}`]);
  const tz = TZ[Math.floor(r() * TZ.length)];
  const minutes = 1 + Math.floor(r() * 9);
  return { file, field, value, author, title, body, trailers, tz, minutes };
}

/** A commit message as cfgtrail writes it: title, optional body, trailer block. */
export function formatMessage(c) {
  const trailers = c.trailers.map(([k, v]) => `${k}: ${v}`).join('\n');
  return c.body ? `${c.title}\n\n${c.body}\n\n${trailers}\n` : `${c.title}\n\n${trailers}\n`;
}
