import {strict as assert} from 'node:assert'

import {layoutForest, ProcessTree, type TreeNode} from '../../src/core/tree.js'
import {ASCII_GLYPHS, treePrefix, UNICODE_GLYPHS} from '../../src/output/tree.js'

type N = TreeNode & {name: string}
const node = (pid: number, ppid: number | null, name = `p${pid}`, startTicks: number | null = pid): N => ({name, pid, ppid, startTicks})

/** Draw rows as text lines, the way the table does it. */
function draw(rows: ReturnType<typeof layoutForest<N>>): string[] {
  return rows.map((r) => treePrefix(r.last, ASCII_GLYPHS) + (r.count > 1 ? `${r.count}*[${r.record.name}]` : r.record.name))
}

describe('process tree index', () => {
  const forest = [node(1, 0, 'init'), node(10, 1), node(11, 1), node(12, 10), node(13, 12), node(2, 0, 'kthreadd'), node(20, 2), node(30, 999, 'orphan')]

  it('indexes children, roots, descendants and ancestors', () => {
    const tree = new ProcessTree(forest)
    assert.deepEqual(tree.roots().map((r) => r.pid), [1, 2, 30])
    assert.deepEqual(tree.children(1).map((r) => r.pid), [10, 11])
    assert.deepEqual(tree.descendants(1).map((r) => r.pid), [10, 12, 13, 11])
    assert.deepEqual(tree.ancestors(13).map((r) => r.pid), [12, 10, 1])
    assert.deepEqual(tree.ancestors(30), [])
  })

  it('draws a forest with branches', () => {
    assert.deepEqual(draw(layoutForest(new ProcessTree(forest))), [
      'init',
      '|- p10',
      '|  `- p12',
      '|     `- p13',
      '`- p11',
      'kthreadd',
      '`- p20',
      'orphan',
    ])
  })

  it('makes a process whose parent is not visible a root', () => {
    const tree = new ProcessTree([node(5, 4), node(6, 5)])
    assert.deepEqual(tree.roots().map((r) => r.pid), [5])
  })

  it('makes a child older than its parent a root (the parent pid was reused)', () => {
    const tree = new ProcessTree([node(100, 1, 'new-owner-of-100', 9000), node(1, 0, 'init', 1), node(200, 100, 'old-child', 50)])
    assert.deepEqual(tree.roots().map((r) => r.pid), [1, 200])
    assert.deepEqual(tree.children(100), [])
    assert.equal(tree.parent(200), undefined)
  })

  it('breaks a cycle made by bad data instead of hanging or repeating', () => {
    const tree = new ProcessTree([node(7, 9), node(8, 7), node(9, 8), node(10, 9), node(11, 11)])
    assert.deepEqual(tree.roots().map((r) => r.pid), [7, 11])
    assert.deepEqual(tree.descendants(7).map((r) => r.pid), [8, 9, 10])
    assert.deepEqual(tree.ancestors(10).map((r) => r.pid), [9, 8, 7])
    const rows = layoutForest(tree)
    assert.equal(rows.length, 5)
    assert.equal(new Set(rows.map((r) => r.record.pid)).size, 5)
  })

  it('walks a deep chain without recursion', () => {
    const chain = Array.from({length: 20_000}, (_, i) => node(i + 1, i))
    const tree = new ProcessTree(chain)
    assert.equal(tree.descendants(1).length, 19_999)
    assert.equal(tree.ancestors(20_000).length, 19_999)
    const rows = layoutForest(tree, {maxDepth: 3})
    assert.deepEqual(rows.map((r) => r.depth), [0, 1, 2, 3])
  })

  it('handles a wide fan', () => {
    const fan = [node(1, 0), ...Array.from({length: 5000}, (_, i) => node(i + 2, 1, 'worker'))]
    const rows = layoutForest(new ProcessTree(fan))
    assert.equal(rows.length, 5001)
    assert.ok(rows.slice(1, -1).every((r) => r.last.at(-1) === false))
    assert.equal(rows.at(-1)!.last.at(-1), true)
  })

  it('folds identical sibling leaves like pstree, and only leaves', () => {
    const family = [node(1, 0, 'sh'), node(2, 1, 'sleep'), node(3, 1, 'sleep'), node(4, 1, 'make'), node(5, 4, 'cc'), node(6, 1, 'sleep'), node(7, 4, 'cc'), node(8, 1, 'make')]
    const rows = layoutForest(new ProcessTree(family), {foldKey: (r) => r.name})
    assert.deepEqual(draw(rows), ['sh', '|- 3*[sleep]', '|- make', '|  `- 2*[cc]', '`- make'])
    assert.deepEqual(draw(layoutForest(new ProcessTree(family))).length, 8)
  })

  it('shows matches with their ancestors, and their descendants when asked', () => {
    const tree = new ProcessTree(forest)
    const match = (r: N) => r.pid === 12
    assert.deepEqual(draw(layoutForest(tree, {match})), ['init', '`- p10', '   `- p12'])
    const rows = layoutForest(tree, {descendants: true, match})
    assert.deepEqual(draw(rows), ['init', '`- p10', '   `- p12', '      `- p13'])
    assert.deepEqual(rows.map((r) => r.matched), [false, false, true, false])
  })

  it('shows the subtree under a pid', () => {
    assert.deepEqual(draw(layoutForest(new ProcessTree(forest), {rootPid: 10})), ['p10', '`- p12', '   `- p13'])
    assert.deepEqual(layoutForest(new ProcessTree(forest), {rootPid: 12345}), [])
  })

  it('draws box lines or ASCII', () => {
    assert.equal(treePrefix([true, false, true], UNICODE_GLYPHS), '│  └─ ')
    assert.equal(treePrefix([true, true, false], ASCII_GLYPHS), '   |- ')
    assert.equal(treePrefix([true], UNICODE_GLYPHS), '')
  })
})
