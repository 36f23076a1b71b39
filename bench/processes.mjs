// Child processes for the bench: each in its own process group, readiness by polling, and all stopped at the end.
import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '..')
/** wrangler needs Node 22: run it on the repository's pinned node, whatever node runs this script. */
const node = resolve(root, 'node_modules/.bin/node')
const wranglerJs = resolve(root, 'node_modules/wrangler/bin/wrangler.js')
const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  NO_UPDATE_NOTIFIER: '1',
  FORCE_COLOR: '0',
}

const running = new Set()
const groups = new Set()

/** Starts a long-lived child; its recent output is kept for the error message if it fails. */
export function start(name, args, env = {}) {
  const child = spawn(node, args, {
    cwd: root,
    env: { ...quietEnv, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = []
  const keep = (chunk) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const entry = { name, child, output, exited: false }
  child.on('exit', () => {
    entry.exited = true
    running.delete(entry)
  })
  running.add(entry)
  groups.add(child.pid)
  return entry
}

export const startWrangler = (name, args) => start(name, [wranglerJs, ...args])

/** Runs a wrangler command to completion (bounded), returning its output. */
export function wrangler(args, timeoutMs = 60_000) {
  return new Promise((done, fail) => {
    const entry = startWrangler(`wrangler ${args[0]}`, args)
    const timer = setTimeout(() => {
      stop(entry)
      fail(new Error(`wrangler ${args.join(' ')} timed out`))
    }, timeoutMs)
    entry.child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) groups.delete(entry.child.pid)
      const text = entry.output.join('')
      if (code === 0) done(text)
      else fail(new Error(`wrangler ${args.join(' ')} exited ${code}:\n${text.slice(-2000)}`))
    })
  })
}

/** Polls `url` until it answers (any status), or throws with the process's last output. */
export async function waitUntilUp(entry, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (entry.exited) break
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.arrayBuffer())
      .then(
        () => true,
        () => false,
      )
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${entry.name} did not come up at ${url}:\n${entry.output.join('').slice(-2000)}`)
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
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is already gone
  }
}

const stop = (entry) => signalGroup(entry.child.pid, 'SIGTERM')

/** Stops every process group this bench started: SIGTERM, a grace period, then SIGKILL for what is left. */
export async function stopAll() {
  for (const pid of groups) signalGroup(pid, 'SIGTERM')
  const deadline = Date.now() + 5_000
  while (running.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  for (const pid of groups) signalGroup(pid, 'SIGKILL')
  groups.clear()
}

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
