/**
 * The TUI's `/` filter: `log`'s filters written as words, e.g.
 * `author:jane risk:high field:database.pool.max since:"3 days ago" pool`.
 * Each `key:value` word is the `log` flag of that name; the other words are
 * free text, searched like `log --grep` (as plain text, case-insensitive).
 * The words become {@link LogFlags} and go through `log`'s own checks.
 */
import { CfgtrailError } from '../errors.js';
import type { AuditFilter } from '../types.js';
import { filterFromFlags, type LogFlags } from './log-filter.js';

/** The keys a filter word may start with, each the `log` flag of the same name. */
export const FILTER_KEYS = ['author', 'risk', 'component', 'file', 'field', 'since', 'until'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/**
 * Splits filter text into words: whitespace separates them, except inside
 * "double" or 'single' quotes (which are removed), so a value may hold spaces.
 * @throws CfgtrailError BAD_INPUT on an unclosed quote
 * @example filterWords('since:"3 days ago" pool') // ['since:3 days ago', 'pool']
 */
export function filterWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (quote !== null) throw new CfgtrailError('BAD_INPUT', `filter: unclosed ${quote} quote`, { text });
  if (word !== null) words.push(word);
  return words;
}

/**
 * Filter text as `log` flags: `key:value` words set the flag of that key,
 * other words (and words with an unknown key, such as a URL) join the free text.
 * @throws CfgtrailError BAD_INPUT for a key given twice or without a value
 * @example filterFlags('risk:high pool max') // { risk: 'high', grep: 'pool max', regexpIgnoreCase: true }
 */
export function filterFlags(text: string): LogFlags {
  const flags: LogFlags = {};
  const free: string[] = [];
  for (const word of filterWords(text)) {
    const colon = word.indexOf(':');
    const key = word.slice(0, colon).toLowerCase();
    if (colon <= 0 || !(FILTER_KEYS as readonly string[]).includes(key)) {
      free.push(word);
      continue;
    }
    const value = word.slice(colon + 1);
    if (value === '') throw new CfgtrailError('BAD_INPUT', `filter: ${key}: needs a value (e.g. ${key}:${EXAMPLES[key as FilterKey]})`, { key });
    if (flags[key as FilterKey] !== undefined) throw new CfgtrailError('BAD_INPUT', `filter: ${key}: given twice`, { key });
    flags[key as FilterKey] = value;
  }
  if (free.length > 0) flags.grep = escapeRegex(free.join(' '));
  // Typed at a prompt: matching regardless of case is what a search box does.
  if (flags.grep !== undefined || flags.author !== undefined) flags.regexpIgnoreCase = true;
  return flags;
}

const EXAMPLES: Record<FilterKey, string> = {
  author: 'jane',
  risk: 'high',
  component: 'database',
  file: 'config.yaml',
  field: 'database.pool.max',
  since: '2026-11-20',
  until: 'yesterday',
};

/**
 * Filter text as an audit filter, checked as `log` checks its flags (a bad
 * risk level, date or regex is refused with the same message).
 * @param now ms since the epoch, for relative dates
 * @example parseFilterText('field:database.pool.max', Date.now())
 */
export function parseFilterText(text: string, now: number): AuditFilter {
  return filterFromFlags(filterFlags(text), now);
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
