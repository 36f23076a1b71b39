// The one process runner for `npm run dev`, the browser tests and the bench: children in their own process
// groups, recent output kept for errors, readiness by polling, and every group stopped at the end.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '..')
/** wrangler needs Node 22: run children on the repository's pinned node, whatever node runs this script. */
const pinnedNode = resolve(root, 'node_modules/.bin/node')
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath
export const wranglerJs = resolve(root, 'node_modules/wrangler/bin/wrangler.js')
const quietEnv = {
  WRANGLER_SEND_METRICS: 'false',
  NO_UPDATE_NOTIFIER: '1',
  FORCE_COLOR: '0',
}

/** Every child started and not yet known to have exited with its group. */
const running = new Set()

/**
 * Starts `node args…` in its own process group. Each output line that `log` is given goes to it; the last
 * 200 lines are kept (`recent`) for an error message. `exited` resolves with the exit code or signal.
 */
export function start(name, args, { env = {}, log } = {}) {
  const child = spawn(node, args, {
    cwd: root,
    env: { ...process.env, ...quietEnv, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const recent = []
  let pending = ''
  const forward = (chunk) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines.filter((l) => l.trim())) {
      recent.push(line)
      if (recent.length > 200) recent.shift()
      log?.(`[${name}] ${line}`)
    }
  }
  child.stdout.setEncoding('utf8').on('data', forward)
  child.stderr.setEncoding('utf8').on('data', forward)
  const entry = { name, child, recent, exitedYet: false }
  entry.exited = new Promise((done) =>
    child.once('exit', (code, signal) => {
      entry.exitedYet = true
      done(signal ?? code)
    }),
  )
  running.add(entry)
  return entry
}

export const startWrangler = (name, args, options) => start(name, [wranglerJs, ...args], options)

const tail = (entry) => entry.recent.slice(-30).join('\n')

/** Runs a wrangler command to completion (bounded), returning its output. */
export async function wrangler(args, { timeoutMs = 90_000, log } = {}) {
  const entry = startWrangler(`wrangler ${args[0]}`, args, { log })
  const timer = setTimeout(() => stop(entry), timeoutMs)
  const code = await entry.exited
  clearTimeout(timer)
  running.delete(entry)
  if (code !== 0)
    throw new Error(`wrangler ${args.slice(0, 4).join(' ')} failed (${code}):\n${tail(entry)}`)
  return entry.recent.join('\n')
}

/** Whether `url` answers at all (any status). */
export const answers = (url) =>
  fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) })
    .then((r) => r.arrayBuffer())
    .then(
      () => true,
      () => false,
    )

/** Polls `url` until it answers (any status); throws with the process's last output if it exits first or times out. */
export async function waitUntilUp(entry, url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (entry.exitedYet)
      throw new Error(`${entry.name} exited before ${url} answered:\n${tail(entry)}`)
    if (await answers(url)) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s:\n${tail(entry)}`)
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

/** Signals one child's whole process group (wrangler starts esbuild and workerd under it). */
function signalGroup(entry, signal) {
  try {
    process.kill(-entry.child.pid, signal)
  } catch {
    // the group is already gone
  }
}

/** SIGTERM to the child's group, SIGKILL for what is left after a grace period. */
export async function stop(entry) {
  running.delete(entry)
  if (!entry.exitedYet) {
    signalGroup(entry, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(entry, 'SIGKILL'), 5_000)
    await entry.exited
    clearTimeout(timer)
  }
  signalGroup(entry, 'SIGKILL')
}

/** Stops every process group started here. */
export const stopAll = () => Promise.all([...running].map(stop))

/** USER_HZ, the unit of /proc/<pid>/stat's utime and stime: 100 on Linux. */
const clockTicksPerSecond = 100

/**
 * CPU time (user + system, in ms) used so far by every live process in `entry`'s group, from /proc; undefined
 * off Linux. Sampled around a load run it gives the harness's CPU per request, which other load on a shared
 * machine disturbs far less than wall-clock throughput.
 */
export async function groupCpuMs(entry) {
  const pids = await readdir('/proc').catch(() => undefined)
  if (!pids) return undefined
  let ticks = 0
  for (const pid of pids.filter((p) => /^\d+$/.test(p))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) === entry.child.pid) ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / clockTicksPerSecond
}
