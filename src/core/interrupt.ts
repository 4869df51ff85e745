// "While this runs, INT and TERM mean stop": the one helper for the phases that end early on
// Ctrl-C or TERM and then report what they did so far (a converging kill, spawn's leak phase,
// --watch). proc top quits on them instead, with the terminal to restore: it keeps its own.

/** What a phase sees of an interruption. */
export interface Interrupt {
  /** INT or TERM has come. */
  readonly stopped: boolean
  /** Aborted when INT or TERM comes: for waits that should end at once. */
  readonly signal: AbortSignal
}

export interface InterruptOptions {
  /** Other signals to catch and ignore meanwhile (their default would end proc). */
  hold?: readonly NodeJS.Signals[]
  /** Called once, when INT or TERM first comes. */
  onStop?: () => void
}

/** Run `phase` with INT and TERM turned into a stop flag; the handlers go when it ends, however it ends. */
export async function untilInterrupted<T>(phase: (interrupt: Interrupt) => Promise<T>, options: InterruptOptions = {}): Promise<T> {
  const controller = new AbortController()
  const stop = () => {
    if (controller.signal.aborted) return
    controller.abort()
    options.onStop?.()
  }

  const ignore = () => {}
  const held = options.hold ?? []
  for (const s of held) process.on(s, ignore)
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    return await phase({
      get stopped() {
        return controller.signal.aborted
      },
      signal: controller.signal,
    })
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    for (const s of held) process.off(s, ignore)
  }
}
