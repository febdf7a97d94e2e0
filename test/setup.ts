import { spawnSync } from 'node:child_process';

// Native git is the tests' witness. On a fresh machine with no git identity,
// `git commit` refuses to run; EMAIL is git's last fallback, so it fills the gap
// without overriding the `-c user.name=... -c user.email=...` that tests pass.
const configured = spawnSync('git', ['config', 'user.email'], { encoding: 'utf8' }).stdout.trim();
if (!configured && !process.env.EMAIL) process.env.EMAIL = 'tests@cfgtrail.invalid';

// src/core/lazy.ts loads heavy libraries with require() (bundled lazily by
// esbuild; dist/cli.cjs is CommonJS, dist/lib.js defines require in its
// banner). vitest runs the sources as
// ES modules, which have no require: give them Node's.
import { createRequire } from 'node:module';
(globalThis as { require?: NodeRequire }).require ??= createRequire(import.meta.url);
