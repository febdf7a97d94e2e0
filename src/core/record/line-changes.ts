import { hunkStart } from '../diff/hunk-header.js';

/** One changed line of a text file, as a change record lists it. */
export interface LineChange {
  /** Line number: in the new version for a changed or added line, in the old one for a removed line. */
  line: number;
  /** The old text (absent for an added line). */
  from?: string;
  /** The new text (absent for a removed line). */
  to?: string;
}

/**
 * The changed lines of a unified diff, hunk by hunk. In each run of removed
 * lines followed by added lines, the n-th removed line pairs with the n-th
 * added one as a change (`from` and `to`); the rest are removals or additions.
 * Pure: redact the patch first (a store's diffs come redacted).
 * @example lineChanges('@@ -1,2 +1,2 @@\n-a=1\n+a=2\n b\n') // [{ line: 1, from: 'a=1', to: 'a=2' }]
 */
export function lineChanges(patch: string): LineChange[] {
  const out: LineChange[] = [];
  let oldLine = 0;
  let newLine = 0;
  let removed: { line: number; text: string }[] = [];
  let added: { line: number; text: string }[] = [];
  const flush = () => {
    const n = Math.max(removed.length, added.length);
    for (let i = 0; i < n; i++) {
      const r = removed[i];
      const a = added[i];
      if (r && a) out.push({ line: a.line, from: r.text, to: a.text });
      else if (r) out.push({ line: r.line, from: r.text });
      else if (a) out.push({ line: a.line, to: a.text });
    }
    removed = [];
    added = [];
  };
  let inHunk = false;
  for (const raw of patch.split('\n')) {
    const hunk = hunkStart(raw);
    if (hunk) {
      flush();
      inHunk = true;
      oldLine = hunk.from;
      newLine = hunk.to;
      // `-0,0` / `+0,0`: the side is empty; its first line would be line 1
      if (oldLine === 0) oldLine = 1;
      if (newLine === 0) newLine = 1;
      continue;
    }
    if (!inHunk) continue; // file headers
    const mark = raw[0];
    if (mark === '-') {
      if (added.length > 0) flush(); // a removal after additions starts a new run
      removed.push({ line: oldLine++, text: raw.slice(1) });
    } else if (mark === '+') {
      added.push({ line: newLine++, text: raw.slice(1) });
    } else if (mark === ' ') {
      flush();
      oldLine++;
      newLine++;
    }
    // `\ No newline at end of file` and the empty string after the last newline: nothing to count
  }
  flush();
  return out;
}
