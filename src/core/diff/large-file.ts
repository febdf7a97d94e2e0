import type { FileDiff, FileStatus } from '../types.js';
import { boundedPatch } from './text-patch.js';
import { shiftHunks } from './hunk-header.js';
import { quotePath } from '../path-name.js';

/** Default of the `diff_max_bytes` setting: larger files get a summary, not a field diff. */
export const DEFAULT_DIFF_MAX_BYTES = 64 * 1024 * 1024;

/** Bytes of each side shown in a summary's text diff of the first changes. */
const SUMMARY_HEAD_BYTES = 256 * 1024;

/**
 * The diff of a file over `diff_max_bytes`: sizes, blob ids and a text diff
 * of the first changed lines (read from the first differing byte on), never
 * the whole file. Nothing here parses the file.
 */
export function largeFileDiff(
  file: string,
  status: FileStatus,
  before: Buffer | null,
  after: Buffer | null,
  opts: { maxBytes: number; context: number; oids?: { from?: string; to?: string } },
): FileDiff {
  const size = (b: Buffer | null) => (b === null ? '-' : formatBytes(b.length));
  const ids = opts.oids?.from || opts.oids?.to ? `, blobs ${short(opts.oids.from)} → ${short(opts.oids.to)}` : '';
  const head = (b: Buffer | null, from: number) => (b === null ? '' : b.toString('utf8', from, Math.min(b.length, from + SUMMARY_HEAD_BYTES)));
  const start = before && after ? lineStartOfFirstDifference(before, after) : 0;
  const lines = before ? countNewlines(before, start) : 0;
  const { patch } = boundedPatch(before ? quotePath(`a/${file}`) : '/dev/null', after ? quotePath(`b/${file}`) : '/dev/null', head(before, start), head(after, start), opts.context);
  const shifted = shiftHunks(patch, lines);
  return {
    file,
    status,
    format: 'text',
    changes: [],
    patch: shifted,
    fromSize: before?.length,
    toSize: after?.length,
    summary: `${size(before)} → ${size(after)}${ids}: over diff_max_bytes (${formatBytes(opts.maxBytes)}), not compared field by field; showing the first changed lines only`,
  };
}

/** Offset of the start of the line holding the first byte where the buffers differ. */
function lineStartOfFirstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  const STEP = 1 << 16;
  let at = 0;
  while (at < n && a.compare(b, at, Math.min(n, at + STEP), at, Math.min(n, at + STEP)) === 0) at += STEP;
  while (at < n && a[at] === b[at]) at++;
  return at === 0 ? 0 : a.lastIndexOf(10, at - 1) + 1;
}

function countNewlines(b: Buffer, end: number): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1 && i < end; i = b.indexOf(10, i + 1)) n++;
  return n;
}

function short(oid: string | undefined): string {
  return oid ? oid.slice(0, 7) : '-';
}

/** `512 B`, `1.2 KiB`, `3.4 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
