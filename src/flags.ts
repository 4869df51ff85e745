import {Flags} from '@oclif/core'

import {FORMATS} from './output/render.js'

/** Flags every command that selects processes shares. Values are validated by the core, not here. */
export const selectorFlags = {
  'include-self': Flags.boolean({description: 'include proc\'s own process (left out by default, like pgrep)', helpGroup: 'SELECT'}),
  match: Flags.string({description: 'regex on the full command line (repeatable)', helpGroup: 'SELECT', multiple: true}),
  name: Flags.string({
    description: 'process name: exact, glob (node*), or /regex/flags (repeatable, comma-separated)',
    helpGroup: 'SELECT',
    multiple: true,
  }),
  'older-than': Flags.string({description: 'started at least this long ago (500ms, 10s, 5m, 2h, 1d)', helpGroup: 'SELECT'}),
  pid: Flags.string({delimiter: ',', description: 'process id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  port: Flags.string({delimiter: ',', description: 'listening on this TCP or UDP port (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  ppid: Flags.string({delimiter: ',', description: 'parent process id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  session: Flags.string({delimiter: ',', description: 'session id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  state: Flags.string({
    delimiter: ',',
    description: 'state letter or name: R running, S sleeping, D disk, Z zombie, T stopped, I idle',
    helpGroup: 'SELECT',
    multiple: true,
  }),
  tty: Flags.string({delimiter: ',', description: 'controlling terminal (pts/0, tty1; ? for none)', helpGroup: 'SELECT', multiple: true}),
  user: Flags.string({delimiter: ',', description: 'user name or uid (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  where: Flags.string({
    description: 'filter expression: rssBytes > 100MB and (name == "node" or command ~ /server/)',
    helpGroup: 'SELECT',
  }),
  'younger-than': Flags.string({description: 'started less than this long ago', helpGroup: 'SELECT'}),
}

/** Output flags shared by every command that prints records. */
export const outputFlags = {
  columns: Flags.string({
    char: 'c',
    description: 'comma-separated columns, e.g. pid,ppid,user,command; "help" lists them all',
    helpGroup: 'OUTPUT',
  }),
  format: Flags.string({
    char: 'f',
    description: 'output format',
    exclusive: ['json'],
    helpGroup: 'OUTPUT',
    options: [...FORMATS],
  }),
  header: Flags.boolean({allowNo: true, default: true, description: 'print the header line (table, CSV)', helpGroup: 'OUTPUT'}),
  json: Flags.boolean({description: 'same as --format json', exclusive: ['format'], helpGroup: 'OUTPUT'}),
  limit: Flags.string({description: 'print at most N records (after sorting)', helpGroup: 'OUTPUT'}),
  sort: Flags.string({char: 's', description: 'sort keys, comma-separated; - for descending: -cpu,pid', helpGroup: 'OUTPUT'}),
}

/** `--watch [INTERVAL]`, for list and tree. */
export const watchFlags = {
  watch: Flags.string({
    description: 'repeat every interval (alone: 2s): redraw in place on a terminal; with --format ndjson, stream started/exited records',
    helpGroup: 'OUTPUT',
  }),
}

/** Where process data comes from. */
export const sourceFlags = {
  procfs: Flags.string({description: 'read this directory instead of /proc (tests)', env: 'PROC_PROCFS', hidden: true}),
  sample: Flags.string({description: 'measure %CPU over this interval, like top (default: over the lifetime, like ps)', helpGroup: 'SOURCE'}),
  source: Flags.string({
    description: 'process data source (default: procfs on Linux, ps-list elsewhere)',
    helpGroup: 'SOURCE',
    options: ['procfs', 'ps-list'],
  }),
}
