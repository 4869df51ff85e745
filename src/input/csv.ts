/**
 * An RFC 4180 CSV parser: quoted fields may hold commas, quotes ("") and newlines.
 * Returns rows of cells; throws on an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let i = 0
  let quoted = false
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }

        quoted = false
        i++
        const after = text[i]
        if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
          throw new Error(`CSV: unexpected '${after}' after a closing quote on line ${rows.length + 1}`)
        }

        continue
      }

      cell += c
      i++
      continue
    }

    if (c === '"' && cell === '') {
      quoted = true
      i++
    } else if (c === ',') {
      row.push(cell)
      cell = ''
      i++
    } else if (c === '\n' || c === '\r') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
    } else {
      cell += c
      i++
    }
  }

  if (quoted) throw new Error(`CSV: unterminated quoted field on line ${rows.length + 1}`)
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }

  return rows
}
