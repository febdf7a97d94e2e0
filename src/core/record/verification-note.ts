/**
 * The verification record kept in a git note: its schema, its YAML text
 * (first line `# cfgtrail verification: passed`) and its one-line summary.
 * Pure: reading and writing notes is the git layer's (`git/notes.ts`), which
 * notes belong to which commits is the audit layer's (`audit/verification-notes.ts`).
 */
import { yamlLib } from '../lazy.js';

/** The outcome of restarting and health-checking the services after a change. */
export interface VerificationNote {
  /** `unverified`: nothing failed, but some service has no health checks (never taken as known good). */
  result: 'passed' | 'failed' | 'unverified' | 'marked-good';
  /** ISO 8601. */
  at: string;
  /** `Name <email>` of who ran it. */
  by?: string;
  kind?: 'snapshot' | 'rollback' | 'manual';
  services: {
    name: string;
    ok: boolean;
    restart?: { ok: boolean; command: string[]; exitCode: number | null; durationMs: number; message: string; stderr?: string };
    checks: { check: string; ok: boolean; attempts: number; durationMs: number; message: string }[];
  }[];
  message?: string;
}

const RESULTS = new Set(['passed', 'failed', 'unverified', 'marked-good']);
/** Earlier verifications kept inside one note; older ones are dropped. */
const MAX_EARLIER = 20;

/**
 * A note as readable YAML, first line `# cfgtrail verification: passed`.
 * @example formatNote({ result: 'passed', at: '2026-01-02T03:04:05.000Z', services: [] })
 */
export function formatNote(n: VerificationNote, earlier: VerificationNote[] = []): string {
  const body: Record<string, unknown> = { ...clean(n) };
  if (earlier.length > 0) body.earlier = earlier.slice(-MAX_EARLIER).map(clean);
  return `# cfgtrail verification: ${n.result}\n${yamlLib().stringify(body, { lineWidth: 0 })}`;
}

/** The newest verification in a note's text; null for notes that are not ours. */
export function parseNote(text: string): VerificationNote | null {
  const all = parseNoteHistory(text);
  return all[all.length - 1] ?? null;
}

/** Every verification a note holds, oldest first (the newest last); [] when it is not ours. */
export function parseNoteHistory(text: string): VerificationNote[] {
  let raw: unknown;
  try {
    raw = yamlLib().parse(text);
  } catch {
    return []; // not YAML: someone else's note
  }
  const newest = toNote(raw);
  if (!newest) return [];
  const earlier = Array.isArray((raw as { earlier?: unknown }).earlier) ? ((raw as { earlier: unknown[] }).earlier) : [];
  return [...earlier.map(toNote).filter((x): x is VerificationNote => x !== null), newest];
}

function toNote(raw: unknown): VerificationNote | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.result !== 'string' || !RESULTS.has(o.result) || typeof o.at !== 'string') return null;
  const services = Array.isArray(o.services) ? (o.services as VerificationNote['services']) : [];
  const n = o as Partial<Record<keyof VerificationNote, unknown>>;
  return clean({
    result: readResult(o.result as VerificationNote['result'], services),
    at: o.at,
    by: n.by as VerificationNote['by'],
    kind: n.kind as VerificationNote['kind'],
    services,
    message: n.message as VerificationNote['message'],
  });
}

/**
 * Notes written before `unverified` existed said `passed` when a service had
 * no health checks at all; such a note verified nothing and is read as `unverified`.
 */
function readResult(result: VerificationNote['result'], services: VerificationNote['services']): VerificationNote['result'] {
  const unchecked = services.some((s) => typeof s === 'object' && s !== null && Array.isArray(s.checks) && s.checks.length === 0);
  return result === 'passed' && unchecked ? 'unverified' : result;
}

/** Only the known keys, in a fixed order, without undefined values. */
function clean(n: VerificationNote): VerificationNote {
  return {
    result: n.result,
    at: n.at,
    ...(n.by !== undefined ? { by: n.by } : {}),
    ...(n.kind !== undefined ? { kind: n.kind } : {}),
    services: n.services,
    ...(n.message !== undefined ? { message: n.message } : {}),
  };
}

/**
 * One line for `log`/`show`: `verification: passed 2026-… by … (sample ✓)`;
 * a service without health checks is `app: no checks`.
 */
export function formatNoteSummary(n: VerificationNote): string {
  const who = n.by ? ` by ${n.by}` : '';
  const mark = (s: VerificationNote['services'][number]) => (!s.ok ? ' ✗' : s.checks.length === 0 ? ': no checks' : ' ✓');
  const services = n.services.map((s) => `${s.name}${mark(s)}`).join(', ');
  return `verification: ${n.result} ${n.at}${who}${services ? ` (${services})` : ''}${n.message ? `: ${n.message}` : ''}`;
}

