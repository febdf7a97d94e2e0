/**
 * Loads the TUI (ink, React and the browser's components) on demand. In the
 * build this module is replaced by a require of dist/tui-load.cjs, whose
 * import() of dist/tui.mjs runs in a real CommonJS module (the CLI bundle runs
 * in a vm.Script, where import() is not available): see scripts/build.mjs.
 */
export function loadTui(): Promise<typeof import('../tui/render.js')> {
  return import('../tui/render.js');
}
