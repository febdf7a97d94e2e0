import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, tempDir } from '../helpers/cli.js';
import { openStore } from '../../src/core/store/open.js';
import { sendStoreAlert } from '../../src/cli/wire.js';
import { isCfgtrailError } from '../../src/core/errors.js';

// Every command checks `watch:` when it starts; these are the settings as they
// are when the alert goes out (edited meanwhile), read by the same function.
describe('sendStoreAlert', () => {
  const store = () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), 'watch:\n  metrics:\n    - { name: m, command: ["true"], max: 1 }\n    - { name: m, command: ["true"], max: 1 }\n  alerts:\n    - command: ["true"]\n');
    return openStore(dir);
  };

  it('with warn: a mistake in watch: is one warning line and no alert, for an event that has happened', async () => {
    const lines: string[] = [];
    expect(await sendStoreAlert(store(), { kind: 'freeze', summary: 'changes frozen' }, (l) => lines.push(l))).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: freeze done, but no alert was sent: .*duplicate metric name 'm'\n$/);
  });

  it('without warn: the mistake is the command\'s error (BAD_SETTINGS)', async () => {
    const e = await sendStoreAlert(store(), { kind: 'playbook', summary: 'x' }).catch((x: unknown) => x);
    expect(isCfgtrailError(e, 'BAD_SETTINGS')).toBe(true);
  });
});
