// The OpenMetrics text format (and Prometheus' text format 0.0.4, which reads the same lines:
// there `# UNIT` and `# EOF` are comments). Every family is a gauge: a 0.0.4 reader such as
// node_exporter's textfile collector or promtool would not take an OpenMetrics counter, whose
// samples end in _total while its TYPE line does not.

import type {ColumnDef, ColumnKind} from '../columns/index.js'
import {UsageError} from '../core/errors.js'

export interface Sample {
  labels: ReadonlyArray<readonly [string, string]>
  value: number
}

export interface MetricFamily {
  name: string
  help: string
  /** OpenMetrics' UNIT: the name then ends in _seconds or _bytes. */
  unit?: 'bytes' | 'seconds'
  samples: Sample[]
}

/** A label value as the format escapes it: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  // Unit changes (ms to s, percent to ratio) leave binary noise: 0.0068000000000000005.
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)))
}

/** The exposition: each family's HELP, TYPE and UNIT, then its samples; `# EOF` at the end. Families without samples are left out. */
export function exposition(families: readonly MetricFamily[]): string {
  const out: string[] = []
  // A process's label set is one array shared by all its series: written once.
  const written = new WeakMap<Sample['labels'], string>()
  const labelsText = (labels: Sample['labels']) => {
    let text = written.get(labels)
    if (text === undefined) {
      text = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`
      written.set(labels, text)
    }

    return text
  }

  for (const f of families) {
    if (f.samples.length === 0) continue
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`)
    if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}`)
    for (const s of f.samples) out.push(`${f.name}${labelsText(s.labels)} ${formatValue(s.value)}`)
  }

  out.push('# EOF')
  return out.join('\n') + '\n'
}

/** How a column's raw value becomes a metric in base units, by the column's kind. */
const BY_KIND: Partial<Record<ColumnKind, {in?: string; suffix: string; unit?: MetricFamily['unit']; value(raw: unknown): number}>> = {
  bytes: {in: 'in bytes', suffix: '_bytes', unit: 'bytes', value: (v) => v as number},
  count: {suffix: '', value: (v) => v as number},
  cputime: {in: 'in seconds', suffix: '_seconds', unit: 'seconds', value: (v) => (v as number) / 1000},
  duration: {in: 'in seconds', suffix: '_seconds', unit: 'seconds', value: (v) => (v as number) / 1000},
  percent: {in: 'as a ratio, 1 for 100%', suffix: '_ratio', value: (v) => (v as number) / 100},
  // ISO-8601 start times become seconds since the epoch, as Prometheus keeps times.
  time: {in: 'in seconds since the epoch', suffix: '_seconds', unit: 'seconds', value: (v) => Date.parse(v as string) / 1000},
}

/** A metric that a column gives: its name (after a prefix), help, unit and value. */
interface Metric {
  column: ColumnDef
  name: string
  help: string
  unit?: MetricFamily['unit']
  value(raw: unknown): number
}

/** The column's description without what it says of the raw unit and the table, then the metric's unit. */
function helpOf(column: ColumnDef, unit: string | undefined): string {
  const plain = column.description
    .replace(/; read only when asked for$/, '')
    .replaceAll(/ \(table: [^)]*\)/g, '')
    .replace(/, (milliseconds|bytes|ISO-8601 UTC|percent)\b/, '')
    .replace(/ in percent of /, ' as a share of ')
  return unit ? `${plain}; ${unit}` : plain
}

/** `cpuTimeMs` → `cpu_time_seconds`, `rssBytes` → `rss_bytes`, `memPercent` → `mem_ratio`. */
function metricOf(column: ColumnDef): Metric {
  const kind = BY_KIND[column.kind]
  if (!kind) {
    throw new UsageError(
      `--columns: ${column.id} is not a number; openmetrics gauges are numeric columns (pid, ppid, name, user and unit are labels)`,
    )
  }

  const base = column.id.replace(/(Ms|Bytes|Percent)$/, '').replaceAll(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()
  return {column, help: helpOf(column, kind.in), name: base + kind.suffix, unit: kind.unit, value: kind.value}
}

/** The gauges `proc list --format openmetrics` writes unless --columns names others. */
export const DEFAULT_METRIC_COLUMNS = 'cpuTimeMs,rssBytes,threads,startTime'

/** What a process's series are labelled with; unit only when the cgroup names one. */
export const METRIC_LABEL_COLUMNS = 'pid,ppid,name,user,unit,state'

export const GROUP_BY = ['name', 'user', 'unit'] as const
export type GroupBy = (typeof GROUP_BY)[number]

export interface ProcessMetricsOptions {
  /** Numeric columns, each one gauge. */
  columns: readonly ColumnDef[]
  /** Sum per name, user or unit instead of one series per process. */
  groupBy?: GroupBy
  /** At most this many per-process series (the summaries still count every selected process). */
  limit?: number
}

type Row = Record<string, unknown>

const text = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v))

function labelsOf(record: Row, keys: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const k of keys) {
    const v = text(record[k])
    if (v !== undefined) out.push([k, v])
  }

  return out
}

/** Records grouped by one field, sorted by its value; each group labelled with it (no label where it is unknown). */
function groupRows(records: readonly Row[], key: string): Array<{labels: Sample['labels']; members: Row[]}> {
  const groups = new Map<string | undefined, Row[]>()
  for (const r of records) {
    const v = text(r[key])
    const members = groups.get(v)
    if (members) members.push(r)
    else groups.set(v, [r])
  }

  return [...groups]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([v, members]) => ({labels: v === undefined ? [] : [[key, v] as const], members}))
}

/** Count records by one field: a sample per value, sorted by it. */
function countBy(records: readonly Row[], key: string): Sample[] {
  return groupRows(records, key).map((g) => ({labels: g.labels, value: g.members.length}))
}

/**
 * The selected processes as metric families: one gauge series per process and column (labelled
 * pid, ppid, name, user and unit), or with `groupBy` one summed series per group; then counts
 * by state and by user, and the zombies. Null values make no sample: unknown is not zero.
 */
export function processFamilies(records: readonly object[], options: ProcessMetricsOptions): MetricFamily[] {
  const rows = records as readonly Row[]
  const metrics = options.columns.map((c) => metricOf(c))
  const families: MetricFamily[] = []
  if (options.groupBy) {
    const key = options.groupBy
    const groups = groupRows(rows, key)
    families.push({
      help: `Processes selected, by ${key}.`,
      name: 'proc_group_processes',
      samples: groups.map((g) => ({labels: g.labels, value: g.members.length})),
    })
    for (const m of metrics) {
      if (m.column.kind === 'time') continue
      const samples: Sample[] = []
      for (const {labels, members} of groups) {
        const known = members.map((r) => m.column.value(r)).filter((x) => x !== null && x !== undefined) as number[]
        // A group where nobody's value could be read has no sum, rather than a made-up 0. Raw
        // values are summed, then scaled (every kind but time, left out above, scales linearly).
        if (known.length > 0) samples.push({labels, value: m.value(known.reduce((sum, x) => sum + x, 0))})
      }

      families.push({help: `Sum over the group's processes: ${m.help}.`, name: `proc_group_${m.name}`, samples, unit: m.unit})
    }
  } else {
    const shown = options.limit === undefined ? rows : rows.slice(0, options.limit)
    const labels = shown.map((r) => labelsOf(r, ['pid', 'ppid', 'name', 'user', 'unit']))
    for (const m of metrics) {
      const samples: Sample[] = []
      for (const [i, r] of shown.entries()) {
        const raw = m.column.value(r)
        if (raw === null || raw === undefined) continue
        const value = m.value(raw)
        if (!Number.isNaN(value)) samples.push({labels: labels[i], value})
      }

      families.push({help: `${m.help[0].toUpperCase()}${m.help.slice(1)}.`, name: `proc_process_${m.name}`, samples, unit: m.unit})
    }
  }

  families.push(
    {help: 'Processes selected.', name: 'proc_processes', samples: [{labels: [], value: rows.length}]},
    {help: 'Processes selected, by state (R running, S sleeping, D disk, Z zombie, T stopped, I idle).', name: 'proc_processes_by_state', samples: countBy(rows, 'state')},
    {help: 'Processes selected, by user.', name: 'proc_processes_by_user', samples: countBy(rows, 'user')},
    {help: 'Zombie processes selected: ended, not yet reaped by their parent.', name: 'proc_zombie_processes', samples: [{labels: [], value: rows.filter((r) => r.state === 'Z').length}]},
  )
  return families
}

