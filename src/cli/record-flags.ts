/**
 * The change-record flags of `snapshot` beyond the basic ones: testing done
 * before the change, impact assessment and the approval time.
 */
import { CfgtrailError, isCfgtrailError } from '../core/errors.js';
import type { Trailer } from '../core/types.js';
import { isoDate } from '../core/audit/record.js';
import { parseDuration } from '../core/record/duration.js';
import { parseGitDate } from './git-date.js';

/** The flags this module maps. */
export interface RecordFlags {
  approvedBy?: string[];
  approvedAt?: string;
  tested?: string[];
  impact?: string;
  downtime?: string;
}

function badInput(message: string, data: Record<string, unknown> = {}): CfgtrailError {
  return new CfgtrailError('BAD_INPUT', message, data);
}

/**
 * `Approved-At` (ISO 8601 with the zone given, any date git accepts),
 * `Tested` (one per `--tested`), `Impact`, `Downtime` (a duration as in
 * settings.yaml: `500ms`, `30s`, `2m`, `1.5h`; `0s` says none), in this order.
 * @throws CfgtrailError BAD_INPUT for an unreadable date or duration, an empty value, or --approved-at without --approved-by
 * @example assessmentTrailers({ tested: ['staging: passed'], downtime: '30s' })
 */
export function assessmentTrailers(f: RecordFlags): Trailer[] {
  const out: Trailer[] = [];
  if (f.approvedAt !== undefined) {
    if (!f.approvedBy?.length) throw badInput('--approved-at needs --approved-by (who approved it)');
    out.push({ key: 'Approved-At', value: approvalDate(f.approvedAt) });
  }
  for (const t of f.tested ?? []) out.push({ key: 'Tested', value: nonEmpty('--tested', t) });
  if (f.impact !== undefined) out.push({ key: 'Impact', value: nonEmpty('--impact', f.impact) });
  if (f.downtime !== undefined) {
    if (parseDuration(f.downtime) === null) throw badInput(`--downtime must be a duration such as 0s, 500ms, 30s, 2m or 1.5h, not '${f.downtime}'`, { value: f.downtime });
    out.push({ key: 'Downtime', value: f.downtime.trim() });
  }
  return out;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw badInput(`${flag} needs a value`, { flag });
  return value;
}

function approvalDate(text: string): string {
  try {
    const d = parseGitDate(text);
    return isoDate(Math.floor(d.ms / 1000), d.tzOffset);
  } catch (e) {
    if (!isCfgtrailError(e, 'BAD_INPUT')) throw e;
    throw badInput(`--approved-at: cannot read the date '${text}': use e.g. '2026-11-23T17:55:45+01:00' or 'Mon, 23 Nov 2026 17:55:45 +0000'`, { text }, );
  }
}
