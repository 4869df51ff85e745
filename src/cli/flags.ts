import {FORMATS} from '../output/render.js'
import {flag} from './spec.js'

/** Flags every command that selects processes shares. Values are validated by the core, not here. */
export const selectorFlags = {
  cgroup: flag.option({description: 'cgroup v2 path, exactly, like pgrep --cgroup (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true, delimiter: ','}),
  env: flag.option({description: 'environment variable KEY (set) or KEY=VALUE, like pgrep --env (repeatable)', helpGroup: 'SELECT', multiple: true}),
  'ignore-case': flag.boolean({char: 'i', description: '--name and --match ignore case, like pgrep -i', helpGroup: 'SELECT'}),
  newest: flag.boolean({description: 'only the newest of the matches, like pgrep -n', exclusive: ['oldest'], helpGroup: 'SELECT'}),
  oldest: flag.boolean({description: 'only the oldest of the matches, like pgrep -o', exclusive: ['newest'], helpGroup: 'SELECT'}),
  pidfile: flag.option({char: 'F', description: 'the process whose pid this file holds, like pgrep -F', helpGroup: 'SELECT'}),
  'pidfile-locked': flag.boolean({char: 'L', description: 'with --pidfile: fail unless the file is locked (its daemon holds it), like pgrep -L', helpGroup: 'SELECT'}),
  'include-self': flag.boolean({description: 'include proc\'s own process (left out by default, like pgrep)', helpGroup: 'SELECT'}),
  match: flag.option({description: 'regex on the full command line (repeatable)', helpGroup: 'SELECT', multiple: true}),
  name: flag.option({
    description: 'process name: exact, glob (node*), or /regex/flags (repeatable, comma-separated)',
    helpGroup: 'SELECT',
    multiple: true,
  }),
  kernel: flag.boolean({allowNo: true, default: true, description: 'include kernel threads; --no-kernel leaves them out', helpGroup: 'SELECT'}),
  ns: flag.option({description: 'processes in the same namespaces as this pid, like pgrep --ns (see --nslist)', helpGroup: 'SELECT'}),
  nslist: flag.option({
    delimiter: ',',
    description: 'with --ns: which namespaces must match (default: all): pid,net,mnt,uts,ipc,user,cgroup',
    helpGroup: 'SELECT',
    multiple: true,
    options: ['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'],
  }),
  'older-than': flag.option({description: 'started at least this long ago (500ms, 10s, 5m, 2h, 1d)', helpGroup: 'SELECT'}),
  pid: flag.option({delimiter: ',', description: 'process id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  port: flag.option({delimiter: ',', description: 'listening on this TCP or UDP port (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  ppid: flag.option({delimiter: ',', description: 'parent process id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  'real-group': flag.option({delimiter: ',', description: 'real group name or gid, like pgrep -G (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  'real-user': flag.option({delimiter: ',', description: 'real user name or uid, like pgrep -U (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  session: flag.option({delimiter: ',', description: 'session id (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  state: flag.option({
    delimiter: ',',
    description: 'state letter or name: R running, S sleeping, D disk, Z zombie, T stopped, I idle',
    helpGroup: 'SELECT',
    multiple: true,
  }),
  tty: flag.option({delimiter: ',', description: 'controlling terminal (pts/0, tty1; ? for none)', helpGroup: 'SELECT', multiple: true}),
  user: flag.option({delimiter: ',', description: 'user name or uid (repeatable, comma-separated)', helpGroup: 'SELECT', multiple: true}),
  where: flag.option({
    description: 'filter expression: rssBytes > 100MB and (name == "node" or command ~ /server/)',
    helpGroup: 'SELECT',
  }),
  'younger-than': flag.option({description: 'started less than this long ago', helpGroup: 'SELECT'}),
}

/** Output flags shared by every command that prints records. */
export const outputFlags = {
  columns: flag.option({
    char: 'c',
    description: 'comma-separated columns, e.g. pid,ppid,user,command; "help" lists them all',
    helpGroup: 'OUTPUT',
  }),
  format: flag.option({
    char: 'f',
    description: 'output format',
    exclusive: ['json'],
    helpGroup: 'OUTPUT',
    options: [...FORMATS],
  }),
  header: flag.boolean({allowNo: true, default: true, description: 'print the header line (table, CSV)', helpGroup: 'OUTPUT'}),
  json: flag.boolean({description: 'same as --format json', exclusive: ['format'], helpGroup: 'OUTPUT'}),
  limit: flag.option({description: 'print at most N records (after sorting)', helpGroup: 'OUTPUT'}),
  wide: flag.boolean({char: 'w', description: 'never cut the command to the terminal width (ps ww, pstree -l)', helpGroup: 'OUTPUT'}),
  sort: flag.option({char: 's', description: 'sort keys, comma-separated; - for descending: -cpu,pid', helpGroup: 'OUTPUT'}),
}

/** `--watch [INTERVAL]`, for list and tree. */
export const watchFlags = {
  watch: flag.option({
    description: 'repeat every interval (alone: 2s): redraw in place on a terminal; with --format ndjson, stream started/exited records',
    helpGroup: 'OUTPUT',
  }),
}

/** Where process data comes from. */
export const sourceFlags = {
  procfs: flag.option({description: 'read this directory instead of /proc (tests)', env: 'PROC_PROCFS', hidden: true}),
  sample: flag.option({description: 'measure %CPU over this interval, like top (default: over the lifetime, like ps)', helpGroup: 'SOURCE'}),
  source: flag.option({
    description: 'process data source (default: procfs on Linux, ps on macOS and the BSDs, cim on Windows: PowerShell, fastlist for pid, ppid and name)',
    helpGroup: 'SOURCE',
    options: ['procfs', 'ps', 'ps-list', 'cim'],
  }),
}
