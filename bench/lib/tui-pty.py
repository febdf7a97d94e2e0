"""Drives `cfgtrail tui` in a pseudo-terminal and times it (bench/lib/tui-bench.mjs runs this).

Usage: tui-pty.py COLS ROWS KEYS_JSON -- COMMAND...
Prints JSON: {"firstScreenMs", "firstScreenCpuMs", "keys": [{"key", "ms"}], "exit"}. The first screen is
the first moment the output holds the status bar's position ("1/N") and the hint
line; a key's time runs from writing it to the first output that shows its
effect (the expected text given with the key). With no keys, it quits as soon as
the first screen is up. `firstScreenCpuMs`: the process's user + system time when
the first screen was seen (/proc, 10 ms ticks): what starting and drawing it cost,
whatever the load of the machine.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

cols, rows, keys = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
cmd = sys.argv[sys.argv.index('--') + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
start = time.monotonic()
buf = b''

def read_until(pred, timeout):
    global buf
    end = time.monotonic() + timeout
    while not pred(buf):
        left = end - time.monotonic()
        if left <= 0:
            raise SystemExit(json.dumps({'error': 'timeout', 'tail': buf[-2000:].decode('utf8', 'replace')}))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                raise SystemExit(json.dumps({'error': 'exited', 'tail': buf[-2000:].decode('utf8', 'replace')}))
    return time.monotonic()

def settle(quiet=0.15, limit=5.0):
    """Waits until nothing was written for `quiet` seconds (the detail pane has loaded)."""
    global buf
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            return
        buf += os.read(fd, 65536)

t = read_until(lambda b: b'q quit' in b and b'/' in b and b'\xe2\x94\x82 1/' in b, 30)
first = (t - start) * 1000
with open(f'/proc/{pid}/stat') as f:
    fields = f.read().rsplit(')', 1)[1].split()
first_cpu = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK')
if keys:
    settle()
results = []
for k in keys:
    buf = b''
    sent = time.monotonic()
    os.write(fd, k['send'].encode())
    t = read_until(lambda b: k['expect'].encode() in b, 10)
    results.append({'key': k['name'], 'ms': (t - sent) * 1000})
    settle()
os.write(fd, b'q')
_, status = os.waitpid(pid, 0)
print(json.dumps({'firstScreenMs': first, 'firstScreenCpuMs': first_cpu, 'keys': results, 'exit': os.waitstatus_to_exitcode(status)}))
