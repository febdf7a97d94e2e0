import { randomBytes } from 'node:crypto';
import { BugError } from '../errors.js';

const CHANGE_ID = /^I[0-9a-f]{16}$/;
const ID_BYTES = 8;

/**
 * A new Change-Id: `I` and 16 lowercase hex digits (64 random bits).
 * @param random source of at least 8 random bytes; injectable for tests.
 * @default random `crypto.randomBytes`
 * @example generateChangeId(() => Buffer.alloc(8, 0xab)) // 'Iabababababababab'
 */
export function generateChangeId(random: () => Buffer = () => randomBytes(ID_BYTES)): string {
  const bytes = random();
  if (bytes.length < ID_BYTES) throw new BugError(`change id needs ${ID_BYTES} random bytes, got ${bytes.length}`);
  return `I${bytes.subarray(0, ID_BYTES).toString('hex')}`;
}

/** Whether `s` has the shape of a Change-Id made by {@link generateChangeId}. */
export function isChangeId(s: string): boolean {
  return CHANGE_ID.test(s);
}
