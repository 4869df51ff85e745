// Importing this module registers every column.
export {extraProcessColumns, processColumns} from './process.js'

export * from './registry.js'
