import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/store/settings.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';

describe('settings components: { name: { type, environment } }', () => {
  it('reads them, and none by default', () => {
    const text = 'components:\n  database: { type: postgres, environment: production }\n  cache:\n    type: redis\n';
    expect(parseSettings(text, 's.yaml').components).toEqual({ database: { type: 'postgres', environment: 'production' }, cache: { type: 'redis' } });
    expect(parseSettings('', 's.yaml').components).toEqual({});
  });

  it.each<[string, string, number, string]>([
    ['components: [database]\n', 'components', 1, 'expected a mapping, got ["database"]'],
    ['components:\n  database: postgres\n', 'components.database', 2, "expected a mapping, got 'postgres'"],
    ['components:\n  database:\n    typ: postgres\n', 'components.database.typ', 3, 'unknown key (allowed here: type, environment)'],
    ['components:\n  database:\n    environment: 3\n', 'components.database.environment', 3, 'expected an environment such as production or staging, got 3'],
    ['components:\n  database:\n    type: ""\n', 'components.database.type', 3, "expected a component type such as database, web or cache, got ''"],
  ])('%j is refused with file, line and key', (text, key, line, words) => {
    const e = caught(() => parseSettings(text, '/store/settings.yaml'));
    expect(isCfgtrailError(e, 'BAD_SETTINGS')).toBe(true);
    expect((e as { data: unknown }).data).toEqual({ file: '/store/settings.yaml', line, key });
    expect((e as Error).message).toBe(`/store/settings.yaml:${line}: ${key}: ${words}`);
  });
});
