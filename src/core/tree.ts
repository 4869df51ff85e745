/**
 * The parent/child index of a process table: children by parent, descendants, ancestors.
 * Shared by `tree`, `kill --tree` and spawn's leak finder.
 *
 * A process whose parent is not in the table becomes a root; so does one that started before
 * its recorded parent (the parent's pid was reused), and one caught in a cycle (bad data).
 * Every walk is iterative and visits each process once.
 */
export interface TreeNode {
  pid: number
  ppid: number | null
  startTicks: number | null
}

export class ProcessTree<T extends TreeNode> {
  private readonly byPid = new Map<number, T>()
  private readonly parentOf = new Map<number, T>()
  private readonly kids = new Map<number, T[]>()
  private readonly rootList: T[] = []

  constructor(records: Iterable<T>, order: (a: T, b: T) => number = (a, b) => a.pid - b.pid) {
    for (const r of records) this.byPid.set(r.pid, r)
    for (const r of this.byPid.values()) {
      const parent = r.ppid === null ? undefined : this.byPid.get(r.ppid)
      // A child cannot be older than its parent: the parent's pid now belongs to another process.
      if (!parent || parent === r || (r.startTicks !== null && parent.startTicks !== null && r.startTicks < parent.startTicks)) {
        this.rootList.push(r)
        continue
      }

      this.parentOf.set(r.pid, parent)
      const list = this.kids.get(parent.pid)
      if (list) list.push(r)
      else this.kids.set(parent.pid, [r])
    }

    for (const list of this.kids.values()) list.sort(order)

    // Whatever no root reaches sits on a cycle: cut it at its first member (in `order`). Each
    // process is in one list of children, so a walk from the roots meets each at most once, and
    // needs to remember what it met only when it did not meet them all.
    if (this.countReached() < this.byPid.size) {
      const reached = new Set<number>()
      for (const root of this.rootList) this.markReached(root, reached)
      const stranded = [...this.byPid.values()].filter((r) => !reached.has(r.pid)).sort(order)
      for (const r of stranded) {
        if (reached.has(r.pid)) continue
        const parent = this.parentOf.get(r.pid)!
        this.parentOf.delete(r.pid)
        const siblings = this.kids.get(parent.pid)!
        siblings.splice(siblings.indexOf(r), 1)
        this.rootList.push(r)
        this.markReached(r, reached)
      }
    }

    this.rootList.sort(order)
  }

  get size(): number {
    return this.byPid.size
  }

  get(pid: number): T | undefined {
    return this.byPid.get(pid)
  }

  /** The parent in the tree (not merely the recorded ppid). */
  parent(pid: number): T | undefined {
    return this.parentOf.get(pid)
  }

  children(pid: number): readonly T[] {
    return this.kids.get(pid) ?? []
  }

  roots(): readonly T[] {
    return this.rootList
  }

  /** Everything under pid, depth-first (parents before children), pid itself excluded. */
  descendants(pid: number): T[] {
    const out: T[] = []
    this.walk(this.children(pid), (node) => {
      out.push(node)
    })
    return out
  }

  /** The parent, its parent, ... up to the root. */
  ancestors(pid: number): T[] {
    const out: T[] = []
    const seen = new Set<number>([pid])
    for (let p = this.parentOf.get(pid); p && !seen.has(p.pid); p = this.parentOf.get(p.pid)) {
      seen.add(p.pid)
      out.push(p)
    }

    return out
  }

  /**
   * Depth-first walk from `starts` (depth 0), over the children that `include` lets through.
   * The visitor sees each node once; returning false skips the node's children.
   */
  walk(starts: readonly T[], visit: (node: T, depth: number) => boolean | void, include: (node: T) => boolean = () => true): void {
    const seen = new Set<number>()
    // Two stacks, nodes and their depths: no object a node.
    const nodes: T[] = []
    const depths: number[] = []
    for (let i = starts.length - 1; i >= 0; i--) {
      nodes.push(starts[i])
      depths.push(0)
    }

    while (nodes.length > 0) {
      const node = nodes.pop()!
      const depth = depths.pop()!
      if (seen.has(node.pid)) continue
      seen.add(node.pid)
      if (visit(node, depth) === false) continue
      const children = this.children(node.pid)
      for (let i = children.length - 1; i >= 0; i--) {
        if (!include(children[i])) continue
        nodes.push(children[i])
        depths.push(depth + 1)
      }
    }
  }

  /** How many processes the roots reach. */
  private countReached(): number {
    const stack = [...this.rootList]
    let count = 0
    while (stack.length > 0) {
      const children = this.kids.get(stack.pop()!.pid)
      count++
      if (children) for (let i = 0; i < children.length; i++) stack.push(children[i])
    }

    return count
  }

