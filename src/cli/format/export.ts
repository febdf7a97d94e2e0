/**
 * `export`: change records as YAML in the change-log shape operators keep by
 * hand (see `changeRecord` in core/record for the fields), or as JSON.
 */
import { yamlLib } from '../../core/lazy.js';
import type { Document } from 'yaml';

/**
 * Characters a YAML reader may refuse or rewrite when written raw (controls,
 * DEL, C1 incl. NEL, line/paragraph separators, BOM, non-characters, lone
 * surrogates). The yaml package writes them raw even inside double quotes.
 */
const UNSAFE_SRC = String.raw`[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]`;
const UNSAFE = new RegExp(UNSAFE_SRC);
const UNSAFE_ALL = new RegExp(UNSAFE_SRC, 'g');

/** Short parts read best on one line, as in hand-written change logs. */
const FLOW: (string | number)[][] = [['author'], ['approval', 'approved_by'], ['testing', 'pre_change'], ['rollback_info', 'rolls_back'], ['rollback_info', 'reverts']];

/**
 * Change records as YAML: one record as a mapping, a range's records
 * (`export A..B`) as a list, oldest first. Strings that a YAML 1.1 reader
 * (PyYAML, Kubernetes tools) would take for booleans, numbers or dates are
 * quoted, so every reader gets the same values back. Secrets are redacted
 * before the records are made (core's diffs are).
 *
 * @example formatExport(changeRecord(entry, { diffs }))
 */
export function formatExport(records: object | object[]): string {
  const { Document } = yamlLib();
  const doc = new Document(records, { schema: 'yaml-1.1', aliasDuplicateObjects: false });
  const list = Array.isArray(records);
  const count = list ? records.length : 1;
  for (let i = 0; i < count; i++) flowShortParts(doc, list ? [i] : []);
  return safeText(doc);
}

/** The records as JSON, the same data as {@link formatExport}. */
export function formatExportJson(records: object | object[]): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

function flowShortParts(doc: Document, at: (string | number)[]): void {
  const { isCollection, isSeq } = yamlLib();
  const flow = (path: (string | number)[]) => {
    const node = doc.getIn([...at, ...path], true);
    if (isCollection(node)) node.flow = true;
  };
  FLOW.forEach(flow);
  for (const key of ['affected_components', 'files_modified', 'dependencies']) {
    const node = doc.getIn([...at, key], true);
    if (!isSeq(node)) continue;
    node.items.forEach((_item, i) => {
      if (key === 'files_modified') flow([key, i, 'mode']);
      else flow([key, i]);
    });
  }
}

/**
 * The document's text. Strings holding unsafe characters are double-quoted,
 * so those characters occur nowhere else in the text and can be replaced by
 * escapes afterwards.
 */
function safeText(doc: Document): string {
  const { visit } = yamlLib();
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && UNSAFE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 }).replace(UNSAFE_ALL, escapeChar);
}

function escapeChar(ch: string): string {
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
