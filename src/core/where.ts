import {allColumns, type ColumnDef, isNumeric} from '../columns/index.js'
import {UsageError} from './errors.js'
import type {Field} from './process-info.js'
import {parseRegex, stateValue} from './patterns.js'
import {parseSpan} from './units.js'

/**
 * The --where expression language.
 *
 *   expr       := orExpr
 *   orExpr     := andExpr (("or" | "||") andExpr)*
 *   andExpr    := notExpr (("and" | "&&") notExpr)*
 *   notExpr    := ("not" | "!") notExpr | "(" expr ")" | comparison
 *   comparison := operand ("==" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~") operand
 *   operand    := field | number[unit] | "string" | 'string' | /regex/flags | null | true | false
 *
 * Fields are column ids and their lowercase aliases (pid, rssBytes, rss, cpu, name, command...),
 * spelled exactly; table headers (S, PID) are not fields, and an unknown bare word is an error
 * (text goes in quotes), except a state letter or name compared with `state`. Units are typed by
 * the field: durations (ms s m h d, combined as 1h30m) only on time spans, sizes (B; K M G T in
 * powers of 1024 as the table prints them; KB MB GB TB powers of 1000; KiB MiB GiB TiB) only on
 * byte fields; a bare number is the field's raw unit. `~` and `!~` take a regular expression,
 * "..." or /.../flags, as in awk. Time fields compare as instants (ISO-8601, or
 * YYYY-MM-DD[ HH:MM[:SS]] in local time). A comparison with a null field is false, except
 * `== null`, `!= null` and `!~`.
 */

export type Predicate = (record: Record<string, unknown>) => boolean

export interface CompiledWhere {
  test: Predicate
  needs: Set<Field>
}

type TokenType = 'and' | 'eof' | 'ident' | 'lparen' | 'not' | 'number' | 'op' | 'or' | 'regex' | 'rparen' | 'string'

interface Token {
  type: TokenType
  text: string
  /** 1-based column in the expression. */
  col: number
  value?: unknown
}

class WhereSyntaxError extends UsageError {
  constructor(expr: string, col: number, message: string) {
    super(`--where: ${message} at column ${col}: ${expr}`)
  }
}

const OPERATORS = ['==', '!=', '<=', '>=', '!~', '&&', '||', '=', '<', '>', '~', '!']

function tokenize(expr: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const fail = (col: number, message: string): never => {
    throw new WhereSyntaxError(expr, col, message)
  }

  while (i < expr.length) {
    const ch = expr[i]
    const col = i + 1
    if (/\s/.test(ch)) {
      i++
      continue
    }

    if (ch === '(' || ch === ')') {
      tokens.push({col, text: ch, type: ch === '(' ? 'lparen' : 'rparen'})
      i++
      continue
    }

    if (ch === '"' || ch === "'") {
      let j = i + 1
      let text = ''
      while (j < expr.length && expr[j] !== ch) {
        if (expr[j] === '\\' && j + 1 < expr.length) j++
        text += expr[j]
        j++
      }

      if (j >= expr.length) fail(col, 'unterminated string')
      tokens.push({col, text: expr.slice(i, j + 1), type: 'string', value: text})
      i = j + 1
      continue
    }

    if (ch === '/') {
      let j = i + 1
      let source = ''
      while (j < expr.length && expr[j] !== '/') {
        if (expr[j] === '\\' && j + 1 < expr.length) {
          source += expr[j]
          j++
        }

        source += expr[j]
        j++
      }

      if (j >= expr.length) fail(col, 'unterminated regex')
      const flags = /^[a-z]*/.exec(expr.slice(j + 1))![0]
      let regex: RegExp
      try {
        regex = parseRegex(source, '--where', flags)
      } catch (error) {
        return fail(col, (error as Error).message.replace(/^--where: /, ''))
      }

      tokens.push({col, text: expr.slice(i, j + 1 + flags.length), type: 'regex', value: regex})
      i = j + 1 + flags.length
      continue
    }

    const num = /^(?:(?:\d+(?:\.\d+)?|\.\d+)[a-z]*)+/i.exec(expr.slice(i))
    if (num) {
      // The unit is read once the field on the other side says what kind of number this is.
      tokens.push({col, text: num[0], type: 'number', value: /^(\d+(?:\.\d+)?|\.\d+)$/.test(num[0]) ? Number(num[0]) : undefined})
      i += num[0].length
      continue
    }

    const ident = /^[a-z_][\w.]*/i.exec(expr.slice(i))
    if (ident) {
      const word = ident[0].toLowerCase()
      const type: TokenType = word === 'and' ? 'and' : word === 'or' ? 'or' : word === 'not' ? 'not' : 'ident'
      tokens.push({col, text: ident[0], type})
      i += ident[0].length
      continue
    }

    const op = OPERATORS.find((o) => expr.startsWith(o, i))
    if (op) {
      const type: TokenType = op === '&&' ? 'and' : op === '||' ? 'or' : op === '!' ? 'not' : 'op'
      tokens.push({col, text: op, type})
      i += op.length
      continue
    }

    fail(col, `unexpected character '${ch}'`)
  }

  tokens.push({col: expr.length + 1, text: 'end of expression', type: 'eof'})
  return tokens
}

