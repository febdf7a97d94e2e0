import type { SuspectsResult, Suspect } from '../../ops/suspects.js';
import { formatDuration } from '../../core/record/duration.js';
import { escapeControls, quotePath } from '../../core/path-name.js';

/** Field paths shown per suspect; `--json` has them all. */
const FIELDS_SHOWN = 5;

/**
 * `cfgtrail suspects` as text: a header naming the window, then one block
 * per change, most suspicious first.
 */
export function formatSuspects(r: SuspectsResult, windowText: string): string {
  const at = new Date(r.at * 1000).toISOString().replace('.000Z', 'Z');
  const touching = r.suspects.filter((s) => s.touches.length > 0).length;
  const service = r.service === null ? '' : ` (service ${r.service}: ${touching} of ${r.suspects.length} touch it)`;
  if (r.suspects.length === 0) return `no recorded change in the ${windowText} before ${at}${r.service === null ? '' : ` (service ${r.service})`}\n`;
  const head = `${r.suspects.length} change${r.suspects.length === 1 ? '' : 's'} in the ${windowText} before ${at}${service}, most suspicious first:\n`;
  return head + r.suspects.map((s, i) => block(s, i + 1)).join('');
}

function block(s: Suspect, n: number): string {
  const host = s.host === undefined ? '' : `[${s.host}] `;
  const lines = [`${String(n).padStart(2)}. ${host}${s.commit.slice(0, 8)} ${s.changeId ?? '-'} ${s.kind}, ${s.date} (${formatDuration(s.secondsBefore * 1000)} before) by ${s.author.name}`];
  lines.push(`    ${s.title}${s.risk ? ` [risk: ${s.risk}]` : ''}${s.components.length ? ` [component: ${s.components.join(', ')}]` : ''}`);
  if (s.touches.length > 0) lines.push(`    touches the service: ${s.touches.map((t) => (t.startsWith('component ') ? t : quotePath(t))).join(', ')}`);
  if (s.fields.length > 0) {
    const more = s.fields.length > FIELDS_SHOWN ? `, … (${s.fields.length - FIELDS_SHOWN} more)` : '';
    lines.push(`    fields (${s.fields.length}): ${s.fields.slice(0, FIELDS_SHOWN).join(', ')}${more}`);
  } else if (s.files.length > 0) lines.push(`    files: ${s.files.map((f) => quotePath(f.path)).join(', ')}`);
  lines.push(`    ${s.verification ? s.verification.summary : 'verification: none recorded'}`);
  // titles, names and field paths come from commits: terminal escapes in them are shown, not sent
  return `${escapeControls(lines.join('\n'))}\n`;
}
