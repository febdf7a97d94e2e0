import type { Command } from 'commander';
import { openStore, type Store } from '../core/store/open.js';
import { validateServices } from '../ops/services-config.js';
import { validateWatch } from '../ops/watch/config.js';
import { ensureSettingsChecked } from '../core/store/settings-checked.js';
import { escapeControls } from '../core/path-name.js';

/** What commands need from the outside world; `main.ts` passes the real ones, tests their own. */
export interface CliDeps {
  stdout: (text: string) => void;
  /** Output that is already UTF-8 bytes; without it they go to `stdout` as text. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Colours and prompts only on a terminal. */
  isTTY: boolean;
  /** The argv given to parseAsync, to find operands after `--`. */
  argv: string[];
  /** settings.schema.json of this installation, for the settings file `init` writes. */
  schemaUrl?: string;
}

/** Global options every command sees. */
export interface GlobalOptions {
  C?: string;
  color: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** The directory commands work in: `-C DIR` or the current one. */
export function workDir(cmd: Command, deps: CliDeps): string {
  const c = globals(cmd).C;
  return c ? (c.startsWith('/') ? c : `${deps.cwd}/${c}`) : deps.cwd;
}

/**
 * Opens the store for a command and checks its settings.yaml in full,
 * services included: a typo there fails every command at once, not a
 * rollback later, when the file matters most.
 */
export function storeFor(cmd: Command, deps: CliDeps): Store {
  const store = openStore(workDir(cmd, deps), { onNote: (m) => deps.stderr(`note: ${escapeControls(m)}\n`), onWarning: (m) => deps.stderr(`warning: ${escapeControls(m)}\n`) });
  ensureSettingsChecked(store, () => {
    const { services, file, lineOf } = store.settings;
    const names = validateServices(services, { file, lineOf }).map((s) => s.name);
    validateWatch(store.settings.watch, { file, lineOf }, names);
  });
  return store;
}

/** Writes UTF-8 `bytes` to stdout as they are when the deps can, else decoded. */
export function writeBytes(deps: CliDeps, bytes: Buffer): void {
  if (deps.stdoutBytes) deps.stdoutBytes(bytes);
  else deps.stdout(bytes.toString('utf8'));
}

export function useColor(cmd: Command, deps: CliDeps): boolean {
  return globals(cmd).color !== false && deps.isTTY && !deps.env.NO_COLOR;
}

/** Operands after a literal `--` (paths), as git takes them. */
export function pathsAfterDashDash(deps: CliDeps): string[] {
  const i = deps.argv.indexOf('--');
  return i < 0 ? [] : deps.argv.slice(i + 1);
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Thrown by a command that has said everything and only needs a non-zero exit code. */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
