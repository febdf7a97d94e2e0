/**
 * The deliberately bad change of a drill, computed as text (pure): a field
 * set with `--set key.path=value` (made as a text edit of that field only,
 * the rest of the file byte for byte), or a unified diff (`--patch`).
 */
import { CfgtrailError } from '../../core/errors.js';
import { jsDiff, yamlLib } from '../../core/lazy.js';
import { editFields } from '../../core/diff/merge-edit.js';
import type { YamlSchema } from '../../core/diff/parse-config.js';

/** `database.pool.max=1000` → path and the value as YAML reads it. */
export function parseSetArg(arg: string): { path: string[]; value: unknown; text: string } {
  const eq = arg.indexOf('=');
  const key = eq > 0 ? arg.slice(0, eq).trim() : '';
  if (key === '' || key.split('.').some((k) => k === '')) {
    throw new CfgtrailError('BAD_INPUT', `--set must be KEY.PATH=VALUE, e.g. database.pool.max=1000, not '${arg}'`);
  }
  const text = arg.slice(eq + 1);
  let value: unknown;
  try {
    value = yamlLib().parse(text === '' ? '""' : text);
  } catch (e) {
    throw new CfgtrailError('BAD_INPUT', `--set ${key}: not a YAML value: ${(e as Error).message.split('\n')[0]}`, {}, { cause: e });
  }
  return { path: key.split('.'), value, text };
}

/**
 * `content` with the field at `path` set to `value` (added when missing).
 * @example setField('a: 1 # keep\nb: 2\n', ['b'], 3, 'core') // 'a: 1 # keep\nb: 3\n'
 */
export function setField(content: string, path: string[], value: unknown, schema: YamlSchema, file: string): string {
  const { parseDocument } = yamlLib();
  const doc = parseDocument(content);
  if (doc.errors.length > 0) throw new CfgtrailError('PARSE_ERROR', `${file}: does not parse as YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { file });
  const had = doc.hasIn(path);
  try {
    doc.setIn(path, value);
  } catch (e) {
    // yaml throws a plain Error for a path through a scalar (`a.b` where a is 1)
    throw new CfgtrailError('BAD_INPUT', `${file}: cannot set ${path.join('.')}: ${(e as Error).message.split('\n')[0]}`, { file }, { cause: e });
  }
  const edited = editFields(content, String(doc), [{ path, kind: had ? 'changed' : 'added' }], schema);
  if (!edited.ok) throw new CfgtrailError('BAD_INPUT', `${file}: ${path.join('.')} cannot be set as a text edit (behind an alias or merge key?); use --patch`, { file });
  return edited.text;
}

/** The file a unified diff names (`+++ b/config.yaml`), without its `a/`/`b/` prefix. */
export function patchTarget(patchText: string, source: string): string {
  const patches = jsDiff().parsePatch(patchText);
  if (patches.length !== 1) throw new CfgtrailError('BAD_INPUT', `${source}: a drill patch must change exactly one file (found ${patches.length})`);
  const name = (patches[0]!.newFileName ?? patches[0]!.oldFileName ?? '').replace(/^[ab]\//, '');
  if (!name || name === '/dev/null') throw new CfgtrailError('BAD_INPUT', `${source}: the patch names no file`);
  return name;
}

/** `content` with the patch applied; refuses a patch that does not apply cleanly. */
export function applyDrillPatch(content: string, patchText: string, source: string): string {
  const out = jsDiff().applyPatch(content, patchText);
  if (out === false) throw new CfgtrailError('BAD_INPUT', `${source}: the patch does not apply to the live file`);
  return out;
}
