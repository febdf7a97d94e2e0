import { useEffect, useState } from 'react';

/** Clear the screen and home the cursor. */
const CLEAR = '\x1b[2J\x1b[H';

/**
 * The terminal's size, following resizes; 80×24 when the stream does not
 * say. On a resize the screen is cleared first: a frame drawn for the old
 * height scrolls the terminal when it shrinks, and ink would then draw the
 * next frame below lines it can no longer erase.
 */
export function useTerminalSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => {
      stdout.write(CLEAR);
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
