#!/bin/sh
':' /*
# This file is both a POSIX shell script and the JavaScript entry point.
# Run directly (as `cfgtrail` or bin/cfgtrail.js), sh reads it first: Node 20
# parses every CA certificate at start-up when NODE_EXTRA_CA_CERTS is set
# (35 ms of a 60 ms start on our machines), and the commands below never open
# a TLS connection or start a process of the operator's, so they run without it.
# The list is written by scripts/build.mjs from the commands that declare no
# TLS in src/cli/program.ts; the others keep the variable: their health checks
# may use https and the services they restart inherit the environment.
# `node bin/cfgtrail.js` skips this part: to JavaScript it is a string and a comment.
skip=
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $arg in
    -C) skip=1 ;;
    -*) ;;
    *) cmd=$arg; break ;;
  esac
done
# Traces may go to an https collector: then the variable stays for every command.
if [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT-}${OTEL_EXPORTER_OTLP_TRACES_ENDPOINT-}" ]; then
case ${cmd-} in
  init|snapshot|diff|status|log|show|export|gc|fsck|blame|history|deps|suspects|hosts|check|rollout) unset NODE_EXTRA_CA_CERTS ;;
esac
fi
exec node "$0" "$@"
*/
'use strict';
// CommonJS (bin/package.json), so Node starts no ESM loader. dist/cli.cjs is
// compiled with the V8 code cache the build made for it (scripts/build.mjs).
// V8 only checks a cache's versions and the source's length, and crashes on a
// damaged one, so the file starts with CRC-32s of the bundle and of the cache:
// a cache that fails them, or that V8 rejects (another Node version), is not
// used and the bundle is compiled from source.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

const dist = join(__dirname, '..', 'dist');
const file = join(dist, 'cli.cjs');
const cacheFile = join(dist, 'cli.cache');
const source = readBundle();
const cachedData = checkedCache(source);
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source.toString()}\n})`, { filename: file, cachedData });
if (process.env.CFGTRAIL_DEBUG && (cachedData === undefined || script.cachedDataRejected)) {
  process.stderr.write('cfgtrail: code cache not used: compiled from source\n');
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(file), mod, file, dist);

const out = process.env.CFGTRAIL_CODE_CACHE;
if (out) {
  // The build's run (scripts/build.mjs): the listed command lines run in this
  // process, and the cache holds what they compiled.
  process.on('exit', () => {
    const data = script.createCachedData();
    const header = Buffer.alloc(8);
    header.writeUInt32BE(crc32(source), 0);
    header.writeUInt32BE(crc32(data), 4);
    writeFileSync(`${out}.tmp`, Buffer.concat([header, data]));
    renameSync(`${out}.tmp`, out);
  });
  void runAll(JSON.parse(process.env.CFGTRAIL_CODE_CACHE_RUNS ?? '[]'));
} else {
  void mod.exports.main(process.argv.slice(2));
}

/** Runs each command line in this process, output discarded; stops at the first failure. */
async function runAll(argvs) {
  for (const argv of argvs) {
    if ((await mod.exports.runCli(argv, mod.exports.processDeps(argv, { stdout: () => {}, isTTY: false }))) !== 0) {
      process.stderr.write(`code cache: cfgtrail ${argv.join(' ')} failed\n`);
      process.exitCode = 1;
      return;
    }
  }
}

/**
 * dist/cli.cjs; on a clone that was never built, one line and exit 8 (the
 * README's "filesystem problem") instead of Node's ENOENT stack trace.
 */
function readBundle() {
  try {
    return readFileSync(file);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    process.stderr.write('cfgtrail: not built yet: run `npm run build` first\n');
    process.exit(8);
  }
}

/** The cache for `source`, or undefined when there is none or it fails its checksums. */
function checkedCache(src) {
  let buf;
  try {
    buf = readFileSync(cacheFile);
  } catch {
    return undefined; // no cache: compile from source
  }
  if (buf.length <= 8 || buf.readUInt32BE(0) !== crc32(src)) return undefined;
  const data = buf.subarray(8);
  return buf.readUInt32BE(4) === crc32(data) ? data : undefined;
}
