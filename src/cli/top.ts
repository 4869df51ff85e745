import {cpus, freemem, loadavg, totalmem, uptime} from 'node:os'

import {getColumn, parseColumns} from '../columns/index.js'
import {UsageError} from '../core/errors.js'
import {killPicked} from '../core/kill-one.js'
import {FIELDS, type Field, type ProcessInfo} from '../core/process-info.js'
import {buildSelection, type Selection} from '../core/select.js'
import {parseLadder, parseSignal, simpleLadder} from '../core/signals.js'
import {parseSort, sortRecords, type SortKey} from '../core/sort.js'
import {layoutForest, ProcessTree} from '../core/tree.js'
import type {ProcessSource} from '../core/sources/index.js'
import {fillFields, intervalCpu} from '../core/snapshot.js'
import {busyPercent, cpuTimes, formatUptime, taskCounts} from '../core/top.js'
import {formatBytes, optionalDuration} from '../core/units.js'
import {escapeControl} from '../output/escape.js'
import {ndjsonLine, render} from '../output/render.js'
import {isTerminal, terminalColumns} from '../output/stdio.js'
import {ASCII_GLYPHS, type Glyphs, isUtf8Locale, treePrefix, UNICODE_GLYPHS} from '../output/tree.js'
import {parsePid} from './argv.js'
import {selectorFlags, sourceFlags} from './flags.js'

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

const {sample: _sample, ...topSourceFlags} = sourceFlags

const DEFAULT_COLUMNS = 'pid,user,cpu,mem,rss,state,time,command'
/** The keys, as `?` shows them. */
const HELP = [
  'q Esc     quit                 Up Down PgUp PgDn Home End  move the selection',
  'P M T N   sort by %CPU, memory, time, pid       < >  sort by the column left/right   r  reverse',
  '/         filter: a --where expression (rssBytes > 100MB) or a --match regex; empty: none',
  'k         signal the selected process: TERM, or type a signal or a ladder (TERM,5s,KILL)',
  'T         end the selected process and its whole tree (as proc kill --tree --timeout 5s)',
  't         tree view: + marks a process started since the last frame, x one that ended',
  'H         threads: one row a thread, with its TID (k and T act on its process)',
  'K         show or hide kernel threads      p  pause      ? h  this help (any key: back)',
]

export const spec: CommandSpec = {
  id: 'top',
  description: `A live view of processes, like top.

It fits the screen, takes keys, and kills only what you picked. A summary at the top (uptime, load, tasks by state, CPU and memory), a pinned header, and as many rows as fit, sorted by %CPU over the last interval: 100% is one core, as top shows it. The rows are refreshed every --delay (2 s); a resize redraws at once.

Keys: q quit; arrows, PgUp/PgDn, Home/End select; P M T N sort by %CPU, memory, time, pid; < > another column; r reverse; / filter (--where or --match); k signal the selected process; T end its tree; t tree view (+ new since the last frame, x ended); H threads; K kernel threads; p pause; ? help. --pid follows processes and their descendants. A signal from the view goes to the process that was selected when you pressed the key, identity-checked as proc kill checks a record: never to whatever row sits under the cursor later.

With -b (or when stdout is not a terminal) it writes -n frames (default: forever) as plain text, or with --format ndjson one line per process a frame.`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %>', description: 'the live view'},
    {command: '<%= config.bin %> <%= command.id %> -d 1 --user root', description: 'refresh every second, root\'s processes only'},
    {command: '<%= config.bin %> <%= command.id %> -b -n 2 --format ndjson', description: 'two frames, one JSON line a process (scripts)'},
  ],
  flags: {
    ...selectorFlags,
    ...topSourceFlags,
    batch: flag.boolean({char: 'b', description: 'batch mode, as top -b: write frames instead of a live screen'}),
    columns: flag.option({char: 'c', description: `columns (default ${DEFAULT_COLUMNS})`, helpGroup: 'OUTPUT'}),
    delay: flag.option({char: 'd', default: '2s', description: 'time between refreshes (as top -d; a bare number is seconds)'}),
    format: flag.option({description: 'batch output format', helpGroup: 'OUTPUT', options: ['table', 'ndjson']}),
    iterations: flag.option({char: 'n', description: 'frames to write, then exit (as top -n)'}),
    sort: flag.option({char: 's', default: '-cpu', description: 'sort keys, comma-separated; - for descending', helpGroup: 'OUTPUT'}),
    tree: flag.boolean({description: 'start in the tree view (key t): parents above children, + for a process started since the last frame, x for one that ended', helpGroup: 'OUTPUT'}),
  },
  usage: '<%= command.id %> [FLAGS]',
}

