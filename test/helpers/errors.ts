/** What `fn` throws, or undefined when it returns: for checking an error's code, message and data. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
