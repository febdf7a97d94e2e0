import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, gitIn, tempDir } from '../helpers/cli.js';

const PEOPLE = { alice: 'Alice Admin <alice@example.com>', bob: 'Bob Builder <bob@example.com>', carol: 'Carol Chen <carol@example.com>' };

function snap(dir: string, title: string, who: keyof typeof PEOPLE): string {
  const r = cfgtrail(['snapshot', '-m', title, '--author', PEOPLE[who]], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
}

const config = (max: number, containers: string, extra = '') => `db:
  max: ${max}
  password: hunter2hunter
containers:
${containers}${extra}`;
const WEB = '  - name: web\n    image: web:1\n';
const SIDE = (v: number) => `  - name: side\n    image: side:${v}\n`;
const DEPLOY = '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n';
const SERVICE = (port: number) => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  ports:\n    - name: http\n      port: ${port}\n`;

interface BlameJson {
  format: string;
  fields: { pathText: string; value: unknown; change: { commit: string; changeId: string; author: { name: string } } }[];
  lines: { line: number; text: string; change: { commit: string } }[];
}

function blame(dir: string, args: string[]): BlameJson {
  const r = cfgtrail(['blame', ...args, '--json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BlameJson;
}

describe('cfgtrail blame', () => {
  it('names the change that last set each field, in file order; moved list entries and reordered documents keep their blame', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.yaml'), config(20, WEB + SIDE(1)));
    writeFileSync(join(dir, 'k8s.yaml'), DEPLOY + SERVICE(80));
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const v1 = snap(dir, 'initial', 'alice');
    writeFileSync(join(dir, 'config.yaml'), config(30, SIDE(2) + WEB));
    writeFileSync(join(dir, 'k8s.yaml'), SERVICE(8080) + DEPLOY);
    const v2 = snap(dir, 'bigger pool, new sidecar, move entries', 'bob');
    writeFileSync(join(dir, 'config.yaml'), config(30, SIDE(2) + WEB, 'features:\n  beta: true\n'));
    const v3 = snap(dir, 'beta on', 'carol');

    const b = blame(dir, ['config.yaml']);
    expect(b.format).toBe('fields');
    const by = Object.fromEntries(b.fields.map((f) => [f.pathText, f.change.commit]));
    expect(b.fields.map((f) => f.pathText)).toEqual([
      'db.max', 'db.password', 'containers[name=side].name', 'containers[name=side].image', 'containers[name=web].name', 'containers[name=web].image', 'features.beta',
    ]);
    expect(by).toEqual({
      'db.max': v2, 'db.password': v1, 'containers[name=side].name': v1, 'containers[name=side].image': v2,
      'containers[name=web].name': v1, 'containers[name=web].image': v1, 'features.beta': v3,
    });
    // native git agrees on which commits these are
    expect(gitIn(join(dir, '.cfgtrail'), ['rev-list', 'HEAD']).trim().split('\n')).toEqual([v3, v2, v1]);
    expect(b.fields.find((f) => f.pathText === 'features.beta')!.change.author.name).toBe('Carol Chen');
    // secrets are redacted as diff redacts them
    expect(b.fields.find((f) => f.pathText === 'db.password')!.value).toMatch(/^<redacted:[0-9a-f]{6}>$/);
    const text = cfgtrail(['blame', 'config.yaml'], { cwd: dir });
    expect(text.stdout).not.toContain('hunter2');
    expect(text.stdout.split('\n').filter(Boolean)).toHaveLength(7);
    expect(text.stdout).toContain(`${v2.slice(0, 8)} `);
    expect(cfgtrail(['blame', 'config.yaml', '--show-secrets'], { cwd: dir }).stdout).toContain('db.password: hunter2hunter');

    const k = blame(dir, ['k8s.yaml']);
    expect(Object.fromEntries(k.fields.map((f) => [f.pathText, f.change.commit]))).toMatchObject({
      '[doc=Service/default/web].spec.ports[name=http].port': v2,
      '[doc=Deployment/default/web].spec.replicas': v1,
      '[doc=Deployment/default/web].kind': v1,
    });

    // the index marks v2's order change of `containers`: log --field finds it for the list, not for an entry that only moved
    const logged = (field: string) => (JSON.parse(cfgtrail(['log', '--field', field, '--json'], { cwd: dir }).stdout) as { commit: string }[]).map((e) => e.commit);
    expect(logged('containers')).toEqual([v2, v1]);
    expect(logged('containers[name=web]')).toEqual([v1]);
    expect(readFileSync(join(dir, '.cfgtrail/cfgtrail-index/commits'), 'utf8')).toContain('config.yaml\x1econtainers (order)');

    // at an older revision the later field is not there, and nothing newer is named
    const old = blame(dir, ['config.yaml', '--rev', 'HEAD~1']);
    expect(old.fields.map((f) => f.pathText)).not.toContain('features.beta');
    expect(old.fields.every((f) => f.change.commit !== v3)).toBe(true);
  });

  it('blames text files by line as git blame does on the same store', () => {
    const dir = tempDir();
    const versions = [
      'user nginx;\nworker_processes 2;\nevents {\n  worker_connections 512;\n}\nhttp {\n  server_tokens off;\n}\n',
      'user nginx;\nworker_processes 4;\nevents {\n  worker_connections 1024;\n  multi_accept on;\n}\nhttp {\n  server_tokens off;\n}\n',
      '# managed by ops\nuser nginx;\nworker_processes 4;\nevents {\n  worker_connections 1024;\n  multi_accept on;\n}\nhttp {\n  gzip on;\n  server_tokens off;\n}\n',
      '# managed by ops\nuser www;\nworker_processes 4;\nevents {\n  multi_accept on;\n}\nhttp {\n  gzip on;\n  server_tokens off;\n  auth_basic_user_file password=hunter2hunter;\n}\n',
    ];
    writeFileSync(join(dir, 'nginx.conf'), versions[0]!);
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    versions.forEach((v, i) => {
      writeFileSync(join(dir, 'nginx.conf'), v);
      writeFileSync(join(dir, 'other.yaml'), `n: ${i}\n`); // commits that also touch another file
      snap(dir, `v${i}`, i % 2 === 0 ? 'alice' : 'bob');
    });
    const b = blame(dir, ['nginx.conf', '--show-secrets']);
    expect(b.format).toBe('lines');
    const porcelain = gitIn(join(dir, '.cfgtrail'), ['blame', '--porcelain', 'HEAD', '--', 'nginx.conf']);
    const want = new Map<number, string>();
    for (const m of porcelain.matchAll(/^([0-9a-f]{40}) \d+ (\d+)/gm)) want.set(Number(m[2]), m[1]!);
    expect(b.lines.map((l) => [l.line, l.change.commit])).toEqual([...want].sort((x, y) => x[0] - y[0]));
    expect(b.lines.map((l) => l.text).join('\n')).toBe(versions[3]!.trimEnd());
    const shown = cfgtrail(['blame', 'nginx.conf'], { cwd: dir }).stdout;
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain(' 2) user www');
  });

  it('a version that did not parse hides nothing: the change that made the file parse again set what it holds', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\nb: 2\nc: 3\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const v1 = snap(dir, 'good', 'alice');
    writeFileSync(join(dir, 'a.yaml'), 'a: [1\nb: 2\n');
    snap(dir, 'broken', 'bob');
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\nb: 5\nc: 3\n');
    const v3 = snap(dir, 'fixed', 'carol');
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\nb: 5\nc: 4\n');
    const v4 = snap(dir, 'c 4', 'alice');
    const b = blame(dir, ['a.yaml']);
    expect(b.fields.map((f) => [f.pathText, f.change.commit])).toEqual([['a', v3], ['b', v3], ['c', v4]]);
    expect(blame(dir, ['a.yaml', '--rev', v1]).fields.map((f) => f.change.commit)).toEqual([v1, v1, v1]);
    // at the broken version the file is blamed by line
    expect(blame(dir, ['a.yaml', '--rev', 'HEAD~2']).format).toBe('lines');
  });

  it('hostile names and keys: no terminal escape reaches the output, odd file names are quoted as git quotes them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'evil.json'), '{"\\u001b[31mred": 1, "__proto__": {"polluted": true}, "constructor": 2}\n');
    writeFileSync(join(dir, 'new\nline.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'esc.txt'), 'plain\n\u001b]0;owned\u0007title\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['snapshot', '-m', 'title \u001b[2J wiped', '--author', PEOPLE.alice], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const args of [['blame', 'evil.json'], ['blame', 'esc.txt'], ['history', 'constructor'], ['blame', 'new\nline.yaml'], ['history', 'a'], ['suspects', '--at', `@${Math.floor(Date.now() / 1000) + 5}`]]) {
      const out = cfgtrail(args, { cwd: dir });
      expect([args.join(' '), out.code]).toEqual([args.join(' '), 0]);
      expect(out.stdout + out.stderr).not.toMatch(/[\x1b\x07]/);
    }
    expect(cfgtrail(['blame', 'evil.json'], { cwd: dir }).stdout).toContain('"\\u001b[31mred": 1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(cfgtrail(['history', 'a'], { cwd: dir }).stdout).toContain('"new\\nline.yaml": 1');
    const missing = cfgtrail(['blame', 'gone\u001b.yaml'], { cwd: dir });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('"gone\\033.yaml" is not in HEAD');
  });

  it('refuses what it cannot blame with one line and a documented exit code', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
    const none = cfgtrail(['blame', 'a.yaml'], { cwd: dir });
    expect(none.code).toBe(3);
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    snap(dir, 'one', 'alice');
    const cases: [string[], number, RegExp][] = [
      [['blame', 'missing.yaml'], 5, /missing\.yaml is not in HEAD/],
      [['blame', 'blob.bin'], 5, /binary/],
      [['blame', 'a.yaml', '--rev', 'nosuchrev'], 4, /unknown revision/],
      [['blame', '../outside.yaml'], 5, /outside the config directory/],
      [['history', 'a['], 5, /bad field path/],
      [['history', 'a', '--follow'], 5, /--follow needs --file/],
      [['blame'], 2, /missing required argument/],
    ];
    for (const [args, code, message] of cases) {
      const r = cfgtrail(args, { cwd: dir });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), code]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('cfgtrail history', () => {
  it('lists every value a field had, newest first, and follows a renamed file with --follow', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf/app.yaml'), 'pool:\n  max: 10\n  min: 1\n"odd.name": x\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const v1 = snap(dir, 'start', 'alice');
    writeFileSync(join(dir, 'conf/app.yaml'), 'pool:\n  max: 20\n  min: 1\n"odd.name": x\n');
    const v2 = snap(dir, 'max 20', 'bob');
    writeFileSync(join(dir, 'conf/app.yaml'), 'pool:\n  max: 20\n  min: 2\n"odd.name": y\n');
    const v3 = snap(dir, 'min 2 (max untouched)', 'carol');
    renameSync(join(dir, 'conf/app.yaml'), join(dir, 'conf/service.yaml'));
    const v4 = snap(dir, 'rename', 'alice');
    writeFileSync(join(dir, 'conf/service.yaml'), 'pool:\n  min: 2\n"odd.name": y\n');
    const v5 = snap(dir, 'drop max', 'bob');

    const run = (args: string[]) => {
      const r = cfgtrail(['history', ...args, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { values: { file: string; present: boolean; value?: unknown; change: { commit: string } }[]; renames: { from: string; to: string; commit: string }[] };
    };
    const followed = run(['pool.max', '--file', 'conf/service.yaml', '--follow']);
    expect(followed.values.map((v) => [v.change.commit, v.file, v.present ? v.value : 'removed'])).toEqual([
      [v5, 'conf/service.yaml', 'removed'],
      [v2, 'conf/app.yaml', 20],
      [v1, 'conf/app.yaml', 10],
    ]);
    expect(followed.renames).toEqual([{ from: 'conf/app.yaml', to: 'conf/service.yaml', commit: v4 }]);
    // without --follow the history stops where the file appeared
    expect(run(['pool.max', '--file', 'conf/service.yaml']).values.map((v) => v.change.commit)).toEqual([v5, v4]);
    // a quoted key, from a subdirectory (paths as git reads them)
    const r = cfgtrail(['history', '"odd.name"', '--file', 'app.yaml', '--json'], { cwd: join(dir, 'conf') });
    expect(r.code, r.stderr).toBe(0); // conf/app.yaml is gone at HEAD; its history is not
    const gone = JSON.parse(r.stdout) as { values: { present: boolean; value?: unknown; change: { commit: string } }[] };
    expect(gone.values.map((v) => [v.change.commit, v.present ? v.value : 'removed'])).toEqual([[v4, 'removed'], [v3, 'y'], [v1, 'x']]);
    const odd = run(['"odd.name"', '--file', 'conf/service.yaml', '--follow']);
    expect(odd.values.map((v) => [v.change.commit, v.value])).toEqual([[v3, 'y'], [v1, 'x']]);
    // log --field -p: each change's value before and after, in each file it touched
    const p = cfgtrail(['log', '--field', 'pool.max', '-p', '--oneline'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.split('\n').filter((l) => l.startsWith('    '))).toEqual([
      '    conf/service.yaml: 20 → (none)',
      '    conf/app.yaml: 20 → (none)',
      '    conf/service.yaml: (none) → 20',
      '    conf/app.yaml: 10 → 20',
      '    conf/app.yaml: (none) → 10',
    ]);
    const pj = JSON.parse(cfgtrail(['log', '--field', 'conf/app.yaml:pool.max', '-p', '--json'], { cwd: dir }).stdout) as { commit: string; field: unknown[] }[];
    expect(pj.map((e) => [e.commit, e.field])).toEqual([
      [v4, [{ file: 'conf/app.yaml', from: 20 }]],
      [v2, [{ file: 'conf/app.yaml', from: 10, to: 20 }]],
      [v1, [{ file: 'conf/app.yaml', to: 10 }]],
    ]);
    expect(cfgtrail(['log', '-p'], { cwd: dir }).code).toBe(5);
    const text = cfgtrail(['history', 'pool.min'], { cwd: dir }).stdout;
    expect(text).toContain(`${v3.slice(0, 8)} `);
    expect(text).toMatch(/conf\/app\.yaml: 1\n/);
  });
});

describe('cfgtrail history of a list', () => {
  it('lists an order change and the rollback that undid it, as log --field does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.yaml'), 'l: [1, 2, 3]\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const v1 = snap(dir, 'start', 'alice');
    writeFileSync(join(dir, 'config.yaml'), 'l: [3, 2, 1]\n');
    const v2 = snap(dir, 'reorder', 'bob');
    const rb = cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: dir });
    expect(rb.code, rb.stderr).toBe(0);
    const v3 = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
    const logged = cfgtrail(['log', '--field', 'l', '--json'], { cwd: dir });
    expect((JSON.parse(logged.stdout) as { commit: string }[]).map((e) => e.commit)).toEqual([v3, v2, v1]);
    const r = cfgtrail(['history', 'l', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const values = (JSON.parse(r.stdout) as { values: { value?: unknown; change: { commit: string } }[] }).values;
    expect(values.map((v) => [v.change.commit, v.value])).toEqual([[v3, [1, 2, 3]], [v2, [3, 2, 1]], [v1, [1, 2, 3]]]);
  });
});
