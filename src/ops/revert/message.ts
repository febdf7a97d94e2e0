/** The revert commit's change record: git's title and first body line, then what was done per file, and trailers. */
import type { Trailer } from '../../core/types.js';
import type { ChangeRef, DependencyWarning } from '../rollback/types.js';
import type { RevertedFile } from './merge-files.js';

export interface RevertMessageInput {
  reverted: ChangeRef;
  files: RevertedFile[];
  reason: string | null;
  /** How fields or regions both sides changed were settled, if any were. */
  pick: 'ours' | 'theirs' | null;
  /** Later changes that depend on the reverted one, overridden with `--force`. */
  forced?: DependencyWarning[];
}

/**
 * Title `Revert "<title>"` and `This reverts commit <oid>.` as git writes
 * them; trailers `Reverts: <Change-Id>` (none when the commit has no
 * Change-Id) and `Reverts-Commit: <oid>`, `Conflicts-Settled` when `--ours`
 * or `--theirs` decided fields, `Forced` when `--force` overrode a
 * depends-on check, and `Reason`. The drift snapshot is added when the
 * commit is made (see target.ts).
 * @example revertMessage({ reverted, files: [{ path: 'a.yaml', how: 'fields', fields: ['db.pool'] }], reason: null, pick: null }).commitTitle // 'Revert "Raise pool"'
 */
export function revertMessage(m: RevertMessageInput): { commitTitle: string; commitBody: string; trailers: Trailer[] } {
  const r = m.reverted;
  const lines = [`This reverts commit ${r.commit}${r.changeId ? ` (${r.changeId})` : ''}; the changes made after it stay.`, '', m.reason ?? 'No reason given.'];
  lines.push('', 'Reverted:', ...m.files.map(fileLine));
  const settled = m.files.filter((f) => f.kept?.length || f.forced?.length);
  if (settled.length > 0) {
    lines.push('', m.pick === 'ours' ? 'Changed again later, the later value kept (--ours):' : 'Changed again later, the later value overridden (--theirs):');
    for (const f of settled) lines.push(`- ${f.path}: ${[...(f.kept ?? []), ...(f.forced ?? [])].join(', ')}`);
  }
  const forced = m.forced ?? [];
  if (forced.length > 0) {
    lines.push('', 'Forced (--force): changes that stay in effect depend on the reverted one:');
    for (const d of forced) lines.push(`- ${d.dependent.commit.slice(0, 7)} ${d.dependent.changeId ?? '(no Change-Id)'} ${d.dependent.title}`);
  }
  const trailers: Trailer[] = [];
  if (r.changeId) trailers.push({ key: 'Reverts', value: r.changeId });
  trailers.push({ key: 'Reverts-Commit', value: r.commit });
  if (settled.length > 0 && m.pick) trailers.push({ key: 'Conflicts-Settled', value: `${m.pick} (${settled.map((f) => f.path).join(', ')})` });
  if (forced.length > 0) trailers.push({ key: 'Forced', value: 'depends-on check overridden' });
  trailers.push({ key: 'Reason', value: m.reason ?? 'not given' });
  return { commitTitle: `Revert "${r.title}"`, commitBody: lines.join('\n'), trailers };
}

function fileLine(f: RevertedFile): string {
  if (f.how === 'fields') return `- ${f.path}: ${f.fields?.length ? `fields ${f.fields.join(', ')}` : 'no field (the later values stay)'}`;
  if (f.how === 'lines') return `- ${f.path}: merged line by line`;
  if (f.how === 'mode') return `- ${f.path}: mode`;
  return `- ${f.path}: whole file`;
}
