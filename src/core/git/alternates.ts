/**
 * `objects/info/alternates`: other object directories whose objects this
 * store may use (`git clone --shared`, `--reference`). Read as git reads it.
 */
import fs from 'node:fs';
import path from 'node:path';

/** git's limit on alternates of alternates. */
const MAX_DEPTH = 5;

/** Unquotes a C-style quoted path as git writes it (`"a\\tb"`, octal escapes). */
function unquote(line: string): string {
  if (!line.startsWith('"') || !line.endsWith('"') || line.length < 2) return line;
  const body = line.slice(1, -1);
  const bytes: number[] = [];
  const esc: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i] ?? '';
    if (/[0-3]/.test(n) && /^[0-7]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(esc[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

function readList(objectsDir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(objectsDir, 'info', 'alternates'), 'utf8');
  } catch {
    return []; // no alternates file: the usual case
  }
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => path.resolve(objectsDir, unquote(l)));
}

export interface Alternates {
  /** Existing alternate object directories, nearest first. */
  dirs: string[];
  /** Listed directories that do not exist (git warns and goes on): named when an object is missing. */
  missing: string[];
}

/**
 * Every alternate object directory of `objectsDir`, breadth first, with
 * relative entries resolved against the directory that lists them (as git
 * does), each listed once, up to git's nesting depth.
 * @example readAlternates('/srv/store/objects').dirs // ['/srv/base/objects']
 */
export function readAlternates(objectsDir: string): Alternates {
  const seen = new Set([realpath(objectsDir)]);
  const out: string[] = [];
  const missing: string[] = [];
  let level = [objectsDir];
  for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const alt of readList(dir)) {
        const real = realpath(alt);
        if (seen.has(real)) continue;
        seen.add(real);
        if (!isDir(alt)) {
          missing.push(alt);
          continue;
        }
        out.push(alt);
        next.push(alt);
      }
    }
    level = next;
  }
  return { dirs: out, missing };
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p); // missing: compared by its name
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false; // a missing alternate is skipped, as git does
  }
}
