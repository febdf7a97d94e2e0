import { CommanderError } from 'commander';
import { BugError, CfgtrailError } from '../core/errors.js';
import { createProgram } from './program.js';
import { schemaFileUrl } from './commands/init.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { ExitWith, type CliDeps } from './context.js';
import { escapeControls } from '../core/path-name.js';
import { runTraced } from './tracing.js';

/** For scripts/build.mjs, which writes the list into bin/cfgtrail.js. */
export { commandsWithoutTls } from './program.js';

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const program = createProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (e) {
    return reportError(e, deps);
  }
}

function reportError(e: unknown, deps: CliDeps): number {
  if (e instanceof ExitWith) return e.exitCode;
  if (e instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    if (e.exitCode === 0) return ExitCode.OK;
    return ExitCode.USAGE;
  }
  if (e instanceof CfgtrailError) {
    deps.stderr(`cfgtrail: ${escapeControls(e.message)}\n`);
    return exitCodeFor(e.code);
  }
  const err = e as Error;
  if (!(e instanceof BugError) && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) {
    deps.stderr(`cfgtrail: ${escapeControls(err.message)}\n`);
    return ExitCode.FILESYSTEM;
  }
  deps.stderr(`cfgtrail: internal error: ${escapeControls(err?.message ?? String(e))}\nThis is a bug in cfgtrail; please file an issue with the command you ran.\n`);
  if (deps.env.CFGTRAIL_DEBUG) deps.stderr(`${err?.stack ?? ''}\n`);
  return ExitCode.INTERNAL;
}

/** The process's own stdout, stderr, cwd, env and clock; `over` replaces parts of them. */
export function processDeps(argv: string[], over: Partial<CliDeps> = {}): CliDeps {
  return {
    stdout: (t) => void process.stdout.write(t),
    // Unless the caller replaces stdout: then bytes go through its function too.
    stdoutBytes: over.stdout ? undefined : (b) => void process.stdout.write(b),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    now: Date.now,
    isTTY: Boolean(process.stdout.isTTY),
    argv,
    schemaUrl: schemaFileUrl(process.argv[1]),
    ...over,
  };
}

/** Runs one command line as the `cfgtrail` process and exits with its code (bin/cfgtrail.js calls this). */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0); // `cfgtrail log | head`
  });
  // Ctrl-C and SIGTERM end any command through process.exit, so the store lock is let go
  // (a rollback says first what state it left: see commands/rollback.ts).
  process.on('SIGINT', () => process.exit(ExitCode.INTERRUPTED));
  process.on('SIGTERM', () => process.exit(ExitCode.TERMINATED));
  const deps = processDeps(argv);
  const code = await runTraced(deps, () => createProgram(deps).commands.map((c) => c.name()), () => runCli(argv, deps));
  // Every command has finished its work here. Exiting now spares tearing down
  // a heap that held the index (10-20 ms after a big query); only output still
  // queued for stdout or stderr (a pipe on some systems) is left to drain.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  process.exitCode = code;
}
