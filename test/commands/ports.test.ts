import {strict as assert} from 'node:assert'

import {parseNetTable} from '../../src/core/sources/linux/parse.js'
import {runCli} from '../helpers/cli.js'
import {isAlive, startProcess} from '../helpers/processes.js'

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1
   2: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 3333 1 0 100 0 0 10 0
`
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4444 2 0 0
  101: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5555 2 0 0
`

/** A node process listening on an ephemeral TCP port; resolves its pid and port. */
async function server(): Promise<{pid: number; port: number}> {
  const child = startProcess(process.execPath, ['-e', 'const s = require("net").createServer().listen(0, () => console.log(s.address().port))'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d).trim()))))
  return {pid: child.pid!, port}
}

describe('ports', () => {
  it('reads listening TCP sockets and bound UDP sockets by inode, not connections', () => {
    assert.deepEqual([...parseNetTable(TCP, 'tcp')], [
      [1111, 'tcp:3000'],
      [3333, 'tcp:53'],
    ])
    assert.deepEqual([...parseNetTable(UDP, 'udp6')], [[4444, 'udp6:68']])
  })

  it('shows the ports a process listens on, and selects by --port', async () => {
    const {pid, port} = await server()
    const {code, stdout} = await runCli(['list', '--port', String(port), '--json', '-c', 'pid,ports'])
    assert.equal(code, 0)
    const [record] = JSON.parse(stdout)
    assert.equal(record.pid, pid)
    assert.ok(record.ports.some((p: string) => p.endsWith(`:${port}`)), JSON.stringify(record.ports))
    assert.match((await runCli(['list', '--pid', String(pid), '-c', 'pid,ports'])).stdout, new RegExp(`tcp6?:${port}`))
  })

  it('proc kill --port frees the port', async () => {
    const {pid, port} = await server()
    const {code, stdout} = await runCli(['kill', '--port', String(port), '--json'])
    assert.equal(code, 0)
    assert.deepEqual(JSON.parse(stdout).map((r: {pid: number; status: string}) => [r.pid, r.status]), [[pid, 'signalled']])
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20))
    assert.ok(!isAlive(pid))
  })

  it('leaves ports out of whole records unless asked (they cost a look at every open file)', async () => {
    const [record] = JSON.parse((await runCli(['list', '--pid', String(process.pid), '--json', '--include-self'])).stdout)
    assert.ok(!('ports' in record))
  })

  it('rejects a bad --port', async () => {
    for (const bad of ['0', '65536', 'http']) {
      const r = await runCli(['list', '--port', bad])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /--port: .* is not a port/)
    }
  })
})
