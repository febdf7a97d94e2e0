import { createRedactor, type Redactor } from './redact.js';
import { createLineRedactor, statesAt } from './redact-lines.js';
import { hunkStart } from './hunk-header.js';

const FILE_HEADER = /^(?:--- |\+\+\+ )(?:[ab]\/|\/dev\/null)/;

/**
 * Redaction of a unified text patch, line by line with the rules of
 * `createLineRedactor` (secret keys anywhere on a line, value shapes, PEM
 * bodies, blocks nested under a secret key). Given the two texts the patch was
 * made from, each hunk starts in the state of the line it starts at (inside a
 * private key, under `password: |`), found by a cheap pass over the text;
 * without them a hunk starts afresh. Removed lines are read in the old text's
 * state, added lines in the new one's.
 * @example redactPatch(patch, redactor, { before: oldText, after: newText })
 */
export function redactPatch(patch: string, redactor: Redactor = createRedactor(), sources?: { before: string; after: string }): string {
  const lines = patch.split('\n');
  const heads = lines.map(hunkStart);
  const hunks = heads.filter((h) => h !== null);
  const statesA = sources ? statesAt(sources.before, new Set(hunks.map((h) => h.from)), redactor.rules) : null;
  const statesB = sources ? statesAt(sources.after, new Set(hunks.map((h) => h.to)), redactor.rules) : null;
  const a = createLineRedactor(redactor.rules, redactor.tag);
  const b = createLineRedactor(redactor.rules, redactor.tag);
  return lines
    .map((line, i) => {
      const hunk = heads[i] ?? null;
      if (hunk !== null || FILE_HEADER.test(line)) {
        const sa = hunk && statesA?.get(hunk.from);
        const sb = hunk && statesB?.get(hunk.to);
        if (sa) a.restore(sa);
        else a.reset();
        if (sb) b.restore(sb);
        else b.reset();
        return line;
      }
      const mark = line[0];
      const body = line.slice(1);
      if (mark === '-') return `-${a.line(body)}`;
      if (mark === '+') return `+${b.line(body)}`;
      if (mark !== ' ') return line;
      b.advance(body);
      return ` ${a.line(body)}`;
    })
    .join('\n');
}
