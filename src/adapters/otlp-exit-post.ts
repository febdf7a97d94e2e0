/**
 * Sending spans while the process exits: nothing asynchronous runs in an
 * 'exit' handler, so a child process posts the OTLP request and this one
 * waits for it, at most `timeoutMs`.
 */
import { spawnSync } from 'node:child_process';

/** Posts stdin to argv[1] with the headers in CFGTRAIL_OTLP_HEADERS; exit 0 on a 2xx answer. */
const POST_SCRIPT = `
const url = new URL(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', () => {
  const body = Buffer.concat(chunks);
  const headers = { ...JSON.parse(process.env.CFGTRAIL_OTLP_HEADERS), 'Content-Length': body.length };
  const req = require(url.protocol === 'https:' ? 'node:https' : 'node:http').request(url, { method: 'POST', headers }, (res) => {
    res.resume();
    if (res.statusCode < 200 || res.statusCode > 299) { process.stderr.write('HTTP ' + res.statusCode + '\\n'); process.exitCode = 1; }
  });
  req.on('error', (e) => { process.stderr.write(e.message + '\\n'); process.exitCode = 1; });
  req.end(body);
});`;

/**
 * POSTs `body` to `url` and waits for the answer; returns why it failed, or null.
 * The child inherits the environment (NODE_EXTRA_CA_CERTS for an https collector).
 */
export function postAtExit(url: string, headers: Record<string, string>, body: Uint8Array, timeoutMs: number): string | null {
  const r = spawnSync(process.execPath, ['-e', POST_SCRIPT, url], {
    input: Buffer.from(body), timeout: timeoutMs, env: { ...process.env, CFGTRAIL_OTLP_HEADERS: JSON.stringify(headers) }, encoding: 'utf8',
  });
  if (r.status === 0) return null;
  return r.error || r.signal ? `timed out after ${timeoutMs} ms` : (r.stderr || `exit ${r.status}`).trim().split('\n')[0]!;
}
