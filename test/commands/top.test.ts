// proc top through a real pseudo-terminal (test/helpers/pty-driver.py): the screen fits, keys
// work, the terminal is restored on every way out, and k kills exactly the process picked.

import {strict as assert} from 'node:assert'
import {execFile, execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {constants, tmpdir} from 'node:os'

import {BIN, ROOT, runCli} from '../helpers/cli.js'
import {canUnshare, inPidNamespace} from '../helpers/namespace.js'
import {isAlive, startProcess} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface PtyRun {
  code: number | null
  output: string
  marks: number[]
}

/** Wait ms (or, with text, until the screen shows it), run a shell command, resize, signal, type keys. */
type Step = [number, string | null, string | null, number | null, (string | null)?, (string | null)?]

function inPty(args: string[], steps: Step[], size = {cols: 80, rows: 24}): Promise<PtyRun> {
  const spec = {argv: [process.execPath, BIN, ...args], cols: size.cols, rows: size.rows, steps, timeout: 20}
  return new Promise((resolve, reject) => {
    execFile('python3', [path.join(ROOT, 'test/helpers/pty-driver.py')], {env: {...process.env, NO_COLOR: '1', PTY_SPEC: JSON.stringify(spec)}, maxBuffer: 64 * 1024 * 1024}, (error, stdout) => {
      if (error && !stdout) reject(error)
      else resolve(JSON.parse(stdout) as PtyRun)
    })
  })
}

const plain = (s: string) => s.replaceAll(/\u001B\[[0-9;?]*[A-Za-z]/g, '')

/** The whole frames drawn (each from the cursor's home to the erase below it), as lines without escapes. */
function frames(output: string): string[][] {
  return output
    .split('\u001B[H')
    .slice(1)
    .filter((f) => f.includes('\u001B[J'))
    .map((f) => plain(f.slice(0, f.indexOf('\u001B[J')).replaceAll('\r', '')).split('\n'))
}

describe('proc top', function () {
  this.timeout(60_000)

  for (const size of [{cols: 80, rows: 24}, {cols: 200, rows: 50}]) {
    it(`fits a ${size.cols}x${size.rows} screen: summary and header on top, rows cut to the screen; q restores the terminal`, async () => {
      const r = await inPty(['top', '-d', '0.5'], [[1800, 'q', null, null]], size)
      assert.equal(r.code, 0, r.output.slice(-500))
      assert.ok(r.output.startsWith('\u001B[?1049h'), 'the alternate screen')
      assert.ok(r.output.endsWith('\u001B[?25h\u001B[?1049l'), 'left, with the cursor back')
      const last = frames(r.output).at(-1)!
      assert.ok(last.length <= size.rows, `${last.length} lines`)
      assert.ok(last.every((l) => l.length <= size.cols), last.find((l) => l.length > size.cols))
      assert.match(last[0], /^proc top - \d\d:\d\d:\d\d up /)
      assert.match(last[1], /^Tasks: \d+ total/)
      assert.match(last[3], /100% = one core/)
      assert.match(last[4], /^\s*PID USER\s+%CPU %MEM/)
    })
  }

  it('redraws at once on a resize', async () => {
    const r = await inPty(['top', '-d', '5'], [[1500, null, '30x100', null], [400, 'q', null, null]])
    // A mark may fall inside an escape sequence: look from a few bytes before it.
    const after = r.output.slice(r.marks[0] - 8, r.marks[1])
    assert.ok(after.includes('\u001B[H'), 'a frame drawn within 400 ms of the resize, not at the next 5 s refresh')
    const frame = frames(after).at(-1)!
    assert.ok(frame.length <= 30 && frame.length > 24, `${frame.length} lines`)
  })

  it('Ctrl-C, TERM and HUP each leave the screen and exit; TSTP leaves it, CONT takes it back', async () => {
    for (const [keys, signal] of [['\u0003', null], [null, constants.signals.SIGTERM], [null, constants.signals.SIGHUP]] as const) {
      const r = await inPty(['top', '-d', '0.5'], [[1200, keys, null, signal]])
      assert.ok(r.output.endsWith('\u001B[?25h\u001B[?1049l'), `${keys ? 'Ctrl-C' : signal}: ${JSON.stringify(r.output.slice(-80))}`)
    }

    const stopped = await inPty(['top', '-d', '0.5'], [[1200, null, null, constants.signals.SIGTSTP], [500, null, null, constants.signals.SIGCONT], [800, 'q', null, null]])
    const tail = stopped.output.slice(stopped.marks[0] - 16)
    const left = tail.indexOf('\u001B[?1049l')
    const back = tail.indexOf('\u001B[?1049h', left)
    assert.ok(left >= 0, 'left the alternate screen when stopped')
    assert.ok(back > left && stopped.marks[0] - 16 + back >= stopped.marks[1], 'back only after CONT')
    assert.ok(!tail.slice(left, back).includes('proc top - '), 'nothing drawn while stopped')
    assert.equal(stopped.code, 0)
  })

  it('/ filters with --match or --where; a bad --where shows an error in the view', async () => {
    const mark = `topflt${process.pid}`
    const child = startProcess('sh', ['-c', `sleep 300; : ${mark}`])
    await sleep(200)
    const r = await inPty(['top', '-d', '0.5'], [[1200, `/${mark}\r`, null, null], [800, '/rssBytes > 1Q\r', null, null], [600, 'q', null, null]])
    const filtered = frames(r.output.slice(r.marks[0], r.marks[1])).at(-1)!
    assert.ok(filtered.some((l) => l.includes(`${child.pid} `)), filtered.join('\n'))
    assert.ok(filtered.filter((l) => /^\s*\d+ /.test(l)).length <= 2, 'the filter leaves the match (and the filtering proc, if any)')
    const bad = frames(r.output.slice(r.marks[1])).flat()
    assert.ok(bad.some((l) => /filter not applied: .*1Q/.test(l)), bad.join('\n'))
    assert.equal(r.code, 0)
  })

  it('k signals exactly the process that was selected, identity-checked, and says so', async () => {
    const mark = `topkill${process.pid}`
    const target = startProcess('sh', ['-c', `sleep 300; : ${mark}`])
    await sleep(200)
    const r = await inPty(['top', '-d', '0.5', '--match', mark], [[1500, 'k', null, null], [300, '\r', null, null], [1500, 'q', null, null]])
    for (let i = 0; i < 200 && isAlive(target.pid!); i++) await sleep(10)
    assert.ok(!isAlive(target.pid!), 'the selected process ended')
    assert.ok(frames(r.output).flat().some((l) => new RegExp(`${target.pid}: 1 signalled`).test(l)), 'the status line reports it')
  })

  it('k signals the process selected when k was pressed, though the rows re-sort before Enter', async () => {
    const mark = `topresort${process.pid}`
    // One spins (on top of a %CPU sort, so selected); the other idles until USR1 makes it spin.
    const first = startProcess(process.execPath, ['-e', 'for (;;) {}', mark])
    const second = startProcess(process.execPath, ['-e', "process.on('SIGUSR1', () => { for (;;) {} }); setInterval(() => {}, 1000)", mark])
    // Past their start-up, whose CPU would count in the first interval.
    await sleep(1000)
    const r = await inPty(
      ['top', '-d', '0.5', '--match', mark],
      [
        [0, 'k', null, null, `${second.pid} `, null],
        // The prompt names the spinner: now it stops (0% CPU) and the other spins, so the rows swap.
        [0, null, null, null, `signal ${first.pid} `, `kill -s STOP ${first.pid}; kill -s USR1 ${second.pid}`],
        [1500, '\r', null, null, null, null],
        [0, 'q', null, null, `${first.pid}: 1 signalled`, null],
      ],
      {cols: 120, rows: 24},
    )
    const between = frames(r.output.slice(r.marks[1], r.marks[2]))
    const order = (frame: string[]) => frame.filter((l) => /^\s*\d+ /.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]))
    assert.ok(between.some((f) => order(f)[0] === second.pid), 'the other one moved to the top while the prompt was open')
    assert.ok(frames(r.output).flat().some((l) => l.includes(`${first.pid}: 1 signalled`)), 'the status line reports the one picked')
    // TERM waits in a stopped process until it runs again.
    process.kill(first.pid!, 'SIGCONT')
    for (let i = 0; i < 300 && isAlive(first.pid!); i++) await sleep(10)
    assert.ok(!isAlive(first.pid!), 'the process picked ended')
    assert.ok(isAlive(second.pid!), 'the one that moved under the cursor did not')
    second.kill('SIGKILL')
    assert.equal(r.code, 0)
  })

  it('k on a process whose pid was recycled before Enter sends nothing, and says so (pid namespace)', async function () {
    if (!canUnshare()) this.skip()
    const spec = (a: string) =>
      JSON.stringify({
        argv: [process.execPath, BIN, 'top', '-d', '0.5', '--pid', a],
        cols: 120,
        rows: 24,
        steps: [
          [0, 'k', null, null, `${a} `, null],
          // The prompt names it: now it ends and another process takes its pid.
          [0, null, null, null, `signal ${a} `, `kill -s KILL ${a}; while [ -e /proc/${a}/stat ] && ! grep -q ') Z' /proc/${a}/stat; do sleep 0.01; done; sleep 0.1; echo $((${a} - 1)) > /proc/sys/kernel/ns_last_pid; sleep 1002 >/dev/null 2>&1 & echo $! > recycled`],
          [0, '\r', null, null, null, null],
          [0, 'q', null, null, `${a}: 1 reused`, null],
        ],
        timeout: 20,
      })
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-top-'))
    writeFileSync(path.join(dir, 'spec'), spec('PIDA'))
    const node = JSON.stringify(process.execPath)
    const r = await inPidNamespace(`
      cd ${JSON.stringify(dir)}
      sleep 1001 & A=$!
      sleep 0.2
      PTY_SPEC=$(sed "s/PIDA/$A/g" spec) python3 ${JSON.stringify(path.join(ROOT, 'test/helpers/pty-driver.py'))} > out.json
      B=$(cat recycled 2>/dev/null)
      echo "A=$A B=$B"
      kill -0 "$B" 2>/dev/null && echo alive
      ${node} -e 'const o = JSON.parse(require("fs").readFileSync("out.json", "utf8")); console.log("code=" + o.code); console.log(o.output.includes(process.argv[1] + ": 1 reused") ? "reported" : "not reported")' $A
    `)
    rmSync(dir, {force: true, recursive: true})
    if (!/A=(\d+) B=\1\b/.test(r.stdout)) this.skip()
    assert.match(r.stdout, /alive/, r.stdout + r.stderr)
    assert.match(r.stdout, /reported/)
    assert.match(r.stdout, /code=0/)
  })

  it('k takes a ladder: TERM ignored, KILL a second later, and the status says killed', async () => {
    const mark = `topladder${process.pid}`
    const target = startProcess('sh', ['-c', `trap '' TERM; while :; do sleep 0.1; done; : ${mark}`])
    await sleep(200)
    const r = await inPty(
      ['top', '-d', '0.5', '--pid', String(target.pid)],
      [
        [0, 'k', null, null, `${target.pid} `, null],
        [0, 'TERM,1s,KILL\r', null, null, `signal ${target.pid} `, null],
        [0, 'q', null, null, `${target.pid}: 1 killed`, null],
      ],
      {cols: 120, rows: 24},
    )
    for (let i = 0; i < 200 && isAlive(target.pid!); i++) await sleep(10)
    assert.ok(!isAlive(target.pid!))
    assert.ok(frames(r.output).flat().some((l) => l.includes(`${target.pid}: 1 killed`)), 'the status line says KILL ended it')
    assert.equal(r.code, 0, r.output.slice(-400))
  })

  it('T ends the selected tree', async () => {
    const mark = `toptree${process.pid}`
    const root = startProcess('sh', ['-c', `sleep 300 & sleep 300 & wait; : ${mark}`])
    await sleep(300)
    const r = await inPty(['top', '-d', '0.5', '--match', mark], [[1500, 'T', null, null], [300, '\r', null, null], [1500, 'q', null, null]])
    for (let i = 0; i < 300 && isAlive(root.pid!); i++) await sleep(10)
    assert.ok(!isAlive(root.pid!))
    assert.ok(frames(r.output).flat().some((l) => new RegExp(`tree of ${root.pid}: 3 signalled`).test(l)), frames(r.output).flat().filter((l) => l.includes('tree')).join('\n'))
  })

  it('--watch shares the screen: the title names the filters, the header stays on top, the rows are cut to the terminal', async () => {
    const r = await inPty(['list', '--watch', '300ms', '--user', 'root'], [[1500, '\u0003', null, null]])
    const frame = frames(r.output).at(-1)!
    assert.ok(frame.length <= 24, `${frame.length} lines`)
    assert.ok(frame.every((l) => l.length <= 80))
    assert.match(frame[0], /^Every 300ms: proc list --watch 300ms --user root/)
    assert.match(frame[1], /%CPU over the interval/)
    assert.match(frame[3], /^\s*PID\s+PPID USER/)
    assert.ok(r.output.endsWith('\u001B[?1049l'))
  })

  it('--watch cut at the bottom says how many lines it hides', async () => {
    const mark = `watchcut${process.pid}`
    for (let i = 0; i < 10; i++) startProcess('sh', ['-c', `sleep 300; : ${mark}`])
    await sleep(200)
    const r = await inPty(['list', '--watch', '300ms', '--match', mark], [[0, 'q', null, null, 'more line(s) below', null]], {cols: 80, rows: 10})
    const frame = frames(r.output).at(-1)!
    assert.equal(frame.length, 10, frame.join('\n'))
    // 3 title lines, the header, 10 rows: 14 lines on 10, so the last shows 5 more.
    assert.equal(frame[9], '\u2026 5 more line(s) below')
    assert.equal(r.code, 0)
  })

  it('--watch on a terminal quits on q, leaving the screen and raw mode', async () => {
    for (const command of ['list', 'tree']) {
      const r = await inPty([command, '--watch', '300ms'], [[0, 'q', null, null, 'Every 300ms', null]])
      assert.equal(r.code, 0, `${command}: ${r.output.slice(-300)}`)
      assert.ok(r.output.endsWith('\u001B[?1049l'), `${command}: ${JSON.stringify(r.output.slice(-60))}`)
    }
  })

  it('-b -n 2 writes two frames; --format ndjson one record a line with its frame', async () => {
    const b = await runCli(['top', '-b', '-n', '2', '-d', '0.2'])
    assert.equal(b.code, 0, b.stderr)
    assert.equal(b.stdout.match(/^proc top - /gm)?.length, 2)
    const nd = await runCli(['top', '-b', '-n', '2', '-d', '0.2', '--format', 'ndjson'])
    const lines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as {cpuPercent: number; frame: number})
    assert.deepEqual([...new Set(lines.map((l) => l.frame))], [1, 2])
    assert.ok(lines.every((l) => typeof l.cpuPercent === 'number'))
  })

  it('%CPU is over the interval: a busy loop shows near 100, an idle sleeper 0', async () => {
    const mark = `topcpu${process.pid}`
    const busy = startProcess(process.execPath, ['-e', 'for (;;) {}', mark])
    const idle = startProcess('sh', ['-c', `sleep 300; : ${mark}`])
    await sleep(300)
    const nd = await runCli(['top', '-b', '-n', '1', '-d', '1', '--format', 'ndjson', '--match', mark])
    const rows = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as {cpuPercent: number; pid: number})
    // Two CPU hogs may share this 2-core machine with the suite: the loop gets a core's share.
    assert.ok(rows.find((r) => r.pid === busy.pid)!.cpuPercent > 30, JSON.stringify(rows))
    assert.equal(rows.find((r) => r.pid === idle.pid)!.cpuPercent, 0)
  })

  it('%CPU agrees with top over the same interval: a busy loop and an idle sleeper', async function () {
    if (spawnSync('top', ['-v']).status !== 0) this.skip()
    const mark = `topvs${process.pid}`
    const busy = startProcess(process.execPath, ['-e', 'for (;;) {}', mark])
    const idle = startProcess('sh', ['-c', `sleep 300; : ${mark}`])
    await sleep(300)
    const pids = [busy.pid!, idle.pid!]
    // Side by side over the same two frames a second apart; top with no user settings (HOME).
    const home = mkdtempSync(path.join(tmpdir(), 'proc-top-home-'))
    const [theirs, ours] = await Promise.all([
      new Promise<string>((resolve) => execFile('top', ['-b', '-d', '1', '-n', '2', '-p', pids.join(',')], {env: {...process.env, HOME: home}}, (_e, out) => resolve(out))),
      runCli(['top', '-b', '-d', '1', '-n', '2', ...pids.flatMap((p) => ['--pid', String(p)]), '--format', 'ndjson', '-c', 'pid,cpu']),
    ])
    rmSync(home, {force: true, recursive: true})
    const lastFrame = theirs.slice(theirs.lastIndexOf('%CPU'))
    const topCpu = (pid: number) => Number(new RegExp(`^\\s*${pid}\\s+(?:\\S+\\s+){7}([\\d.]+)`, 'm').exec(lastFrame)![1])
    const procCpu = (pid: number) => (ours.stdout.trim().split('\n').map((l) => JSON.parse(l)) as Array<{cpuPercent: number; frame: number; pid: number}>).find((r) => r.frame === 2 && r.pid === pid)!.cpuPercent
    // Two frames a second apart are not the same second to the millisecond, and two CPU hogs
    // may share the machine: a few points apart, never a different story.
    assert.ok(Math.abs(topCpu(busy.pid!) - procCpu(busy.pid!)) <= 20, `top ${topCpu(busy.pid!)}, proc ${procCpu(busy.pid!)}`)
    assert.ok(procCpu(busy.pid!) > 30)
    assert.equal(topCpu(idle.pid!), 0)
    assert.equal(procCpu(idle.pid!), 0)
  })

  it('t shows the tree: children under their parent, the marks explained; --pid follows one tree', async () => {
    const mark = `toptv${process.pid}`
    const root = startProcess('sh', ['-c', `sleep 301 & sleep 302 & wait; : ${mark}`])
    for (let i = 0; i < 300 && kids(root.pid!).length < 2; i++) await sleep(10)
    const r = await inPty(['top', '-d', '0.5', '--pid', String(root.pid)], [[1500, 't', null, null], [800, 'q', null, null]])
    const list = frames(r.output.slice(0, r.marks[0])).at(-1)!
    const tree = frames(r.output.slice(r.marks[0])).at(-1)!
    const rows = (frame: string[]) => frame.filter((l) => /^\s*\d+ /.test(l))
    assert.equal(rows(list).length, 3, list.join('\n'))
    assert.match(tree[3], /; tree: \+ new, x ended; \? help$/)
    const [first, ...children] = rows(tree)
    assert.match(first, new RegExp(`^\\s*${root.pid} .*sh -c sleep 301`))
    assert.match(children[0], /├─ sleep 30[12]$/)
    assert.match(children[1], /└─ sleep 30[12]$/)
    assert.equal(r.code, 0)
  })

  it('H shows one row a thread, with its TID', async () => {
    const child = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)', `topth${process.pid}`])
    await sleep(300)
    const r = await inPty(['top', '-d', '0.5', '--pid', String(child.pid)], [[1500, 'H', null, null], [1500, 'q', null, null]])
    const rows = (frame: string[]) => frame.filter((l) => /^\s*\d+ /.test(l))
    const before = frames(r.output.slice(0, r.marks[0])).at(-1)!
    const after = frames(r.output.slice(r.marks[0])).at(-1)!
    assert.equal(rows(before).length, 1, before.join('\n'))
    assert.match(after[4], /^\s*PID\s+TID USER/)
    assert.ok(rows(after).length > 1, after.join('\n'))
    assert.ok(rows(after).every((l) => l.trim().startsWith(`${child.pid} `)))
    assert.ok(rows(after).some((l) => new RegExp(`^\\s*${child.pid}\\s+${child.pid} `).test(l)), 'the main thread')
  })

  it('--tree -b --format ndjson: a process that started is marked in the next frame, one that ended is shown once more, marked', async () => {
    const mark = `toptreeb${process.pid}`
    // A root that starts a sleeper for each line it reads, and reaps each as it ends (node does).
    const script = "process.stdin.on('data', () => require('child_process').spawn('sleep', ['300'], {stdio: 'ignore'}))"
    const root = startProcess(process.execPath, ['-e', script, mark], {stdio: ['pipe', 'ignore', 'ignore']})
    root.stdin!.write('\n')
    for (let i = 0; i < 300 && kids(root.pid!).length < 1; i++) await sleep(10)
    const [first] = kids(root.pid!)
    const top = spawn(process.execPath, [BIN, 'top', '-b', '--tree', '--pid', String(root.pid), '-d', '0.2', '--format', 'ndjson'], {stdio: ['ignore', 'pipe', 'inherit']})
    const seen: Array<{change?: string; frame: number; pid: number}> = []
    let second: number | undefined
    let buffer = ''
    try {
      await new Promise<void>((resolve, reject) => {
        top.once('exit', (code) => reject(new Error(`proc top exited ${code}`)))
        top.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString()
          const lines = buffer.split('\n')
          buffer = lines.pop()!
          for (const line of lines) seen.push(JSON.parse(line))
          // Once a frame has shown the first sleeper, start a second one and end the first.
          if (second === undefined && seen.some((l) => l.pid === first)) {
            root.stdin!.write('\n')
            for (let i = 0; i < 1000 && kids(root.pid!).length < 2; i++) execFileSync('sleep', ['0.01'])
            second = kids(root.pid!).find((p) => p !== first)
            process.kill(first, 'SIGKILL')
          }

          const started = seen.find((l) => l.pid === second && l.change === 'started')
          const ended = seen.find((l) => l.pid === first && l.change === 'ended')
          if (started && ended) resolve()
        })
      })
    } finally {
      top.kill()
    }

    // Only the followed tree; each change once, in the frame after it; the ended one then gone.
    assert.deepEqual([...new Set(seen.map((l) => l.pid))].sort(), [root.pid, first, second].sort())
    const ended = seen.find((l) => l.pid === first && l.change === 'ended')!
    assert.equal(seen.filter((l) => l.change === 'ended').length, 1)
    assert.ok(!seen.some((l) => l.pid === first && l.frame > ended.frame))
    assert.equal(seen.filter((l) => l.pid === second && l.change === 'started').length, 1)
  })
})

/** Children of pid, now. */
function kids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number)
  } catch {
    return []
  }
}
