import {defineColumn} from './registry.js'

export const changeColumn = defineColumn({
  description: 'diff and --watch: started (not in the first snapshot) or exited (not in the second)',
  header: 'CHANGE',
  commands: ['diff', 'list --watch', 'tree --watch'],
  id: 'change',
  kind: 'string',
})