/** One refresh: the records with %CPU over the interval, and the machine's summary. */
interface Frame {
  records: ProcessInfo[]
  /** Shown processes that started since the frame before. */
  born: ReadonlySet<ProcessInfo>
  /** Processes shown in the frame before that have ended since: the tree view shows them one frame more. */
  gone: ProcessInfo[]
  /** The fields this frame listed for every process. */
  listed: ReadonlySet<Field>
  summary: string[]
}

/** A process's (or a thread's) identity within a run of frames: its pid, tid and start. */
const startKey = (r: ProcessInfo) => `${r.pid}/${r.tid ?? ''}:${r.startTicks ?? r.startTime ?? ''}`

/** Reads frames: each one's %CPU is measured since the one before. */
class Sampler {
  private previous: ProcessInfo[] | undefined
  private at = 0
  private cpu = cpuTimes(cpus())

  /** What the frame before showed (for what ended since). */
  private shownBefore: ProcessInfo[] = []
  /** One row a thread (H), where the source lists threads. */
  private threadRows = false
  /** Batch mode writes every row: what they show is listed with the rest, in one pass. */
  listShown = false

  constructor(
    private readonly source: ProcessSource,
    /** What every frame lists of every process: what it filters by and measures %CPU with. */
    private readonly base: ReadonlySet<Field>,
    /** What the rows show: read for the rows shown only (fillFields), or listed where the source cannot read a few pids. */
    readonly shownFields: ReadonlySet<Field>,
    /** --pid: only these processes and their descendants. */
    private readonly follow?: readonly number[],
  ) {}

  /** The fields a frame lists: the base, what the order and filter read now, and where needed what the rows show. */
  private fieldsFor(more: Iterable<Field>): Set<Field> {
    // Thread rows carry their process's fields: listed with them.
    return new Set<Field>([...this.base, ...more, ...(this.source.readSome && !this.threadRows && !this.listShown ? [] : this.shownFields)])
  }

  /** Fill in what the rows shown need that the frame did not list. */
  fill(rows: readonly ProcessInfo[], listed: ReadonlySet<Field>): void {
    const missing = new Set([...this.shownFields].filter((f) => !listed.has(f)))
    if (missing.size > 0) fillFields(this.source, rows, missing)
  }

  get threads(): boolean {
    return this.threadRows
  }

  /** Threads on or off: the next frame's %CPU is measured from a new first reading. */
  setThreads(on: boolean): void {
    this.threadRows = on
    this.previous = undefined
    this.shownBefore = []
  }

  /** A first reading for the first frame's %CPU, over a short interval, as top's first frame. */
  async prime(selection: Selection, delayMs: number, more: Iterable<Field> = []): Promise<void> {
    await this.frame(selection, more)
    await sleep(Math.min(delayMs, 500))
  }

  async frame(selection: Selection, more: Iterable<Field> = []): Promise<Frame> {
    const listed = this.fieldsFor(more)
    const records = await this.source.list({fields: listed, threads: this.threadRows})
    const now = performance.now()
    intervalCpu(this.previous, records, this.previous ? now - this.at : 0)
    const before = this.previous === undefined ? undefined : new Set(this.previous.map(startKey))
    this.previous = records
    this.at = now
    const cpu = cpuTimes(cpus())
    const busy = busyPercent(this.cpu, cpu)
    this.cpu = cpu
    const within = this.follow ? followed(records, this.follow) : undefined
    const shown = records.filter((r) => selection.test(r) && (!within || within.has(r.pid)))
    const live = new Set(records.map(startKey))
    const gone = this.shownBefore.filter((r) => !live.has(startKey(r)))
    this.shownBefore = shown
    const born = new Set(before ? shown.filter((r) => !before.has(startKey(r))) : [])
    const tasks = taskCounts(records)
    const load = loadavg().map((l) => l.toFixed(2)).join(', ')
    const used = totalmem() - freemem()
    const clock = new Date().toTimeString().slice(0, 8)
    return {
      born,
      gone,
      listed,
      records: shown,
      summary: [
        `proc top - ${clock} ${formatUptime(uptime())}, load average: ${load}`,
        `Tasks: ${tasks.total} total, ${tasks.running} running, ${tasks.sleeping} sleeping, ${tasks.stopped} stopped, ${tasks.zombie} zombie`,
        `CPU: ${busy}% busy of ${cpus().length} cores   Mem: ${formatBytes(used)} used of ${formatBytes(totalmem())}`,
      ],
    }
  }
}

