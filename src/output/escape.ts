const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g

/**
 * Make text safe for a terminal: control characters (newlines, tabs, ESC and the C1 set)
 * are shown as escapes, so a process name can never move the cursor or colour the screen.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\t') return '\\t'
    if (c === '\r') return '\\r'
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
}
