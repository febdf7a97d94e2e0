import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashObject, openObjectStore, writeLooseObject } from '../../../src/core/git/objects.js';
import { parseTree, readTreeRecursive, serializeTree, type TreeEntry } from '../../../src/core/git/tree.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

describe('tree codec', () => {
  it('parses and re-serializes every tree of a repo byte for byte', () => {
    const { dir } = tempRepo();
    buildHistory(dir, 5);
    const trees = [...readAllWithGit(dir)].filter(([, o]) => o.type === 'tree');
    expect(trees.length).toBeGreaterThan(5);
    for (const [oid, { content }] of trees) {
      const entries = parseTree(content);
      const lsTree = git(dir, ['ls-tree', oid]).split('\n').map((l) => {
        const [meta, name] = l.split('\t');
        const [mode, , eoid] = meta!.split(' ');
        return { mode: mode!.replace(/^040000$/, '40000'), path: name!, oid: eoid! };
      });
      expect(entries).toEqual(lsTree);
      expect(serializeTree([...entries].reverse()).equals(content)).toBe(true);
    }
  });

  it('sorts like git mktree (a subtree name compares as name + "/")', () => {
    const { dir, gitdir } = tempRepo();
    const blob = writeLooseObject(gitdir, 'blob', Buffer.from('x\n'));
    const sub = writeLooseObject(gitdir, 'tree', serializeTree([{ mode: '100644', path: 'f', oid: blob }]));
    const entries: TreeEntry[] = [
      { mode: '100644', path: 'a.b', oid: blob },
      { mode: '40000', path: 'a', oid: sub },
      { mode: '100644', path: 'a-', oid: blob },
      { mode: '100755', path: 'a0', oid: blob },
      { mode: '120000', path: 'Z', oid: blob },
      { mode: '40000', path: 'a.b.c', oid: sub },
      { mode: '100644', path: 'ünï', oid: blob },
    ];
    const mktreeInput = entries.map((e) => `${e.mode === '40000' ? '040000 tree' : `${e.mode} blob`} ${e.oid}\t${e.path}`).join('\n');
    const expected = git(dir, ['mktree'], `${mktreeInput}\n`);
    expect(hashObject('tree', serializeTree(entries))).toBe(expected);
  });

  it('flattens a tree like git ls-tree -r', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 2);
    fs.mkdirSync(path.join(dir, 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'b', 'c', 'deep.yaml'), 'k: v\n');
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-qm', 'deep']);
    const flat = readTreeRecursive(openObjectStore(gitdir), git(dir, ['rev-parse', 'HEAD^{tree}']));
    const expected = new Map(git(dir, ['ls-tree', '-r', 'HEAD']).split('\n').map((l) => {
      const [meta, name] = l.split('\t');
      const [mode, , oid] = meta!.split(' ');
      return [name!, { mode: mode!, oid: oid! }];
    }));
    expect(flat).toEqual(expected);
    expect(flat.get('a/b/c/deep.yaml')?.mode).toBe('100644');
    expect(flat.get('link.yaml')?.mode).toBe('120000');
    expect(flat.get('run.sh')?.mode).toBe('100755');
  });
});
