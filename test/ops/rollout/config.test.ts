import { describe, expect, it } from 'vitest';
import { CfgtrailError } from '../../../src/core/errors.js';
import { parseSettings } from '../../../src/core/store/settings.js';
import { loadRolloutConfig } from '../../../src/ops/rollout/config.js';

const load = (text: string) => loadRolloutConfig(parseSettings(text, 'settings.yaml'));

function failure(text: string): { message: string; line: unknown } {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CfgtrailError);
    expect((e as CfgtrailError).code).toBe('BAD_SETTINGS');
    return { message: (e as CfgtrailError).message, line: (e as CfgtrailError).data.line };
  }
  throw new Error('no error');
}

describe('rollout settings', () => {
  it('reads the section with its defaults', () => {
    const c = load('rollout:\n  action: [ssh, "{instance}", cfgtrail, rollback, "{target}"]\n  health:\n    - http: "http://{instance}:8080/health"\n      retries: 3\n    - tcp: "{instance}:5432"\n');
    expect(c).toEqual({
      action: ['ssh', '{instance}', 'cfgtrail', 'rollback', '{target}'],
      forwardAction: null,
      health: [
        { kind: 'http', url: 'http://{instance}:8080/health', timeoutMs: 2000, retries: 3 },
        { kind: 'tcp', host: '{instance}', port: 5432, timeoutMs: 2000, retries: 0 },
      ],
      timeoutMs: 300_000,
      gateTimeoutMs: 30_000,
    });
    expect(load('rollout:\n  action: [a]\n  forward_action: [b, "{revision}"]\n  timeout: 90s\n  gate_timeout: 1m\n')).toMatchObject({ forwardAction: ['b', '{revision}'], timeoutMs: 90_000, gateTimeoutMs: 60_000 });
  });

  it.each<[string, RegExp, number | undefined]>([
    ['', /no rollout\.action/, undefined],
    ['rollout: {}\n', /no rollout\.action/, undefined],
    ['rollout:\n  health: []\n', /rollout\.action: must be/, 1],
    ['rollout:\n  action: "ssh {instance} rollback"\n', /rollout\.action/, 2],
    ['rollout:\n  action: [a]\n  helth: []\n', /helth/, 3],
    ['rollout:\n  action: [a]\n  timeout: 5\n', /timeout/, 3],
    ['rollout:\n  action: [a]\n  health: [{ http: "ftp://x" }]\n', /http/, 3],
    ['rollout:\n  action: [a]\n  health: [{ http: "http://x", tcp: "x:1" }]\n', /health/, 3],
  ])('%j fails naming the key', (text, message, line) => {
    const f = failure(text);
    expect(f.message).toMatch(/^settings\.yaml/);
    expect(f.message).toMatch(message);
    if (line !== undefined) expect(f.line).toBe(line);
  });
});
