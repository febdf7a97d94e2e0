import { resolve } from 'node:path';

// Native git is the tests' witness, and the suite must not depend on who runs it.
// Many people export GIT_AUTHOR_NAME/EMAIL/DATE or GIT_COMMITTER_*, and git hooks
// set GIT_DIR/GIT_INDEX_FILE; every git child (and every CLI run given process.env)
// inherits them, and they override the identities, dates and repositories tests choose.
// Cleared once here, for every test file; a test that needs one passes it in `env`.
for (const key of Object.keys(process.env)) if (key.startsWith('GIT_')) delete process.env[key];
// The user's ~/.gitconfig (log format, date style, signing, hooks) is replaced by
// the suite's own, which also gives a fresh machine with no identity one that
// `git commit` accepts; the `-c user.name=...` that tests pass still wins.
process.env.GIT_CONFIG_GLOBAL = resolve(import.meta.dirname, 'helpers/gitconfig');
process.env.GIT_CONFIG_NOSYSTEM = '1';

// src/core/lazy.ts loads heavy libraries with require() (bundled lazily by
// esbuild; dist/cli.cjs is CommonJS, dist/lib.js defines require in its
// banner). vitest runs the sources as
// ES modules, which have no require: give them Node's.
import { createRequire } from 'node:module';
(globalThis as { require?: NodeRequire }).require ??= createRequire(import.meta.url);