export async function action(ctx: Context, {flags}: Parsed): Promise<void> {
  const delayMs = optionalDuration(flags.delay, '--delay')!
  if (delayMs < 100) throw new UsageError(`--delay: at least 100ms (got ${flags.delay})`)
  const iterations = flags.iterations === undefined ? undefined : Number(flags.iterations)
  if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 1)) throw new UsageError(`--iterations: '${flags.iterations}' is not a count of frames`)
  const columns = parseColumns(flags.columns ?? DEFAULT_COLUMNS)
  const sort = parseSort(flags.sort)
  // --pid follows: those processes and every descendant, as they come and go.
  const follow = flags.pid?.map((p: string) => parsePid(p, '--pid'))
  const selection = buildSelection(ctx.selectorsFrom({...flags, pid: undefined}))
  const source = ctx.source(flags, selection)
  // Every process: what the selectors read and what %CPU and the tree need (stat, on Linux). The
  // columns shown (and the command k's prompt names) only for the rows on the screen.
  const base = new Set<Field>(['pid', 'ppid', 'startTicks', 'bootId', 'name', 'cpuTimeMs', 'elapsedMs', 'state', ...selection.needs])
  if (source.fields.has('kernelThread')) base.add('kernelThread')
  // NDJSON without --columns writes whole records, as list does.
  const wholeRecords = flags.format === 'ndjson' && flags.columns === undefined
  const shown = new Set<Field>(wholeRecords ? FIELDS : ['command', ...columns.flatMap((c) => c.needs)])
  const sampler = new Sampler(source, base, shown, follow)
  const batch = flags.batch || !isTerminal(1) || !isTerminal(0)
  if (batch) {
    await batchFrames(ctx, sampler, selection, {columns, delayMs, format: flags.format ?? 'table', iterations, project: !wholeRecords, sort, tree: flags.tree})
    return
  }

  if (flags.format === 'ndjson') throw new UsageError('--format ndjson goes with -b (batch mode)')
  await new LiveView(sampler, source, selection, columns, sort, delayMs, iterations, flags.tree).run()
}

