/** Shell completion scripts for bash, zsh and fish, generated from the commands' own flags. */

export interface CompletionFlag {
  name: string
  char?: string
  /** Values to offer: fixed options, column names (comma lists), or signal names. */
  values?: string[]
  /** The value is a comma-separated list (--columns, --sort). */
  list?: boolean
  /** Values read when completing: the pids or the names of the running processes (ps -axo). */
  live?: 'names' | 'pids'
  takesValue: boolean
}

export interface CompletionCommand {
  id: string
  flags: CompletionFlag[]
  /** Its arguments are pids (kill, wait, list, tree). */
  pidArgs?: boolean
}

/** The running processes' pids and names, as the shell asks for them (ps -axo: Linux, macOS, the BSDs). */
const LIVE = {names: 'ps -axo comm= 2>/dev/null | sed "s|.*/||" | sort -u', pids: 'ps -axo pid= 2>/dev/null'}

const quote = (words: string[]) => words.join(' ').replaceAll("'", '')

export function bashScript(commands: CompletionCommand[]): string {
  const cases: string[] = []
  const flagLists: string[] = []
  for (const c of commands) {
    const words = c.flags.flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])])
    flagLists.push(`    ${c.id}) flags='${quote(words)}' ;;`)
    for (const f of c.flags) {
      if (!f.values && !f.live) continue
      const names = [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])].map((n) => `${c.id}:${n}`).join('|')
      const values = f.live ? `"$(${LIVE[f.live]})"` : `'${quote(f.values!)}'`
      cases.push(`    ${names}) values=${values}; list=${f.list ? 1 : 0} ;;`)
    }
  }

  return `# proc completion for bash: source <(proc completion bash)
_proc() {
  local cur prev cmd flags values list pre last
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W '${quote(commands.map((c) => c.id))}' -- "$cur"))
    return 0
  fi
  values=''
  list=0
  case "$cmd:$prev" in
${cases.join('\n')}
  esac
  if [ -n "$values" ]; then
    if [ "$list" = 1 ]; then
      # A comma list: complete its last item, keep what comes before (and a leading - of --sort).
      pre=''
      case "$cur" in *,*) pre="\${cur%,*},";; esac
      last="\${cur##*,}"
      case "$last" in -*) pre="$pre-"; last="\${last#-}";; esac
      COMPREPLY=($(compgen -P "$pre" -W "$values" -- "$last"))
    else
      COMPREPLY=($(compgen -W "$values" -- "$cur"))
    fi
    return 0
  fi
  case "$cmd" in
${flagLists.join('\n')}
    *) flags='' ;;
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$flags" -- "$cur")) ;;
    *) case "$cmd" in ${quote(commands.filter((c) => c.pidArgs).map((c) => c.id)).replaceAll(' ', '|') || 'none'}) COMPREPLY=($(compgen -W "$(${LIVE.pids})" -- "$cur")) ;; esac ;;
  esac
  return 0
}
complete -o default -F _proc proc
`
}

export function zshScript(commands: CompletionCommand[]): string {
  return `# proc completion for zsh: source <(proc completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands).split('\n').slice(1).join('\n')}`
}

export function fishScript(commands: CompletionCommand[]): string {
  const lines = ['# proc completion for fish: proc completion fish | source', 'complete -c proc -f']
  const ids = commands.map((c) => c.id)
  for (const id of ids) lines.push(`complete -c proc -n '__fish_use_subcommand' -a ${id}`)
  for (const c of commands) {
    for (const f of c.flags) {
      let line = `complete -c proc -n '__fish_seen_subcommand_from ${c.id}' -l ${f.name}`
      if (f.char) line += ` -s ${f.char}`
      if (f.takesValue) line += f.live ? ` -x -a '(${LIVE[f.live].replaceAll("'", '')})'` : f.values ? ` -x -a '${quote(f.values)}'` : ' -r'
      lines.push(line)
    }

    if (c.pidArgs) lines.push(`complete -c proc -n '__fish_seen_subcommand_from ${c.id}' -a '(${LIVE.pids})'`)
  }

  return lines.join('\n') + '\n'
}
