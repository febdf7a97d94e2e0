import { createRedactor, type Redactor } from './redact.js';
import { createLineRedactor } from './redact-lines.js';

const FILE_HEADER = /^(?:--- |\+\+\+ )(?:[ab]\/|\/dev\/null)/;

/**
 * Redaction of a unified text patch, line by line with the rules of
 * `createLineRedactor` (secret keys anywhere on a line, value shapes, PEM
 * bodies, blocks nested under a secret key). A patch starts mid-file, so it
 * sees less than a redaction of the whole file: `compareStates` redacts both
 * sides before diffing, and this is for patches made elsewhere.
 */
export function redactPatch(patch: string, redactor: Redactor = createRedactor()): string {
  const lines = createLineRedactor(redactor.rules, redactor.tag);
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('@@') || FILE_HEADER.test(line)) {
        lines.reset();
        return line;
      }
      const mark = line[0];
      if (mark !== ' ' && mark !== '+' && mark !== '-') return line;
      return `${mark}${lines.line(line.slice(1))}`;
    })
    .join('\n');
}