async function batchFrames(
  ctx: Context,
  sampler: Sampler,
  selection: Selection,
  o: {columns: ReturnType<typeof parseColumns>; delayMs: number; format: string; iterations?: number; project: boolean; sort: SortKey[]; tree: boolean},
): Promise<void> {
  const sortNeeds = o.sort.flatMap((k) => k.column.needs)
  sampler.listShown = true
  await sampler.prime(selection, o.delayMs, sortNeeds)
  const glyphs = isUtf8Locale() ? UNICODE_GLYPHS : ASCII_GLYPHS
  for (let i = 0; o.iterations === undefined || i < o.iterations; i++) {
    if (i > 0) await sleep(o.delayMs)
    const frame = await sampler.frame(selection, sortNeeds)
    const view: ViewRow[] = o.tree ? forestRows(frame.records, frame.gone, frame.born, o.sort, glyphs) : sortRecords(frame.records, o.sort).map((record) => ({record}))
    if (o.format === 'ndjson') {
      // change: started or ended since the frame before (ended ones are in this frame once more).
      const gone = new Set(frame.gone)
      for (const {record: r} of view) {
        const change = gone.has(r) ? 'ended' : frame.born.has(r) ? 'started' : undefined
        const fields = o.project ? Object.fromEntries(o.columns.map((c) => [c.id, c.value(r as unknown as Record<string, unknown>)])) : r
        ctx.write(ndjsonLine({frame: i + 1, ...fields, ...(change ? {change} : {})}, {columns: o.columns, project: false}))
      }
    } else {
      const table = (await renderView(view, o.columns, terminalColumns())).join('\n')
      ctx.write([...frame.summary, '', table].join('\n') + '\n' + (i + 1 === o.iterations ? '' : '\n'))
    }
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

/** A prompt on the status line: what is typed, and what Enter does with it. */
interface Prompt {
  label: string
  text: string
  done(text: string): Promise<void> | void
}

/** The full-screen view: one frame a write, keys, the terminal restored on every way out. */
class LiveView {
  private frame: Frame | undefined
  private rows: ProcessInfo[] = []
  /** The selected process, by identity (pid and start): it stays selected when the rows re-sort. */
  private selected: ProcessInfo | undefined
  private top = 0
  private status = ''
  private prompt: Prompt | undefined
  private help = false
  private paused = false
  /** Stopped (Ctrl-Z): nothing is drawn until CONT. */
  private suspended = false
  private kernel = true
  private tree: boolean
  private readonly glyphs = isUtf8Locale() ? UNICODE_GLYPHS : ASCII_GLYPHS
  private filter: Selection
  private timer: NodeJS.Timeout | undefined
  private frames = 0
  private quit: (() => void) | undefined
  private readonly out = process.stdout

  constructor(
    private readonly sampler: Sampler,
    private readonly source: ProcessSource,
    private readonly selection: Selection,
    private readonly columns: ReturnType<typeof parseColumns>,
    private sort: SortKey[],
    private readonly delayMs: number,
    private readonly iterations: number | undefined,
    tree: boolean,
  ) {
    this.filter = buildSelection({})
    this.tree = tree
  }

  async run(): Promise<void> {
    const {emitKeypressEvents} = await import('node:readline')
    emitKeypressEvents(process.stdin)
    const done = new Promise<void>((resolve) => (this.quit = resolve))
    const onKey = (text: string | undefined, key: {ctrl?: boolean; name?: string; sequence?: string} | undefined) => void this.key(text, key ?? {})
    const onResize = () => void this.draw()
    const onSignal = () => this.stop()
    const onStop = () => this.suspend()
    const onCont = () => {
      if (!this.suspended) return
      this.suspended = false
      this.enter()
      void this.draw()
    }

    process.stdin.on('keypress', onKey)
    this.out.on('resize', onResize)
    for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(s, onSignal)
    process.on('SIGTSTP', onStop)
    process.on('SIGCONT', onCont)
    const restore = () => this.leave()
    process.on('exit', restore)
    this.enter()
    try {
      await this.refresh(true)
      await done
    } finally {
      if (this.timer) clearTimeout(this.timer)
      process.stdin.off('keypress', onKey)
      this.out.off('resize', onResize)
      for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(s, onSignal)
      process.off('SIGTSTP', onStop)
      process.off('SIGCONT', onCont)
      process.off('exit', restore)
      this.leave()
      process.stdin.pause()
    }
  }

  /** The alternate screen, no cursor, keys one by one. */
  private enter(): void {
    if (process.stdin.isTTY) process.stdin.setRawMode(true)
    process.stdin.resume()
    this.out.write('\u001B[?1049h\u001B[?25l')
  }

  /** Back to the shell's screen and line mode, whatever happened. */
  private leave(): void {
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode(false)
    } catch {}

    this.out.write('\u001B[?25h\u001B[?1049l')
  }

  private stop(): void {
    this.quit?.()
  }

  /** Ctrl-Z, or TSTP from elsewhere: give the shell its screen back, then stop until CONT. */
  private suspend(): void {
    this.suspended = true
    this.leave()
    process.kill(process.pid, 'SIGSTOP')
  }

  private async refresh(first = false): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    if (!this.paused || first) {
      if (first) await this.sampler.prime(this.selection, this.delayMs, this.listNeeds())
      this.frame = await this.sampler.frame(this.selection, this.listNeeds())
      this.frames++
    }

    await this.draw()
    if (this.iterations !== undefined && this.frames >= this.iterations) {
      this.stop()
      return
    }

    this.timer = setTimeout(() => void this.refresh(), this.delayMs)
  }

  /** What every process must be listed with for the order and the filter of the moment. */
  private listNeeds(): Field[] {
    return [...this.sort.flatMap((k) => k.column.needs), ...this.filter.needs]
  }

  /** After the order or the filter changed: a new frame when they read a field the last one did not list. */
  private async reorder(): Promise<void> {
    const listed = this.frame?.listed
    if (listed && this.listNeeds().some((f) => !listed.has(f))) return this.refresh()
    return this.draw()
  }

  private size(): {height: number; width: number} {
    return {height: this.out.rows || 24, width: this.out.columns || 80}
  }

  /** Draw the whole frame in one write: summary, header and rows pinned, cut to the screen. */
  private async draw(): Promise<void> {
    if (!this.frame || this.suspended) return
    const {height, width} = this.size()
    const cut = (line: string) => (line.length > width ? line.slice(0, width) : line)
    const lines: string[] = [...this.frame.summary.map((l) => cut(escapeControl(l)))]
    const sortName = `${this.sort[0]?.descending ? '-' : ''}${this.sort[0]?.column.id ?? ''}`
    // Within 80 columns: what %CPU measures, the order, the tree's marks, how to get help.
    const tree = this.tree && !this.sampler.threads ? `; tree: ${BORN_MARK.trim()} new, ${GONE_MARK.trim()} ended` : ''
    lines.push(cut(`%CPU over ${(this.delayMs / 1000).toFixed(1)}s, 100% = one core; sort ${sortName}${tree}${this.paused ? '; PAUSED' : ''}; ? help`))
    if (this.help) {
      lines.push('', ...HELP.map(cut))
      this.paint(lines, height)
      return
    }

    const keep = (records: readonly ProcessInfo[]) => records.filter((r) => this.filter.test(r) && (this.kernel || r.kernelThread !== true))
    // Threads share their process's pid: the tree view is of processes.
    const view: ViewRow[] = this.tree && !this.sampler.threads
      ? forestRows(keep(this.frame.records), keep(this.frame.gone), this.frame.born, this.sort, this.glyphs)
      : sortRecords(keep(this.frame.records), this.sort).map((record) => ({record}))
    this.rows = view.map((v) => v.record)
    const picked = this.selected && startKey(this.selected)
    let index = picked ? this.rows.findIndex((r) => startKey(r) === picked) : 0
    if (index < 0) index = Math.min(this.rows.length - 1, 0)
    this.selected = this.rows[index]
    const room = Math.max(1, height - lines.length - 2)
    if (index < this.top) this.top = index
    if (index >= this.top + room) this.top = index - room + 1
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.rows.length - room)))
    const columns = this.sampler.threads && !this.columns.some((c) => c.id === 'tid') ? [this.columns[0], getColumn('tid'), ...this.columns.slice(1)] : this.columns
    const visible = view.slice(this.top, this.top + room)
    this.sampler.fill(
      visible.map((v) => v.record),
      this.frame.listed,
    )
    const table = await renderView(visible, columns, width)
    const [header, ...body] = table
    lines.push(`\u001B[7m${cut(header).padEnd(width)}\u001B[0m`)
    for (const [i, line] of body.entries()) lines.push(this.top + i === index ? `\u001B[1;7m${cut(line).padEnd(width)}\u001B[0m` : cut(line))
    while (lines.length < height - 1) lines.push('')
    lines.length = height - 1
    // A prompt longer than the screen keeps its end, where the typing is.
    const prompt = this.prompt ? `${this.prompt.label}${this.prompt.text}` : undefined
    lines.push(prompt === undefined ? cut(this.status) : prompt.length > width ? '\u2026' + prompt.slice(prompt.length - width + 1) : prompt)
    this.paint(lines, height)
  }

  private paint(lines: string[], height: number): void {
    if (this.suspended) return
    const shown = lines.slice(0, height)
    this.out.write('\u001B[H' + shown.map((l) => `${l}\u001B[K`).join('\r\n') + '\u001B[J')
  }

  private async move(to: number): Promise<void> {
    if (this.rows.length === 0) return
    const index = Math.max(0, Math.min(this.rows.length - 1, to))
    this.selected = this.rows[index]
    await this.draw()
  }

  private async key(text: string | undefined, key: {ctrl?: boolean; name?: string; sequence?: string}): Promise<void> {
    if (this.prompt) return this.promptKey(text, key)
    if (this.help) {
      this.help = false
      return this.draw()
    }

    const index = this.selected ? this.rows.indexOf(this.selected) : 0
    const page = Math.max(1, this.size().height - 7)
    if ((key.ctrl && key.name === 'c') || key.name === 'escape' || text === 'q') return this.stop()
    if (key.ctrl && key.name === 'z') return this.suspend()

    switch (key.name) {
      case 'up':
        return this.move(index - 1)
      case 'down':
        return this.move(index + 1)
      case 'pageup':
        return this.move(index - page)
      case 'pagedown':
        return this.move(index + page)
      case 'home':
        return this.move(0)
      case 'end':
        return this.move(this.rows.length - 1)
    }

    switch (text) {
      case '?':
      case 'h':
        this.help = true
        return this.draw()
      case 'p':
        this.paused = !this.paused
        this.status = this.paused ? 'paused: p resumes' : ''
        return this.draw()
      case 'H':
        if (!this.source.threadsOf) {
          this.status = `H: the ${this.source.id} source lists processes, not threads`
          return this.draw()
        }

        this.sampler.setThreads(!this.sampler.threads)
        this.status = this.sampler.threads ? 'threads: one row a thread (k signals its process)' : 'processes'
        return this.refresh(true)
      case 't':
        this.tree = !this.tree
        this.status = this.tree ? 'tree view: parents above their children' : 'list view'
        return this.draw()
      case 'K':
        this.kernel = !this.kernel
        this.status = this.kernel ? 'kernel threads shown' : 'kernel threads hidden'
        return this.draw()
      case 'r':
        this.sort = this.sort.map((k, i) => (i === 0 ? {...k, descending: !k.descending} : k))
        return this.reorder()
      case 'P':
      case 'M':
      case 'T':
      case 'N': {
        if (text === 'T' && this.selected) return this.askKill(true)
        this.sort = parseSort({M: '-mem', N: 'pid', P: '-cpu', T: '-time'}[text])
        return this.reorder()
      }

      case '<':
      case '>': {
        const at = this.columns.findIndex((c) => c.id === this.sort[0]?.column.id)
        const next = this.columns[(at + (text === '>' ? 1 : this.columns.length - 1)) % this.columns.length]
        this.sort = [{column: next, descending: this.sort[0]?.descending ?? true}]
        return this.reorder()
      }

      case '/':
        this.prompt = {
          done: (t) => {
            this.setFilter(t)
            return this.reorder()
          },
          label: 'filter (--where or --match): ',
          text: '',
        }
        return this.draw()
      case 'k':
        if (this.selected) return this.askKill(false)
    }
  }

  /** k and T: the process selected now is the one the signal goes to, whatever the rows do meanwhile. */
  private askKill(tree: boolean): void {
    // A thread's row signals its process: the main thread's row (tid = pid) carries its identity.
    const row = this.selected!
    const picked = row.tid === undefined || row.tid === row.pid ? row : (this.rows.find((r) => r.pid === row.pid && r.tid === row.pid) ?? {...row, startTicks: null, startTime: null, name: null, command: null})
    const what = `${picked.pid} ${escapeControl(picked.name ?? '-')} (${escapeControl((picked.command ?? '').slice(0, 24))})`
    this.prompt = {
      done: async (t) => {
        const word = t.trim() || 'TERM'
        let ladder
        try {
          // A signal, or a ladder as kill --ladder takes it (TERM,5s,KILL).
          ladder = word.includes(',') ? parseLadder(word, 'ladder') : tree ? simpleLadder(parseSignal(word), 5000) : simpleLadder(parseSignal(word))
        } catch (error) {
          this.status = (error as Error).message
          return
        }

        this.status = `signalling ${what}...`
        await this.draw()
        const records = await killPicked(
          this.source,
          {bootId: picked.bootId, command: picked.command, host: picked.host, name: picked.name, pid: picked.pid, startTicks: picked.startTicks, startTime: picked.startTime},
          ladder,
          tree,
        )
        const counts = new Map<string, number>()
        for (const r of records) counts.set(r.status ?? '-', (counts.get(r.status ?? '-') ?? 0) + 1)
        this.status = `${tree ? 'tree of ' : ''}${picked.pid}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`
        await this.refresh()
      },
      label: `${tree ? 'end the tree of' : 'signal'} ${what} [${tree ? 'TERM, KILL after 5s' : 'TERM'}; or a signal, or a ladder as TERM,5s,KILL]: `,
      text: '',
    }
    void this.draw()
  }

  private setFilter(text: string): void {
    const t = text.trim()
    if (t === '') {
      this.filter = buildSelection({})
      this.status = 'no filter'
      return
    }

    // An expression (a comparison, and, or, not) is --where; anything else a --match regex.
    const where = /[=<>~!]|\b(and|or|not)\b/.test(t)
    try {
      this.filter = where ? buildSelection({where: t}) : buildSelection({match: [t]})
      this.status = `filter: --${where ? 'where' : 'match'} ${t}`
    } catch (error) {
      this.status = `filter not applied: ${(error as Error).message}`
    }
  }

  private async promptKey(text: string | undefined, key: {ctrl?: boolean; name?: string}): Promise<void> {
    const prompt = this.prompt!
    if (key.name === 'escape' || (key.ctrl && key.name === 'c')) {
      this.prompt = undefined
      this.status = 'cancelled'
    } else if (key.name === 'return' || key.name === 'enter') {
      this.prompt = undefined
      await prompt.done(prompt.text)
    } else if (key.name === 'backspace') {
      prompt.text = prompt.text.slice(0, -1)
    } else if (text && !key.ctrl && text >= ' ') {
      prompt.text += text
    }

    await this.draw()
  }
}

