/** The `rollout:` section of settings.yaml, validated. */
import { CfgtrailError } from '../../core/errors.js';
import type { Settings } from '../../core/store/settings.js';
import { settingsReaders, type HealthCheck } from '../services-config.js';

/** How one instance is rolled back, rolled forward and checked. */
export interface RolloutConfig {
  /** argv with `{instance}` and `{target}` placeholders. */
  action: string[];
  /** argv with `{instance}` and `{revision}`; null: `action` with `{target}` = the instance's revision before. */
  forwardAction: string[] | null;
  /** The gate, per instance; placeholders in URLs, hosts and argv. */
  health: HealthCheck[];
  /** Bounds each instance's action. @default 300000 */
  timeoutMs: number;
  /** Bounds each instance's whole gate (retries included). @default 30000 */
  gateTimeoutMs: number;
}

const KEYS = ['action', 'forward_action', 'health', 'timeout', 'gate_timeout'];

/**
 * The validated `rollout:` settings.
 * @throws CfgtrailError BAD_SETTINGS when there is none or it is malformed (file, line, key)
 */
export function loadRolloutConfig(settings: Pick<Settings, 'rollout' | 'file' | 'lineOf'>): RolloutConfig {
  const raw = settings.rollout;
  if (raw === null || raw === undefined || (typeof raw === 'object' && Object.keys(raw).length === 0)) {
    throw new CfgtrailError('BAD_SETTINGS', `${settings.file}: no rollout.action: add it (how one instance is rolled back) to use --instances`, { file: settings.file, key: 'rollout' });
  }
  const r = settingsReaders({ file: settings.file, lineOf: settings.lineOf });
  const at = ['rollout'];
  const o = r.object(settings.rollout, at);
  r.keys(o, at, KEYS);
  return {
    action: r.argv(o, at, 'action'),
    forwardAction: o.forward_action === undefined ? null : r.argv(o, at, 'forward_action'),
    health: r.checks(o.health, [...at, 'health']),
    timeoutMs: o.timeout === undefined ? 300_000 : r.duration(o.timeout, [...at, 'timeout']),
    gateTimeoutMs: o.gate_timeout === undefined ? 30_000 : r.duration(o.gate_timeout, [...at, 'gate_timeout']),
  };
}
