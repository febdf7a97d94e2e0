/** Where the instance list comes from: a file, or a command's output (e.g. `kubectl get pods -o name`). */
import { CfgtrailError } from '../../core/errors.js';
import { parseInstanceList, splitCommandLine } from './plan.js';
import type { RunProgram } from './types.js';

export type InstanceSource = { file: string } | { command: string };

/** How long `--instances-cmd` may take. */
const LIST_TIMEOUT_MS = 60_000;

/**
 * The instance names of `source`, in order.
 * @throws CfgtrailError BAD_INPUT (empty, unsafe or repeated names; a failing command), UNREADABLE_FILE
 * @example await loadInstances({ command: 'kubectl get pods -l app=myapp -o name' }, { run, readFile })
 */
export async function loadInstances(source: InstanceSource, io: { run: RunProgram; readFile: (path: string) => string }): Promise<string[]> {
  if ('file' in source) {
    let text: string;
    try {
      text = io.readFile(source.file);
    } catch (e) {
      throw new CfgtrailError('UNREADABLE_FILE', `--instances ${source.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: source.file }, { cause: e });
    }
    return parseInstanceList(text, source.file);
  }
  const argv = splitCommandLine(source.command);
  const r = await io.run(argv, { timeoutMs: LIST_TIMEOUT_MS });
  if (r.error !== undefined || r.timedOut || r.exitCode !== 0) {
    const why = r.error ?? (r.timedOut ? `no answer within ${LIST_TIMEOUT_MS / 1000} s` : `exit ${r.exitCode ?? 'by signal'}`);
    const tail = r.stderr.trim().split('\n').pop()?.trim();
    throw new CfgtrailError('BAD_INPUT', `--instances-cmd ${argv[0]}: ${why}${tail ? `: ${tail}` : ''}`, { argv });
  }
  return parseInstanceList(r.stdout, `--instances-cmd ${argv[0]}`);
}
