/** Seeded generators of awkward commit messages for the git differential tests. */

export type Rng = () => number;

/** mulberry32: small, fast, reproducible. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const chance = (rng: Rng, p: number): boolean => rng() < p;
export const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

const KEYS = ['Change-Id', 'Risk', 'Component', 'Requested-By', 'Approved-By', 'Depends-On', 'Ticket', 'X', 'a1', 'Co-authored-by', '42'];
const BAD_KEYS = ['Clé', 'Bad Key', '', ' Indented', '日本', 'Key.dot', '(x)', 'Key_u'];
const VALUES = ['low', 'OPS-12', 'Ada <ada@example.org>', 'café crème', '日本語の値', 'rocket 🚀', 'a: b: c', 'x=y', '#hash', '', 'trailing   ', '  lead', '---', 'I0123456789abcdef'];
const PROSE = ['Raise the pool size.', 'This fixes the outage.', 'Note: something', 'see https://example.org/a:b', 'é accentué', '日本語のテキスト', 'emoji 🎉 here', 'Key without colon', '- a list item', '  indented code', '--- not a divider?', '----', 'Conflicts:', 'a:b'];
const GENERATED = ['Signed-off-by: Ada <ada@example.org>', '(cherry picked from commit 0123abcd)', 'Signed-off-by:Ada'];
const COMMENTS = ['# comment', '#', '# Please enter the commit message', '#Key: v'];
const CONTINUATIONS = [' more', '\tmore text', '   ', '  日本', ' Key: inner', '\t'];
const SPACES = ['', ' ', '  ', '\t', ' \t'];

function trailerLine(rng: Rng): string {
  const key = chance(rng, 0.1) ? pick(rng, BAD_KEYS) : pick(rng, KEYS);
  const before = chance(rng, 0.2) ? pick(rng, SPACES) : '';
  const after = chance(rng, 0.8) ? ' ' : pick(rng, SPACES);
  return `${key}${before}:${after}${pick(rng, VALUES)}`;
}

function lastParagraph(rng: Rng): string[] {
  const lines: string[] = [];
  const n = int(rng, 1, 6);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.5) lines.push(trailerLine(rng));
    else if (r < 0.62) lines.push(pick(rng, CONTINUATIONS));
    else if (r < 0.74) lines.push(pick(rng, GENERATED));
    else if (r < 0.84) lines.push(pick(rng, PROSE));
    else lines.push(pick(rng, COMMENTS));
  }
  return lines;
}

function paragraph(rng: Rng): string[] {
  const lines: string[] = [];
  const n = int(rng, 1, 3);
  for (let i = 0; i < n; i++) lines.push(chance(rng, 0.3) ? trailerLine(rng) : pick(rng, PROSE));
  return lines;
}

function tail(rng: Rng): string[] {
  const r = rng();
  if (r < 0.3) return [];
  if (r < 0.45) return ['', ''];
  if (r < 0.55) return ['', '# trailing comment', '#'];
  if (r < 0.6) return ['', 'Conflicts:', '\tconfig.yaml'];
  if (r < 0.75) return [pick(rng, ['---', '--- ', '---\tx']), 'diff --git a/x b/x', 'Key: after-divider'];
  if (r < 0.8) return ['---x', 'Late: trailer'];
  if (r < 0.85) return ['   ', '\t'];
  return [''];
}

/** One random message; `seed`-stable. */
export function generateMessage(rng: Rng): string {
  const lines: string[] = [];
  if (chance(rng, 0.05)) lines.push('');
  if (chance(rng, 0.05)) lines.push(pick(rng, COMMENTS));
  lines.push(chance(rng, 0.1) ? trailerLine(rng) : pick(rng, ['Raise pool', 'Fix: timeout', 'Mise à jour 日本 🚀', 'x']));
  if (chance(rng, 0.1)) lines.push(pick(rng, PROSE));
  for (let p = int(rng, 0, 2); p > 0; p--) {
    lines.push(chance(rng, 0.1) ? '  ' : '');
    lines.push(...paragraph(rng));
  }
  if (chance(rng, 0.9)) {
    lines.push(chance(rng, 0.1) ? '\t' : '');
    lines.push(...lastParagraph(rng));
  }
  lines.push(...tail(rng));
  const eol = chance(rng, 0.12) ? '\r\n' : '\n';
  const text = lines.join(eol);
  return chance(rng, 0.85) ? text + eol : text;
}
