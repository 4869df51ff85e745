// Text wrapped between words: --columns help, kill -l.

/** Words into lines of at most `width` (none: one line), the lines after the first indented. */
export function wrapWords(text: string, width: number | undefined, indent = 0): string {
  if (width === undefined || width < 20 || text.length <= width) return text
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }

  return [...lines, line].join('\n' + ' '.repeat(indent))
}
