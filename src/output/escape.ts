/**
 * What a terminal must never be handed raw: control characters (C0, DEL, C1: ESC moves the
 * cursor, retitles the window, clears the screen), Unicode format characters (bidi overrides and
 * isolates that reverse text, zero-width spaces and joiners, the BOM) and line and paragraph
 * separators. A process name or an input echoed in an error may hold any of them.
 */
let unsafe: RegExp | undefined

/** Printable ASCII, the common case, is safe; only other text needs the Unicode classes (0.2 ms to build). */
const PRINTABLE = /^[\x20-\x7e]*$/

/** Whether text holds anything `escapeControl` would change. */
export function hasUnsafe(text: string): boolean {
  if (PRINTABLE.test(text)) return false
  unsafe ??= /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu
  unsafe.lastIndex = 0
  return unsafe.test(text)
}

/**
 * Make text safe for a terminal: each unsafe character is shown as a visible escape (\n, \t,
 * \r, \x1b, \u202e), so a process name can never move the cursor, colour the screen or reorder
 * what is shown. JSON and NDJSON keep the exact text; only terminal output goes through here.
 */
export function escapeControl(text: string): string {
  if (!hasUnsafe(text)) return text
  return text.replace(unsafe!, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\t') return '\\t'
    if (c === '\r') return '\\r'
    const code = c.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
