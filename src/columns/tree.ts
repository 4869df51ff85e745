import {defineColumn} from './registry.js'

/** Columns that only `proc tree` records carry. */
export const depthColumn = defineColumn({description: 'depth in the tree (roots are 0)', header: 'DEPTH', commands: ['tree'], id: 'depth', kind: 'count'})
export const matchedColumn = defineColumn({
  description: 'whether the process matched the selectors (false: shown as an ancestor)',
  header: 'MATCH',
  commands: ['tree'],
  id: 'matched',
  kind: 'string',
})
