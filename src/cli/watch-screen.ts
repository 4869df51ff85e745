// --watch on list and tree: a frame every interval until Ctrl-C or TERM. On a terminal the
// frame keeps its top (title, header) and is cut at the bottom, as top and watch(1) do; in a pipe
// each frame follows the last; NDJSON streams a `change: started | exited` line per process.

import {intervalCpu} from '../core/snapshot.js'
import {untilInterrupted} from '../core/interrupt.js'
import type {ProcessInfo} from '../core/process-info.js'
import {UsageError} from '../core/errors.js'
import {parseDuration} from '../core/units.js'
import {watch} from '../core/watch.js'
import {escapeControl} from '../output/escape.js'
import {ndjsonLine} from '../output/render.js'
import {isTerminal} from '../output/stdio.js'

import type {OutputPlan} from './context.js'

/**
 * `--watch`: take a snapshot every interval until Ctrl-C or TERM. With NDJSON, stream one
 * `change: started | exited` line per process that comes or goes. On a terminal, redraw in place
 * on the alternate screen (restored on exit). In a pipe, print each frame after the last.
 */
export async function watchLoop(
  write: (text: string) => void,
  interval: string,
  plan: OutputPlan,
  take: () => Promise<ProcessInfo[]>,
  draw: (records: ProcessInfo[]) => Promise<string>,
): Promise<void> {
  const intervalMs = parseDuration(interval, '--watch')
  if (intervalMs <= 0) throw new UsageError(`--watch: the interval must be more than 0`)
  const screen = plan.format === 'table' && isTerminal(1)
  const columns = {columns: plan.columns, project: plan.explicitColumns}
  // The title names the whole command line (its filters too), as watch(1) does.
  const words = escapeControl(['proc', ...process.argv.slice(2)].join(' '))
  let previous: ProcessInfo[] | undefined
  let shown: ProcessInfo[] | undefined
  // A screen keeps its top (title, summary, header) and cuts the bottom, as top and watch do,
  // drawn in one write; a resize redraws at once.
  const paint = async (records: ProcessInfo[]) => {
    const text = await draw(records)
    const title = [`Every ${interval}: ${words}`, `${new Date().toLocaleTimeString()}; %CPU over the interval, 100% = one core`, '']
    const rows = process.stdout.rows || 24
    const width = process.stdout.columns || 80
    const all = [...title, ...text.replace(/\n$/, '').split('\n')]
    const lines = all.slice(0, rows).map((l) => (l.length > width && !l.includes('\u001B') ? l.slice(0, width) : l))
    // Cut at the bottom, saying how much: the last line counts what does not fit.
    if (all.length > rows) lines[rows - 1] = `\u2026 ${all.length - rows + 1} more line(s) below`.slice(0, width)
    write('\u001B[H' + lines.map((l) => `${l}\u001B[K`).join('\n') + '\u001B[J')
  }

  const onResize = () => shown && void paint(shown)
  if (screen) {
    write('\u001B[?1049h')
    process.stdout.on('resize', onResize)
  }

  // On a terminal, q (or Esc, or Ctrl-C, which raw mode turns into a key) quits, as in top.
  const quit = new AbortController()
  const keys = screen && process.stdin.isTTY === true
  const onKey = (text: string | undefined, key: {ctrl?: boolean; name?: string} | undefined) => {
    if (text === 'q' || key?.name === 'escape' || (key?.ctrl && key.name === 'c')) quit.abort()
  }

  if (keys) {
    const {emitKeypressEvents} = await import('node:readline')
    emitKeypressEvents(process.stdin)
    process.stdin.setRawMode(true)
    process.stdin.resume()
    process.stdin.on('keypress', onKey)
  }

  try {
    await untilInterrupted((interrupt) => {
      interrupt.signal.addEventListener('abort', () => quit.abort())
      return watch(take, intervalMs, async (records, events) => {
        if (plan.format === 'ndjson') {
          for (const e of events) write(ndjsonLine(e, columns))
          return
        }

        // %CPU over the last interval, as top shows it (a listing's own is over the lifetime).
        intervalCpu(previous, records, previous ? intervalMs : 0)
        previous = records
        shown = records
        if (screen) await paint(records)
        else write((await draw(records)) + (plan.format === 'table' ? '\n' : ''))
      }, quit.signal)
    })
  } finally {
    if (keys) {
      process.stdin.off('keypress', onKey)
      process.stdin.setRawMode(false)
      process.stdin.pause()
    }

    if (screen) {
      write('\u001B[?1049l')
      process.stdout.off('resize', onResize)
    }
  }
}
