// Importing this module registers every column.
export {processColumns} from './process.js'

export * from './registry.js'
