/**
 * The change-record flags of `snapshot` beyond the basic ones: testing done
 * before the change, impact assessment and the approval time.
 */
import type { Command } from 'commander';
import { CfgtrailError, isCfgtrailError } from '../core/errors.js';
import { parseTrailerArg } from '../core/record/trailers.js';
import { RISKS } from '../core/record/risk.js';
import { collect } from './context.js';
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

/** Every change-record flag `snapshot` and `check --staged` take. */
export interface ChangeRecordFlags extends RecordFlags {
  message?: string;
  body?: string;
  changeId?: string;
  risk?: string;
  component?: string[];
  requestedBy?: string;
  dependsOn?: string[];
  ticket?: string;
  trailer?: string[];
  author?: string;
}

/** Adds the change-record options (all but `-m`) to `cmd`, so snapshot and check --staged read the same flags. */
export function addRecordOptions(cmd: Command): Command {
  return cmd
    .option('--body <text>', 'longer description')
    .option('--change-id <id>', 'Change-Id (generated when not given; must be unique in the store)')
    .option('--risk <level>', 'low, medium, high or critical')
    .option('--component <name>', 'affected component (repeatable)', collect)
    .option('--requested-by <who>', 'who asked for the change')
    .option('--approved-by <who>', 'who approved it (repeatable)', collect)
    .option('--approved-at <date>', 'when it was approved (any date git accepts; default: the approval is dated by the commit)')
    .option('--tested <record>', "testing done before the change, 'WHERE: RESULT' (repeatable)", collect)
    .option('--impact <text>', 'impact assessment: who or what is affected and how')
    .option('--downtime <duration>', 'expected downtime, e.g. 0s, 30s, 5m')
    .option('--depends-on <id>', 'Change-Id (or a unique prefix) this change needs (repeatable)', collect)
    .option('--ticket <ref>', 'ticket reference, e.g. OPS-1234')
    .option('--trailer <trailer>', "any other trailer, 'Key: value' (repeatable)", collect)
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)");
}

/** Maps the change-record flags to trailers (Change-Id aside), in a fixed order. */
export function trailersFromFlags(f: ChangeRecordFlags): Trailer[] {
  const out: Trailer[] = [];
  if (f.risk !== undefined) {
    if (!RISKS.includes(f.risk)) throw new CfgtrailError('BAD_INPUT', `--risk must be one of ${RISKS.join(', ')}; got '${f.risk}'`);
    out.push({ key: 'Risk', value: f.risk });
  }
  for (const c of f.component ?? []) out.push({ key: 'Component', value: c });
  if (f.requestedBy) out.push({ key: 'Requested-By', value: f.requestedBy });
  for (const a of f.approvedBy ?? []) out.push({ key: 'Approved-By', value: a });
  out.push(...assessmentTrailers(f));
  for (const d of f.dependsOn ?? []) out.push({ key: 'Depends-On', value: d });
  if (f.ticket) out.push({ key: 'Ticket', value: f.ticket });
  for (const t of f.trailer ?? []) {
    const parsed = parseTrailerArg(t);
    if (parsed.key.toLowerCase() === 'change-id') throw new CfgtrailError('BAD_INPUT', 'use --change-id to set the Change-Id');
    out.push(parsed);
  }
  return out;
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
