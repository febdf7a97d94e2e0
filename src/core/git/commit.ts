/** Git commit objects: parse and serialize byte-identically. */
import { CfgtrailError } from '../errors.js';
import { OID_RE } from './oid.js';

/** Author or committer line. `timezoneOffset` uses git's sign: +0100 is 60. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes east of UTC (+0100 => 60, -0530 => -330). */
  timezoneOffset: number;
}

export interface Commit {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  /** Everything after the header block, verbatim (usually ends in '\n'). */
  message: string;
  gpgsig?: string;
  /** Other headers (encoding, mergetag, …) in their original order, kept so serializing is lossless. */
  extraHeaders?: { key: string; value: string }[];
}

function bad(msg: string): CfgtrailError {
  return new CfgtrailError('CORRUPT_STORE', `malformed commit: ${msg}`);
}

/** Parses `Name <email> 1700000000 +0100`. */
export function parseSignature(line: string): Signature {
  const m = /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(line);
  if (!m) throw bad(`bad signature "${line}"`);
  const minutes = Number(m[5]) * 60 + Number(m[6]);
  return { name: m[1]!, email: m[2]!, timestamp: Number(m[3]), timezoneOffset: m[4] === '-' ? -minutes : minutes };
}

/**
 * A signature for `person` at `timestamp` (seconds) and `timezoneOffset`
 * (minutes east of UTC). Angle brackets and newlines are dropped: they would
 * break git's `Name <email> time zone` line.
 * @default timezoneOffset the local zone's offset at `timestamp`
 */
export function signatureOf(person: { name: string; email: string }, timestamp: number, timezoneOffset?: number): Signature {
  const clean = (v: string) => v.replace(/[<>\n]/g, '').trim();
  const tz = timezoneOffset ?? -new Date(timestamp * 1000).getTimezoneOffset();
  return { name: clean(person.name), email: clean(person.email), timestamp, timezoneOffset: tz };
}

export function formatSignature(s: Signature): string {
  const abs = Math.abs(s.timezoneOffset);
  const tz = `${s.timezoneOffset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${s.name} <${s.email}> ${s.timestamp} ${tz}`;
}

/** Splits the header block into (key, value) pairs, folding continuation lines. */
function parseHeaders(text: string): { key: string; value: string }[] {
  const headers: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const last = headers[headers.length - 1];
    if (line.startsWith(' ') && last) last.value += `\n${line.slice(1)}`;
    else {
      const sp = line.indexOf(' ');
      if (sp <= 0) throw bad(`bad header line "${line}"`);
      headers.push({ key: line.slice(0, sp), value: line.slice(sp + 1) });
    }
  }
  return headers;
}

/** Parses a raw commit object. */
export function parseCommit(buf: Buffer): Commit {
  const text = buf.toString('utf8');
  const end = text.indexOf('\n\n');
  const headText = end < 0 ? text.replace(/\n$/, '') : text.slice(0, end);
  const message = end < 0 ? '' : text.slice(end + 2);
  let tree: string | undefined;
  let author: Signature | undefined;
  let committer: Signature | undefined;
  let gpgsig: string | undefined;
  const parents: string[] = [];
  const extraHeaders: { key: string; value: string }[] = [];
  for (const { key, value } of parseHeaders(headText)) {
    if (key === 'tree' && tree === undefined) tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author' && !author) author = parseSignature(value);
    else if (key === 'committer' && !committer) committer = parseSignature(value);
    else if (key === 'gpgsig' && gpgsig === undefined) gpgsig = value;
    else extraHeaders.push({ key, value });
  }
  if (!tree || !OID_RE.test(tree) || !author || !committer) throw bad('missing tree, author or committer');
  const commit: Commit = { tree, parents, author, committer, message };
  if (gpgsig !== undefined) commit.gpgsig = gpgsig;
  if (extraHeaders.length) commit.extraHeaders = extraHeaders;
  return commit;
}

function header(key: string, value: string): string {
  return `${key} ${value.replace(/\n/g, '\n ')}\n`;
}

/**
 * Serializes a commit the way git writes it: tree, parents, author, committer,
 * extra headers, gpgsig, blank line, message.
 */
export function serializeCommit(c: Commit): Buffer {
  let out = header('tree', c.tree);
  for (const p of c.parents) out += header('parent', p);
  out += header('author', formatSignature(c.author));
  out += header('committer', formatSignature(c.committer));
  for (const h of c.extraHeaders ?? []) out += header(h.key, h.value);
  if (c.gpgsig !== undefined) out += header('gpgsig', c.gpgsig);
  return Buffer.from(`${out}\n${c.message}`, 'utf8');
}