/**
 * Reject, before anything is read, a column that cannot be a gauge, and (asked for by name) a time
 * under --group-by, which does not add up over a group.
 */
export function checkMetricColumns(columns: readonly ColumnDef[], groupBy: GroupBy | undefined, explicit: boolean): void {
  for (const c of columns) metricOf(c)
  const time = columns.find((c) => c.kind === 'time')
  if (groupBy && explicit && time) throw new UsageError(`--group-by: ${time.id} is a time, which does not add up over a group`)
}

/** What a `proc spawn` report holds that becomes a metric. */
export interface RunMetrics {
  startTime: string
  durationMs: number
  exitStatus: number
  exitCode: number | null
  timedOut: boolean
  cpuUserMs: number | null
  cpuSystemMs: number | null
  maxRssBytes: number | null
  runPeakRssBytes: number | null
  leaks: readonly unknown[]
}

/** `proc spawn --report openmetrics`: one run, for a Pushgateway or the textfile collector. */
export function runFamilies(r: RunMetrics): MetricFamily[] {
  const one = (value: number | null): Sample[] => (value === null ? [] : [{labels: [], value}])
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000)
  return [
    {help: 'When the child started, seconds since the epoch.', name: 'proc_spawn_start_time_seconds', samples: one(Date.parse(r.startTime) / 1000), unit: 'seconds'},
    {help: 'Wall time from the start of the child to its exit.', name: 'proc_spawn_duration_seconds', samples: one(seconds(r.durationMs)), unit: 'seconds'},
    {help: "proc spawn's exit status: the child's, 124 on timeout, 125-127 when it could not run, 128+N when signal N ended it.", name: 'proc_spawn_exit_status', samples: one(r.exitStatus)},
    {help: "The child's own exit code (absent when a signal ended it).", name: 'proc_spawn_exit_code', samples: one(r.exitCode)},
    {help: '1 when the time limit ran out.', name: 'proc_spawn_timed_out', samples: one(r.timedOut ? 1 : 0)},
    {help: 'User CPU of the child and the descendants it reaped.', name: 'proc_spawn_cpu_user_seconds', samples: one(seconds(r.cpuUserMs)), unit: 'seconds'},
    {help: 'System CPU of the child and the descendants it reaped.', name: 'proc_spawn_cpu_system_seconds', samples: one(seconds(r.cpuSystemMs)), unit: 'seconds'},
    {help: 'Peak resident memory of the child itself.', name: 'proc_spawn_max_rss_bytes', samples: one(r.maxRssBytes), unit: 'bytes'},
    {help: 'Peak memory of the whole run (its cgroup, else the sampled tree).', name: 'proc_spawn_peak_rss_bytes', samples: one(r.runPeakRssBytes), unit: 'bytes'},
    {help: 'Processes the run left behind.', name: 'proc_spawn_leaks', samples: one(r.leaks.length)},
  ]
}
