/**
 * The policy checks of `cfgtrail check` (and of `snapshot`), as small pure
 * functions from a change and the policy to a verdict line.
 */
import type { Person, Trailer } from '../../core/types.js';
import type { Policy } from '../../core/store/settings.js';
import { trailerValues } from '../../core/record/trailers.js';
import { fieldMatches } from '../../core/diff/field-match.js';
import { globToRegExp, matchesAny } from '../../core/store/glob.js';

/** One line of `check`: a check's name, its verdict and what it saw. */
export interface CheckLine {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
}

/** A change as the policy sees it: recorded (HEAD) or about to be (`--staged`). */
export interface PolicyChange {
  title: string;
  author: Person;
  trailers: Trailer[];
  files: string[];
  /** Changed fields of YAML/JSON files. */
  fields: { file: string; pathText: string }[];
}

/** Trailers that mark what the policy does not judge: rollbacks, reverts, drift saved by a rollback, freezes, drills, rollouts' records. */
const EXEMPT = ['rollback-to', 'reverts', 'snapshot-of', 'freeze', 'drill', 'rollout'];

/** Why a recorded change is exempt from the policy, or null. */
export function exemptionOf(trailers: readonly Trailer[]): string | null {
  const key = trailers.map((t) => t.key.toLowerCase()).find((k) => EXEMPT.includes(k));
  if (key === undefined) return null;
  return { 'rollback-to': 'a rollback', reverts: 'a revert', 'snapshot-of': "a rollback's drift snapshot", freeze: 'a freeze record', drill: 'a drill', rollout: "a rollout's record" }[key]!;
}

const pass = (name: string, detail: string): CheckLine => ({ name, status: 'pass', detail });
const fail = (name: string, detail: string): CheckLine => ({ name, status: 'fail', detail });

/** The email of `Name <email>` or of a bare address, lower-cased. */
function emailOf(who: string): string {
  return (/<([^<>]+)>/.exec(who)?.[1] ?? who).trim().toLowerCase();
}

/** Every `required_trailers` key is present with a value. */
export function checkRequiredTrailers(c: PolicyChange, p: Policy): CheckLine | null {
  if (p.requiredTrailers.length === 0) return null;
  const missing = p.requiredTrailers.filter((k) => trailerValues(c.trailers, k).length === 0);
  return missing.length === 0 ? pass('required-trailers', p.requiredTrailers.join(', ')) : fail('required-trailers', `missing ${missing.join(', ')}`);
}

/** Enough distinct approvers (by email, the author not counted) for the change's risk. */
export function checkApprovals(c: PolicyChange, p: Policy): CheckLine | null {
  if (Object.keys(p.approvals).length === 0) return null;
  const risk = (trailerValues(c.trailers, 'Risk')[0] ?? '').toLowerCase() as keyof Policy['approvals'];
  const needed = p.approvals[risk] ?? 0;
  const author = c.author.email.toLowerCase();
  const approvers = new Set(trailerValues(c.trailers, 'Approved-By').map(emailOf).filter((e) => e !== author));
  const what = `risk ${risk || 'not given'}: ${approvers.size} approver${approvers.size === 1 ? '' : 's'}, ${needed} needed`;
  return approvers.size >= needed ? pass('approvals', what) : fail('approvals', `${what} (Approved-By, not the author)`);
}

/** Every Depends-On names a change in this store. */
export function checkDependsOn(c: PolicyChange, known: (id: string) => boolean): CheckLine {
  const ids = trailerValues(c.trailers, 'Depends-On');
  const unknown = ids.filter((id) => !known(id));
  if (unknown.length > 0) return fail('depends-on', `no change in this store has ${unknown.join(', ')}`);
  return pass('depends-on', ids.length === 0 ? 'none named' : `${ids.length} found`);
}

/**
 * Whether a changed field falls under a rule's `field`: `security.*` (or
 * `security`) is the field and everything below it (and a change of a parent
 * that holds it); other globs match the path text (`spec.*.image`).
 */
export function fieldUnderRule(pathText: string, rule: string): boolean {
  const base = rule.replace(/\.\*\*?$/, '');
  if (!/[*?{]/.test(base)) return fieldMatches(pathText, base);
  return globToRegExp(rule, 'exact').test(pathText);
}

/** No field a `forbidden_fields` rule names is touched without one of its approvers. */
export function checkForbiddenFields(c: PolicyChange, p: Policy): CheckLine | null {
  if (p.forbiddenFields.length === 0) return null;
  const approvedBy = new Set(trailerValues(c.trailers, 'Approved-By').map(emailOf));
  const broken: string[] = [];
  for (const rule of p.forbiddenFields) {
    const files = rule.files.map((g) => globToRegExp(g));
    const hits = c.fields.filter((f) => (files.length === 0 || matchesAny(f.file, files)) && fieldUnderRule(f.pathText, rule.field));
    if (hits.length === 0 || rule.approvers.some((a) => approvedBy.has(emailOf(a)))) continue;
    const need = rule.approvers.length === 0 ? 'never allowed' : `needs Approved-By ${rule.approvers.join(' or ')}`;
    broken.push(`${hits[0]!.file}:${hits[0]!.pathText}${hits.length > 1 ? ` (+${hits.length - 1})` : ''} under ${rule.field} ${need}`);
  }
  return broken.length === 0 ? pass('forbidden-fields', `${p.forbiddenFields.length} rule${p.forbiddenFields.length === 1 ? '' : 's'} kept`) : fail('forbidden-fields', broken.join('; '));
}

/** At most `max_files` files. */
export function checkMaxFiles(c: PolicyChange, p: Policy): CheckLine | null {
  if (p.maxFiles === null) return null;
  const n = c.files.length;
  return n <= p.maxFiles ? pass('max-files', `${n} of at most ${p.maxFiles}`) : fail('max-files', `${n} files, at most ${p.maxFiles} allowed`);
}

/**
 * Every policy verdict for one change, in a fixed order; rules not set in
 * settings give no line, except Depends-On, which always holds.
 */
export function policyChecks(c: PolicyChange, p: Policy, known: (id: string) => boolean): CheckLine[] {
  return [checkRequiredTrailers(c, p), checkApprovals(c, p), checkDependsOn(c, known), checkForbiddenFields(c, p), checkMaxFiles(c, p)].filter((x): x is CheckLine => x !== null);
}
