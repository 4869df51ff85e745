import {type ColumnDef, findColumn, isNumeric} from '../columns/index.js'
import {UsageError} from './errors.js'
import type {Field} from './process-info.js'
import {unitFactor} from './units.js'

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
 * Fields are column ids or aliases (pid, rssBytes, rss, cpu, name, command...). Numbers take
 * duration units (ms s m h d, to milliseconds) or size units (B kB MB GB TB powers of 1000,
 * KiB MiB GiB TiB powers of 1024, to bytes). A comparison with a null field is false, except
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
        regex = new RegExp(source, flags)
      } catch (error) {
        return fail(col, `invalid regex: ${(error as Error).message}`)
      }

      tokens.push({col, text: expr.slice(i, j + 1 + flags.length), type: 'regex', value: regex})
      i = j + 1 + flags.length
      continue
    }

    const num = /^(\d+(?:\.\d+)?|\.\d+)([a-z]*)/i.exec(expr.slice(i))
    if (num) {
      let value = Number(num[1])
      if (num[2] !== '') {
        const factor = unitFactor(num[2])
        if (factor === undefined) fail(col + num[1].length, `unknown unit '${num[2]}'`)
        value *= factor!
      }

      tokens.push({col, text: num[0], type: 'number', value})
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

type Operand = {column: ColumnDef; kind: 'field'; token: Token} | {kind: 'literal'; token: Token; value: unknown}

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
    const matched = b instanceof RegExp ? b.test(asText(a)) : asText(a).includes(asText(b))
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
        const column = findColumn(t.text)
        if (!column) return fail(t, `unknown field '${t.text}'`)
        for (const f of column.needs) needs.add(f)
        return {column, kind: 'field', token: t}
      }

      default: {
        return fail(t, `expected a field or a value, found ${describe(t)}`)
      }
    }
  }

  const check = (left: Operand, op: Token, right: Operand) => {
    if (left.kind === 'literal' && right.kind === 'literal') fail(left.token, 'a comparison needs a field on one side')
    if (op.text === '~' || op.text === '!~') {
      if (right.kind === 'field' || !(right.value instanceof RegExp || typeof right.value === 'string')) {
        fail(right.token, `'${op.text}' needs a /regex/ or a string on its right`)
      }

      return
    }

    if (right.kind === 'literal' && right.value instanceof RegExp) fail(right.token, `a regex needs '~' or '!~', not '${op.text}'`)
    for (const [field, other] of [
      [left, right],
      [right, left],
    ]) {
      if (field.kind === 'field' && isNumeric(field.column) && other.kind === 'literal' && typeof other.value === 'string') {
        if (other.value.trim() === '' || Number.isNaN(Number(other.value))) {
          fail(other.token, `'${field.token.text}' is a number, ${other.token.text} is not`)
        }

        other.value = Number(other.value)
      }
    }
  }

  const read = (o: Operand) =>
    o.kind === 'field' ? (r: Record<string, unknown>) => o.column.value(r) : () => (o as {value: unknown}).value

  const comparison = (): Predicate => {
    const left = operand()
    const op = next()
    if (op.type !== 'op') fail(op, `expected an operator (== != < <= > >= ~ !~), found ${describe(op)}`)
    const right = operand()
    check(left, op, right)
    const a = read(left)
    const b = read(right)
    const sym = op.text
    return (r) => compare(sym, a(r), b(r))
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