type Operand = {column: ColumnDef; kind: 'field'; token: Token} | {kind: 'literal'; token: Token; value: unknown} | {kind: 'word'; token: Token}

function describe(t: Token): string {
  return t.type === 'eof' ? 'end of expression' : `'${t.text}'`
}

function asText(v: unknown): string {
  return Array.isArray(v) ? v.join(' ') : String(v)
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) {
    const an = a === null || a === undefined
    const bn = b === null || b === undefined
    if (op === '==' || op === '=') return an && bn
    if (op === '!=') return an !== bn
    return op === '!~'
  }

  if (op === '~' || op === '!~') {
    const matched = (b as RegExp).test(asText(a))
    return op === '~' ? matched : !matched
  }

  let x: number | string
  let y: number | string
  if (typeof a === 'number' && typeof b === 'number') {
    x = a
    y = b
  } else if (typeof a === 'boolean' || typeof b === 'boolean') {
    x = String(a)
    y = String(b)
  } else {
    x = asText(a)
    y = asText(b)
  }

  switch (op) {
    case '=':
    case '==': {
      return x === y
    }

    case '!=': {
      return x !== y
    }

    case '<': {
      return x < y
    }

    case '<=': {
      return x <= y
    }

    case '>': {
      return x > y
    }

    default: {
      return x >= y
    }
  }
}

