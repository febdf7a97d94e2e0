// Start-up cost of OpenTelemetry tracing: `cfgtrail log -n 1` (whole process)
// without any OTEL_* variable, with OTEL_SDK_DISABLED, and traced to an OTLP
// receiver on 127.0.0.1 (JSON and protobuf), next to `node -e 0`.
// Every side runs without NODE_EXTRA_CA_CERTS, as on a user's machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, timeOnce } from './measure.mjs';

// The receiver runs in its own process: the benchmark's spawnSync blocks this one.
const RECEIVER = `
const s = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end(); }); });
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));`;

function startReceiver() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill() }));
  });
}

export async function benchTracing(ctx) {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-otel-'));
  const receiver = await startReceiver();
  try {
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com' };
    writeFileSync(join(dir, 'app.yaml'), 'pool: 10\n');
    timeOnce([ctx.cli, 'init'], { cwd: dir, env: base });
    timeOnce([ctx.cli, 'snapshot', '-m', 'first'], { cwd: dir, env: base });
    const traced = { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const log = [ctx.cli, 'log', '-n', '1'];
    const cmds = [
      { argv: [process.execPath, '-e', '0'], env: base },
      { argv: log, cwd: dir, env: base },
      { argv: log, cwd: dir, env: { ...traced, OTEL_SDK_DISABLED: 'true' } },
      { argv: log, cwd: dir, env: { ...traced, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
      { argv: log, cwd: dir, env: { ...traced, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' } },
    ];
    const [node, plain, disabled, json, proto] = compare(cmds, Math.max(ctx.runs, 15)).map((r) => r.ms);
    const section = 'tracing: start-up cost of OpenTelemetry (cfgtrail log -n 1, whole process, NODE_EXTRA_CA_CERTS unset)';
    ctx.row({ section, name: 'no OTEL_* variables (nothing loaded)', oursMs: plain, native: 'node -e 0', nativeMs: node, ratio: plain / node });
    ctx.row({ section, name: 'endpoint set, OTEL_SDK_DISABLED=true', oursMs: disabled, native: 'no OTEL_* variables', nativeMs: plain, ratio: disabled / plain });
    ctx.row({ section, name: 'traced, http/json to a receiver on 127.0.0.1', oursMs: json, native: 'no OTEL_* variables', nativeMs: plain, ratio: json / plain, note: `+${(json - plain).toFixed(1)} ms (SDK load, 2 spans, one export)` });
    ctx.row({ section, name: 'traced, http/protobuf to a receiver on 127.0.0.1', oursMs: proto, native: 'no OTEL_* variables', nativeMs: plain, ratio: proto / plain, note: `+${(proto - plain).toFixed(1)} ms` });
  } finally {
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