  private markReached(root: T, reached: Set<number>): void {
    const stack = [root]
    while (stack.length > 0) {
      const node = stack.pop()!
      if (reached.has(node.pid)) continue
      reached.add(node.pid)
      for (const child of this.children(node.pid)) stack.push(child)
    }
  }
}

export interface ForestOptions<T> {
  /** Show only the subtree under this process. */
  rootPid?: number
  /** When given, show the matches with their ancestors (and, with `descendants`, all under them). */
  match?: (record: T) => boolean
  descendants?: boolean
  /** Deepest level shown; the roots are depth 0. */
  maxDepth?: number
  /** Fold identical sibling leaves (same key) into one row, like pstree. Leaves with one key fold into one row; undefined: this leaf never folds. */
  foldKey?: (record: T) => string | undefined
}

export interface TreeRow<T> {
  record: T
  depth: number
  /** For each level down to this row: is it the last of its siblings. Draws the branches. */
  last: readonly boolean[]
  matched: boolean
  /** How many identical sibling leaves this row stands for (1 unless folded). */
  count: number
}

/** Lay out the forest to show, in depth-first order. */
export function layoutForest<T extends TreeNode>(tree: ProcessTree<T>, options: ForestOptions<T> = {}): Array<TreeRow<T>> {
  let starts = tree.roots()
  if (options.rootPid !== undefined) {
    const root = tree.get(options.rootPid)
    starts = root ? [root] : []
  }

  let visible: Set<number> | undefined
  const matched = new Set<number>()
  if (options.match) {
    visible = new Set()
    const within: T[] = []
    tree.walk(starts, (node) => {
      within.push(node)
    })
    const top = new Set(starts.map((s) => s.pid))
    for (const node of within) {
      if (!options.match(node)) continue
      matched.add(node.pid)
      visible.add(node.pid)
      if (!top.has(node.pid)) {
        for (const a of tree.ancestors(node.pid)) {
          if (visible.has(a.pid)) break
          visible.add(a.pid)
          if (top.has(a.pid)) break
        }
      }

      if (options.descendants) for (const d of tree.descendants(node.pid)) visible.add(d.pid)
    }

    starts = starts.filter((s) => visible!.has(s.pid))
  }

  const include = (node: T) => !visible || visible.has(node.pid)
  let rows: Array<TreeRow<T>> = []
  const {foldKey, maxDepth} = options
  tree.walk(
    starts,
    (record, depth) => {
      rows.push({count: 1, depth, last: [], matched: !options.match || matched.has(record.pid), record})
      return maxDepth === undefined || depth < maxDepth
    },
    include,
  )
  if (foldKey) rows = fold(rows, foldKey)
  markLastSiblings(rows)
  return rows
}

/** Among the rows of one parent, leaves with the same key become one row with a count. */
function fold<T extends TreeNode>(rows: Array<TreeRow<T>>, foldKey: (record: T) => string | undefined): Array<TreeRow<T>> {
  const out: Array<TreeRow<T>> = []
  const groups = new Map<string, TreeRow<T>>()
  const path: number[] = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    path.length = row.depth
    const parent = row.depth === 0 ? -1 : path[row.depth - 1]
    path.push(row.record.pid)
    const leaf = i + 1 >= rows.length || rows[i + 1].depth <= row.depth
    const own = leaf ? foldKey(row.record) : undefined
    if (own === undefined) {
      out.push(row)
      continue
    }

    const key = `${parent}\u0000${row.matched}\u0000${own}`
    const group = groups.get(key)
    if (group) {
      group.count++
      continue
    }

    out.push(row)
    groups.set(key, row)
  }

  return out
}

/** Fill each row's `last` flags (is it, and each of its ancestors, the last of its siblings). */
function markLastSiblings<T>(rows: Array<TreeRow<T>>): void {
  const isLast: boolean[] = Array.from({length: rows.length})
  const seenBelow: boolean[] = []
  for (let i = rows.length - 1; i >= 0; i--) {
    const {depth} = rows[i]
    isLast[i] = !seenBelow[depth]
    seenBelow[depth] = true
    seenBelow.length = depth + 1
  }

  // Each row links to its parent row and computes `last` when drawn: a copy of the whole path in
  // every row would be quadratic in the depth (a 100,000-deep chain ran out of memory).
  const path: Array<{isLast: boolean; up: unknown}> = []
  for (const [i, row] of rows.entries()) {
    path.length = row.depth
    const link = {isLast: isLast[i], up: path.at(-1)}
    path.push(link)
    Object.defineProperty(row, 'last', {
      configurable: true,
      enumerable: true,
      get() {
        const out: boolean[] = []
        for (let l: typeof link | undefined = link; l; l = l.up as typeof link | undefined) out.push(l.isLast)
        return out.reverse()
      },
    })
  }
}
