import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { parseSettings, SETTINGS_TEMPLATE } from '../../../src/core/store/settings.js';
import { caught } from '../../helpers/errors.js';

describe('secret settings', () => {
  it('defaults to none and the template parses', () => {
    const s = parseSettings(SETTINGS_TEMPLATE, 'settings.yaml');
    expect([s.secretKeys, s.secretValues, s.secretFiles]).toEqual([null, [], []]);
  });

  it('reads secret_keys, secret_values and secret_files', () => {
    const s = parseSettings("secret_keys: ['^pin$']\nsecret_values: ['acme_[a-z0-9]{16}']\nsecret_files: ['vault/**', '*.pem']\n", 'settings.yaml');
    expect([s.secretKeys, s.secretValues, s.secretFiles]).toEqual([['^pin$'], ['acme_[a-z0-9]{16}'], ['vault/**', '*.pem']]);
  });

  it.each([
    ['secret_values: ["acme_(["]\n', 'secret_values', /settings\.yaml:1: secret_values: not a regular expression/],
    ['include: []\nsecret_keys: ["(x"]\n', 'secret_keys', /settings\.yaml:2: secret_keys: not a regular expression/],
    ['secret_files: vault\n', 'secret_files', /secret_files: expected a list of strings/],
    ['secret_values: [1]\n', 'secret_values', /secret_values: expected a list of strings/],
  ])('refuses %j with BAD_SETTINGS naming the line and key', (text, key, message) => {
    const e = caught(() => parseSettings(text, 'settings.yaml'));
    expect(isCfgtrailError(e, 'BAD_SETTINGS')).toBe(true);
    expect((e as Error).message).toMatch(message);
    expect((e as { data: { key: string } }).data.key).toBe(key);
  });
});
