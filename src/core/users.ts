import {readFileSync} from 'node:fs'

import {builtin} from './builtin.js'

/** A user table: uid to name, from passwd(5) lines. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>()
  for (const line of text.split('\n')) {
    const parts = line.split(':')
    if (parts.length < 3) continue
    const uid = Number(parts[2])
    if (parts[0] && Number.isInteger(uid) && !users.has(uid)) users.set(uid, parts[0])
  }

  return users
}

/**
 * uid -> user name, from passwd(5), read once and only when a name is needed.
 * Like ps, a uid without an entry shows as the number itself.
 */
export function userNames(passwdPath = '/etc/passwd'): (uid: number) => string {
  let users: Map<number, string> | undefined
  return (uid) => {
    if (!users) {
      try {
        users = parsePasswd(readFileSync(passwdPath, 'utf8'))
      } catch {
        users = new Map()
      }

      try {
        // Our own name even without a passwd entry (NSS: LDAP, systemd-homed), as ps shows it.
        if (!users.has(process.getuid?.() ?? -1)) {
          const me = builtin('node:os').userInfo()
          users.set(me.uid, me.username)
        }
      } catch {
        // no passwd entry for ourselves: numbers it is
      }
    }

    return users.get(uid) ?? String(uid)
  }
}

/** The gid of a group name, from group(5); undefined when there is no such group. */
export function groupId(name: string, groupPath = '/etc/group'): number | undefined {
  let text = ''
  try {
    text = readFileSync(groupPath, 'utf8')
  } catch {
    return undefined
  }

  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':')
    if (group === name && /^\d+$/.test(gid ?? '')) return Number(gid)
  }

  return undefined
}
