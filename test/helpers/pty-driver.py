# Run a command in a real pseudo-terminal of a given size, feed it keys on a schedule, and print
# what it wrote and how it ended, as JSON: the terminal tests' driver (proc top, --watch).
#   PTY_SPEC='{"argv": [...], "rows": 24, "cols": 80, "steps": [[ms, "keys" | null, "RxC" | null, signal | null, "text" | null, "command" | null], ...], "timeout": 20}' python3 pty-driver.py
# Each step waits ms (reading what comes), or, with "text", until the screen has shown that text
# since the step before (at most the timeout); then runs a shell command, resizes, sends a signal,
# and types its keys.
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

# The spec comes in the environment, not argv: a test's marker must not show in this process's command line.
spec = json.loads(os.environ['PTY_SPEC'])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec['argv'][0], spec['argv'])

def resize(rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', spec.get('rows', 24), spec.get('cols', 80), 0, 0))
out = b''
marks = []
status = None

def pump(seconds):
    global out, status
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], max(0, min(0.05, end - time.time())))
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            if not data:
                return False
            out += data
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
    return True

import subprocess

def plain(data):
    import re
    return re.sub(r'\x1b\[[0-9;?]*[A-Za-z]', '', data.decode('utf-8', 'replace'))

for step in spec['steps']:
    ms, keys = step[0], step[1]
    if len(step) > 4 and step[4]:
        since = len(out)
        deadline = time.time() + spec.get('timeout', 20)
        while step[4] not in plain(out[since:]) and time.time() < deadline:
            if not pump(0.05):
                break
    else:
        pump(ms / 1000)
    marks.append(len(out.decode('utf-8', 'replace')))
    if len(step) > 5 and step[5]:
        subprocess.run(['sh', '-c', step[5]], check=False)
    if len(step) > 2 and step[2]:
        rows, cols = map(int, step[2].split('x'))
        resize(rows, cols)
    if len(step) > 3 and step[3]:
        os.kill(pid, step[3])
    if keys:
        os.write(fd, keys.encode('latin1'))
deadline = time.time() + spec.get('timeout', 20)
while status is None and time.time() < deadline:
    if not pump(0.1):
        break
if status is None:
    try:
        done, st = os.waitpid(pid, 0 if time.time() < deadline else os.WNOHANG)
        if done:
            status = st
    except ChildProcessError:
        pass
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status) if status is not None else None
print(json.dumps({'code': code, 'marks': marks, 'output': out.decode('utf-8', 'replace')}))
