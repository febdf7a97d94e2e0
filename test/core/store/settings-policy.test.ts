import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/store/settings.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';

describe('settings policy: forbidden field paths are checked when settings load', () => {
  it('a path that does not read is refused naming the file, the line and the rule', () => {
    const e = caught(() => parseSettings('policy:\n  forbidden_fields:\n    - { field: "a[" }\n', '/store/settings.yaml'));
    expect(isCfgtrailError(e, 'BAD_SETTINGS')).toBe(true);
    expect((e as Error).message).toMatch(/^\/store\/settings\.yaml:1: policy: forbidden_fields: "a\[" is not a field path \(/);
  });

  it('plain paths, key-matched entries and globs are accepted', () => {
    const rules = ['security', 'security.*', 'spec.containers[name=app].image', 'spec.*.image', 'db.{user,password}'];
    const s = parseSettings(`policy:\n  forbidden_fields:\n${rules.map((f) => `    - { field: ${JSON.stringify(f)} }\n`).join('')}`, 's.yaml');
    expect(s.policy.forbiddenFields.map((r) => r.field)).toEqual(rules);
  });
});
