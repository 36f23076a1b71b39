// `npm run bench:webhooks`: events through the local queue under `wrangler dev`: delivered per second, delay p50/p95.
import { createServer } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { demoTeams } from '../scripts/demo.mjs'
import { adminApi, seedDemo, startStack } from '../scripts/dev-stack.mjs'
import { freePort } from '../scripts/processes.mjs'

const events = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 300)
const concurrency = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 10)
const deadlineMs = Number(process.env.BENCH_WEBHOOK_DEADLINE_SECONDS ?? 180) * 1000
const secret = `whsec_${Buffer.from('bench-only-webhook-secret-012345').toString('base64')}`
const log = (line) => console.error(`[bench:webhooks] ${line}`)

/**
 * The host app's side, in this process: verifies each delivery, keeps each id of the bench's own events
 * (`sessions.revoked` via support; the seed's are left out) once with its arrival time.
 */
function receiver(port) {
  const verifier = new Webhook(secret)
  const arrived = new Map()
  let attempts = 0
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      attempts++
      try {
        const payload = verifier.verify(body, request.headers)
        const id = request.headers['webhook-id']
        const ours = payload.type === 'sessions.revoked' && payload.data.via === 'support'
        if (ours && !arrived.has(id))
          arrived.set(id, { at: Date.now(), event: Date.parse(payload.timestamp) })
        response.writeHead(204).end()
      } catch {
        response.writeHead(400).end()
      }
    })
  })
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ arrived, attempts: () => attempts, close: () => server.close() }),
    ),
  )
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

const [worker, standin, hook] = [await freePort(), await freePort(), await freePort()]
const persistTo = await mkdtemp(join(tmpdir(), 'edge-sso-bench-webhooks-'))
const hooks = await receiver(hook)
log(`wrangler dev on ${worker}, receiver on ${hook}; ${events} events, ${concurrency} at a time`)
const stack = await startStack({
  ports: { worker, standin, hostApp: worker + 10 },
  persistTo,
  vars: { WEBHOOK_URL: `http://127.0.0.1:${hook}/webhooks`, WEBHOOK_SECRET: secret },
  log: () => undefined,
})
try {
  await seedDemo(stack)
  const found = await adminApi(stack.publicUrl, 'GET', `/users?email=${demoTeams.sso.ownerEmail}`)
  const userId = found.body.user.id
  // Each call is support's "sign out everywhere": one sessions.revoked event, written in its batch.
  const started = Date.now()
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < events) {
        const answer = await adminApi(stack.publicUrl, 'DELETE', `/users/${userId}/sessions`)
        if (answer.status !== 204) throw new Error(`revoke: ${answer.status}`)
      }
    }),
  )
  const sentMs = Date.now() - started
  while (hooks.arrived.size < events && Date.now() - started < deadlineMs)
    await new Promise((resolve) => setTimeout(resolve, 100))
  const doneMs = Math.max(...[...hooks.arrived.values()].map((a) => a.at)) - started
  const delays = [...hooks.arrived.values()].map((a) => a.at - a.event).sort((a, b) => a - b)
  const delivered = hooks.arrived.size
  const figures = {
    events,
    delivered,
    attempts: hooks.attempts(),
    sentPerSecond: Math.round((events / sentMs) * 1000),
    deliveredPerSecond: Math.round((delivered / doneMs) * 1000),
    delayP50Ms: percentile(delays, 0.5),
    delayP95Ms: percentile(delays, 0.95),
  }
  console.log(JSON.stringify(figures, null, 2))
  if (delivered < events) process.exitCode = 1
} finally {
  hooks.close()
  await stack.stop()
  await rm(persistTo, { recursive: true, force: true })
}
