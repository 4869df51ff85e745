/**
 * A text cell a spreadsheet would evaluate as a formula (=, +, -, @, tab, CR first, OWASP's list)
 * gets a leading apostrophe; one that already starts with apostrophes before such a character
 * gets one more, so `unescapeCell` can undo exactly this. Numbers are numbers, never touched.
 */
const FORMULA = /^'*[=+\-@\t\r]/

export function escapeCell(text: string): string {
  return FORMULA.test(text) ? `'${text}` : text
}

/** proc's CSV reader undoes `escapeCell`. */
export function unescapeCell(text: string): string {
  return text.startsWith("'") && FORMULA.test(text) ? text.slice(1) : text
}
