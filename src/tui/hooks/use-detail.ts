import { useEffect, useRef, useState } from 'react';
import type { Browser, ChangeDetail } from '../../ops/browse.js';
import { messageOf } from './use-history.js';

/** How long the selection must rest before its detail loads: holding j does not load every row. */
export const DETAIL_DELAY_MS = 40;

type Loaded = { detail: ChangeDetail } | { error: string };

/**
 * The selected change's detail, loaded on demand after the selection rests
 * (the list has re-rendered by then) and cached per commit, diff side and
 * `version` (bumped when history or the live files changed).
 */
export function useDetail(browser: Browser, commit: string | null, against: 'parent' | 'live', version: number): { detail: ChangeDetail | null; error: string | null; loading: boolean } {
  const cache = useRef(new Map<string, Loaded>());
  const key = commit === null ? null : `${version}\t${against}\t${commit}`;
  const [, setTick] = useState(0);
  useEffect(() => {
    if (key === null || cache.current.has(key)) return;
    let live = true;
    const timer = setTimeout(() => {
      browser.detail(commit!, against).then(
        (detail) => remember(cache.current, key, { detail }),
        (e: unknown) => remember(cache.current, key, { error: messageOf(e) }),
      ).finally(() => live && setTick((t) => t + 1));
    }, DETAIL_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [browser, key]);
  const got = key === null ? undefined : cache.current.get(key);
  if (!got) return { detail: null, error: null, loading: key !== null };
  return 'detail' in got ? { detail: got.detail, error: null, loading: false } : { detail: null, error: got.error, loading: false };
}

/** Details kept; the oldest goes first. */
const CACHE_SIZE = 200;

function remember(cache: Map<string, Loaded>, key: string, value: Loaded): void {
  cache.set(key, value);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}
