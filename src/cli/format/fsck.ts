import type { FsckReport } from '../../core/store/fsck.js';

/** `error: KIND SUBJECT: message` lines, one per problem, then `warning: …` lines. */
export function formatProblems(r: FsckReport): string {
  const line = (word: string) => (p: FsckReport['problems'][number]) => `${word}: ${p.kind} ${p.subject}: ${p.message}\n`;
  return [...r.problems.map(line('error')), ...(r.warnings ?? []).map(line('warning'))].join('');
}

/** The last line: what was checked and the verdict. */
export function formatFsckSummary(r: FsckReport): string {
  const c = r.counts;
  const checked = `${c.loose + c.packed} objects (${c.loose} loose, ${c.packed} in ${c.packs} pack${c.packs === 1 ? '' : 's'}), ${c.refs} ref${c.refs === 1 ? '' : 's'}, ${c.commits} commit${c.commits === 1 ? '' : 's'}${c.indexed === null ? '' : `, index of ${c.indexed}`}`;
  if (r.ok) return `fsck: ok: ${checked}\n`;
  return `fsck: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: the store is damaged (checked ${checked})\n`;
}
