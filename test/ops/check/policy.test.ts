import { describe, expect, it } from 'vitest';
import { checkApprovals, checkForbiddenFields, exemptionOf, fieldUnderRule, policyChecks, type PolicyChange } from '../../../src/ops/check/policy.js';
import type { Policy } from '../../../src/core/store/settings.js';

const policy = (p: Partial<Policy>): Policy => ({ requiredTrailers: [], approvals: {}, forbiddenFields: [], maxFiles: null, drift: 'warn', enforceOnSnapshot: true, ...p });
const change = (c: Partial<PolicyChange>): PolicyChange => ({ title: 't', author: { name: 'A', email: 'a@example.com' }, trailers: [], files: [], fields: [], ...c });

describe('policy checks', () => {
  it.each([
    ['security.tls.min', 'security.*', true],
    ['security', 'security.*', true], // the whole subtree replaced
    ['securityx.tls', 'security.*', false],
    ['spec.containers[name=web].image', 'spec.*.image', true],
    ['spec.containers[name=web].env', 'spec.*.image', false],
    ['database.pool.max', 'database.pool', true],
    ['database', 'database.pool', true],
    ['api.pool', 'database.pool', false],
  ])('field %s under rule %s: %s', (path, rule, expected) => {
    expect(fieldUnderRule(path, rule)).toBe(expected);
  });

  it('approvals count distinct emails, case-insensitively, never the author', () => {
    const p = policy({ approvals: { high: 2 } });
    const t = (who: string[]) => [{ key: 'Risk', value: 'HIGH' }, ...who.map((w) => ({ key: 'Approved-By', value: w }))];
    expect(checkApprovals(change({ trailers: t(['B <b@x>', 'b2 <B@X>']) }), p)?.status).toBe('fail');
    expect(checkApprovals(change({ trailers: t(['B <b@x>', 'me <A@example.com>']) }), p)?.status).toBe('fail');
    expect(checkApprovals(change({ trailers: t(['B <b@x>', 'c@x']) }), p)?.status).toBe('pass');
  });

  it('a forbidden field with no approvers is never allowed; files narrow a rule', () => {
    const p = policy({ forbiddenFields: [{ field: 'security.*', files: ['prod/*.yaml'], approvers: [] }] });
    const c = (file: string) => change({ fields: [{ file, pathText: 'security.tls' }], trailers: [{ key: 'Approved-By', value: 'Anyone <x@y>' }] });
    expect(checkForbiddenFields(c('prod/app.yaml'), p)).toEqual({ name: 'forbidden-fields', status: 'fail', detail: 'prod/app.yaml:security.tls under security.* never allowed' });
    expect(checkForbiddenFields(c('staging/app.yaml'), p)?.status).toBe('pass');
  });

  it('rules not set give no line; depends-on always does', () => {
    expect(policyChecks(change({}), policy({}), () => true).map((l) => l.name)).toEqual(['depends-on']);
  });

  it('rollbacks, reverts, drift snapshots and freezes are exempt; ordinary changes are not', () => {
    expect(exemptionOf([{ key: 'Rollback-To', value: 'x' }])).toBe('a rollback');
    expect(exemptionOf([{ key: 'reverts', value: 'x' }])).toBe('a revert');
    expect(exemptionOf([{ key: 'Snapshot-Of', value: 'drift' }])).toBe("a rollback's drift snapshot");
    expect(exemptionOf([{ key: 'Freeze', value: 'on' }])).toBe('a freeze record');
    // a drill's commits and a rollout's record are no new change: a pre-deploy check after one must not fail on them
    expect(exemptionOf([{ key: 'Change-Id', value: 'I1' }, { key: 'Drill', value: 'DRILL-20261129-abcdef' }])).toBe('a drill');
    expect(exemptionOf([{ key: 'Rollout', value: 'ROLLOUT-1' }, { key: 'Rollout-State', value: 'completed' }])).toBe("a rollout's record");
    expect(exemptionOf([{ key: 'Ticket', value: 'x' }])).toBeNull();
  });
});
