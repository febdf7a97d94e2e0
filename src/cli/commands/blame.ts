import type { Command } from 'commander';
import { blameFile } from '../../core/audit/blame.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { fieldHistory } from '../../core/audit/field-history.js';
import { formatBlame, formatFieldHistory } from '../format/blame.js';
import { workDir, type CliDeps } from '../context.js';
import { hostOption, queryStoreFor } from '../host-store.js';

export function registerBlame(program: Command, deps: CliDeps): void {
  program
    .command('blame')
    .description('who last set each field (YAML/JSON) or line (other files) of FILE, with the change that set it')
    .argument('<file>', 'a tracked file; relative to the current directory, :/path from the config root')
    .option('--rev <rev>', 'blame the file as it was at this revision', 'HEAD')
    .option('--json', 'print as JSON')
    .option('--show-secrets', 'print values of secret-looking keys')
    .addOption(hostOption())
    .action(async (file: string, f: { rev: string; json?: boolean; showSecrets?: boolean; host?: string }, cmd: Command) => {
      const store = await queryStoreFor(cmd, deps, f.host);
      const path = rootRelativePath(file, { cwd: workDir(cmd, deps), root: store.root, what: 'FILE' });
      const result = await blameFile(store, path, { rev: f.rev, showSecrets: Boolean(f.showSecrets), warn: deps.stderr });
      deps.stdout(f.json ? `${JSON.stringify(result, null, 2)}\n` : formatBlame(result));
    });
}

export function registerHistory(program: Command, deps: CliDeps): void {
  program
    .command('history')
    .description('every value FIELD has had, newest first, with the change that set it')
    .argument('<field>', 'a field path: database.pool.max, upstreams[name=auth].timeout, [doc=Deployment/default/web].spec.replicas')
    .option('--file <path>', 'only this file (relative to the current directory, :/path from the config root)')
    .option('--follow', 'follow the file across renames (needs --file)')
    .option('--json', 'print as JSON')
    .option('--show-secrets', 'print values of secret-looking keys')
    .addOption(hostOption())
    .action(async (field: string, f: { file?: string; follow?: boolean; json?: boolean; showSecrets?: boolean; host?: string }, cmd: Command) => {
      const store = await queryStoreFor(cmd, deps, f.host);
      const file = f.file === undefined ? undefined : rootRelativePath(f.file, { cwd: workDir(cmd, deps), root: store.root, what: '--file' });
      const h = await fieldHistory(store, field, { file, follow: f.follow, showSecrets: Boolean(f.showSecrets), warn: deps.stderr });
      deps.stdout(f.json ? `${JSON.stringify(h, null, 2)}\n` : formatFieldHistory(h));
    });
}