/** Parse and compile an expression; throws UsageError pointing at the column of the mistake. */
export function compileWhere(expr: string): CompiledWhere {
  const tokens = tokenize(expr)
  const needs = new Set<Field>()
  let pos = 0
  const peek = () => tokens[pos]
  const next = () => tokens[pos++]
  const fail = (t: Token, message: string): never => {
    throw new WhereSyntaxError(expr, t.col, message)
  }

  const operand = (): Operand => {
    const t = next()
    switch (t.type) {
      case 'number':
      case 'string':
      case 'regex': {
        return {kind: 'literal', token: t, value: t.value}
      }

      case 'ident': {
        const word = t.text.toLowerCase()
        if (word === 'null') return {kind: 'literal', token: t, value: null}
        if (word === 'true' || word === 'false') return {kind: 'literal', token: t, value: word === 'true'}
        const column = whereField(t.text)
        if (!column) return {kind: 'word', token: t}
        for (const f of column.needs) needs.add(f)
        return {column, kind: 'field', token: t}
      }

      default: {
        return fail(t, `expected a field or a value, found ${describe(t)}`)
      }
    }
  }

  /** A number literal against a field of this kind: its unit read as that kind's. */
  const typedNumber = (column: ColumnDef, field: Token, t: Token): number => {
    const text = t.text
    const kind = column.kind
    if (kind === 'time') return fail(t, `'${field.text}' is a time: compare it with a date in quotes, e.g. "2026-11-25 03:27"`)
    if (typeof t.value === 'number') return t.value
    if (kind === 'duration' || kind === 'cputime') {
      const ms = parseSpan(text)
      if (ms === undefined) return fail(t, `'${text}' is not a duration: '${field.text}' takes ms s m h d (1h30m), or a bare number of milliseconds`)
      return ms
    }

    if (kind === 'bytes') {
      const m = /^(\d+(?:\.\d+)?|\.\d+)([a-z]+)$/i.exec(text)
      const factor = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined
      if (!m || factor === undefined) return fail(t, `'${text}' is not a size: '${field.text}' takes B, K M G T (1024), KB MB GB TB (1000), KiB MiB GiB TiB, or a bare number of bytes`)
      return Number(m[1]) * factor
    }

    return fail(t, `'${field.text}' is a ${KIND_WORDS[kind] ?? kind}: units apply to durations and sizes only; use a bare number`)
  }

  const check = (left: Operand, op: Token, right: Operand) => {
    // Bare words: a state letter or name next to `state`, true or false next to a yes/no field;
    // anything else is a mistake.
    for (const [word, other] of [
      [right, left],
      [left, right],
    ] as const) {
      if (word.kind !== 'word') continue
      const state =
        other.kind !== 'field'
          ? undefined
          : other.column.id === 'state'
            ? stateValue(word.token.text)
            : other.column.kind === 'boolean' && /^(true|false)$/.test(word.token.text)
              ? word.token.text === 'true'
              : undefined
      if (state === undefined) fail(word.token, `unknown field '${word.token.text}' (text needs quotes: "${word.token.text}"; --columns help lists the fields)`)
      Object.assign(word, {kind: 'literal', value: state})
    }

    if (left.kind !== 'field' && right.kind !== 'field') fail(left.token, 'a comparison needs a field on one side')
    if (left.kind === 'field' && right.kind === 'field' && left.column === right.column) {
      fail(right.token, `'${left.token.text}' is compared with itself (a value in text needs quotes: "${right.token.text}")`)
    }

    if (op.text === '~' || op.text === '!~') {
      const r = right as Operand
      if (r.kind === 'field' || !(r.kind === 'literal' && (r.value instanceof RegExp || typeof r.value === 'string'))) {
        fail(r.token, `'${op.text}' needs a regular expression on its right: "..." or /.../`)
      }

      if (typeof (r as {value: unknown}).value === 'string') {
        const source = (r as {value: string}).value
        try {
          ;(r as {value: unknown}).value = parseRegex(source, '--where')
        } catch (error) {
          fail(r.token, (error as Error).message.replace(/^--where: /, ''))
        }
      }

      return
    }

    if (right.kind === 'literal' && right.value instanceof RegExp) fail(right.token, `a regex needs '~' or '!~', not '${op.text}'`)
    for (const [field, other] of [
      [left, right],
      [right, left],
    ] as const) {
      if (field.kind !== 'field' || other.kind !== 'literal') continue
      if (other.token.type === 'number') {
        other.value = isNumeric(field.column) || field.column.kind === 'time' ? typedNumber(field.column, field.token, other.token) : other.token.text
      } else if (field.column.kind === 'time' && typeof other.value === 'string') {
        const at = parseInstant(other.value)
        if (at === undefined) fail(other.token, `${other.token.text} is not a time: use ISO-8601 or "YYYY-MM-DD HH:MM[:SS]" (local time)`)
        other.value = at
      } else if (isNumeric(field.column) && typeof other.value === 'string') {
        if (other.value.trim() === '' || Number.isNaN(Number(other.value))) {
          fail(other.token, `'${field.token.text}' is a number, ${other.token.text} is not`)
        }

        other.value = Number(other.value)
      }
    }
  }

  const read = (o: Operand) => {
    if (o.kind !== 'field') return () => (o as {value: unknown}).value
    if (o.column.kind === 'time') {
      // Instants: the field's ISO-8601 text as milliseconds since the epoch.
      return (r: Record<string, unknown>) => {
        const v = o.column.value(r)
        return typeof v === 'string' ? Date.parse(v) : v
      }
    }

    return (r: Record<string, unknown>) => o.column.value(r)
  }

  const comparison = (): Predicate => {
    const left = operand()
    const op = next()
    if (op.type !== 'op') fail(op, `expected an operator (== != < <= > >= ~ !~), found ${describe(op)}`)
    const right = operand()
    check(left, op, right)
    const a = read(left)
    const b = read(right)
    const sym = op.text
    const isNull = (o: Operand) => o.kind === 'literal' && o.value === null
    if (isNull(left) || isNull(right)) return (r) => compare(sym, a(r), b(r))
    // An unknown (null) field compares false with any value, except under !~.
    return (r) => {
      const x = a(r)
      const y = b(r)
      if (x === null || x === undefined || y === null || y === undefined) return sym === '!~'
      return compare(sym, x, y)
    }
  }

  const primary = (): Predicate => {
    const t = peek()
    if (t.type === 'not') {
      next()
      const inner = primary()
      return (r) => !inner(r)
    }

    if (t.type === 'lparen') {
      next()
      const inner = orExpr()
      const close = next()
      if (close.type !== 'rparen') fail(close, `expected ')', found ${describe(close)}`)
      return inner
    }

    return comparison()
  }

  const andExpr = (): Predicate => {
    let left = primary()
    while (peek().type === 'and') {
      next()
      const l = left
      const r = primary()
      left = (x) => l(x) && r(x)
    }

    return left
  }

  function orExpr(): Predicate {
    let left = andExpr()
    while (peek().type === 'or') {
      next()
      const l = left
      const r = andExpr()
      left = (x) => l(x) || r(x)
    }

    return left
  }

  if (peek().type === 'eof') fail(peek(), 'empty expression')
  const test = orExpr()
  if (peek().type !== 'eof') fail(peek(), `unexpected ${describe(peek())}`)
  return {needs, test}
}

/** Size units, case-insensitive: single letters as the table prints (1024), KB... SI, KiB... IEC. */
const BYTE_UNITS: Record<string, number> = {
  b: 1,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
  k: 1024,
  kb: 1e3,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  t: 1024 ** 4,
  tb: 1e12,
  tib: 1024 ** 4,
}

const KIND_WORDS: Partial<Record<string, string>> = {count: 'count', id: 'number (an id)', list: 'list', percent: 'percentage', string: 'text'}


/** ISO-8601 (with its zone, or local without), or `YYYY-MM-DD[ HH:MM[:SS]]` local: ms since the epoch. */
export function parseInstant(text: string): number | undefined {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(text.trim())
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', ms = '0'] = local
    const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number(ms.padEnd(3, '0')))
    return date.getMonth() === Number(mo) - 1 && date.getDate() === Number(d) ? date.getTime() : undefined
  }

  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : at
}

/** A field of --where: a column id or one of its lowercase aliases, spelled exactly. */
function whereField(word: string): ColumnDef | undefined {
  return allColumns().find((c) => c.id === word || c.aliases.includes(word))
}