/** The pids of these processes and all their descendants, in this listing. */
function followed(records: readonly ProcessInfo[], roots: readonly number[]): Set<number> {
  const tree = new ProcessTree(records)
  const out = new Set<number>()
  for (const pid of roots) {
    if (!tree.get(pid)) continue
    out.add(pid)
    for (const d of tree.descendants(pid)) out.add(d.pid)
  }

  return out
}

/** How a row is drawn: the record, and in the tree view the branches and mark before its command. */
interface ViewRow {
  record: ProcessInfo
  prefix?: string
}

/** Marks in the tree view: started since the last frame, and ended since (shown one frame more). */
const BORN_MARK = '+ '
const GONE_MARK = 'x '

/**
 * The rows as a forest: parents before children, siblings in the sort order; the processes that
 * ended since the last frame among them (under their parent while it is listed), marked.
 */
export function forestRows(records: readonly ProcessInfo[], gone: readonly ProcessInfo[], born: ReadonlySet<ProcessInfo>, sort: readonly SortKey[], glyphs: Glyphs): ViewRow[] {
  const ended = new Set(gone)
  const all = sortRecords([...records, ...gone.filter((g) => !records.some((r) => r.pid === g.pid))], sort)
  const rank = new Map(all.map((r, i) => [r, i]))
  const rows = layoutForest(new ProcessTree(all, (a, b) => rank.get(a)! - rank.get(b)!))
  return rows.map((row) => ({
    prefix: treePrefix(row.last, glyphs) + (ended.has(row.record) ? GONE_MARK : born.has(row.record) ? BORN_MARK : ''),
    record: row.record,
  }))
}

/** The table's lines for these rows (header first); in the tree view the COMMAND (or last) column carries the branches. */
async function renderView(rows: readonly ViewRow[], columns: ReturnType<typeof parseColumns>, width: number | undefined): Promise<string[]> {
  const target = columns.find((c) => c.id === 'command') ?? columns.find((c) => c.id === 'name') ?? columns.at(-1)!
  const text = await render(
    rows.map((r) => r.record),
    {
      color: false,
      columns,
      decorate: (i, column, cell) => (column === target && rows[i].prefix ? rows[i].prefix + cell : cell),
      format: 'table',
      header: true,
      leftAligned: new Set([target]),
      project: true,
      width,
    },
  )
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
