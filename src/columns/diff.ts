import {defineColumn} from './registry.js'

export const changeColumn = defineColumn({
  description: 'diff: started (not in the first snapshot) or exited (not in the second)',
  header: 'CHANGE',
  id: 'change',
  kind: 'string',
})
