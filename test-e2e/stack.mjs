// The stack the browser tests run against: fresh wrangler state in a temp folder, ports apart from `npm run dev`.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { demoPorts } from '../scripts/demo.mjs'
import { seedDemo, startStack } from '../scripts/dev-stack.mjs'

export const artifacts = fileURLToPath(new URL('../artifacts/e2e/', import.meta.url))

/** Sessions are rechecked every 2 s here, so offboarding shows within a test (the product default is 60). */
export const recheckSeconds = 2
/** A browser test's time limit: a real login through the stand-in takes a few seconds. */
export const testTimeoutMs = 60_000

/**
 * The stack for this test file: started before its tests, stopped after; read its fields while they run
 * (`issuer`, `publicUrl`, `connection`, ...). With `hostApp`, examples/host-app serves `/app` behind the gateway.
 */
export function e2eStack({ hostApp = false } = {}) {
  const stack = {}
  before(async () => {
    Object.assign(stack, await startE2eStack({ hostApp }))
  })
  after(async () => {
    await stack.stop?.()
  })
  return stack
}

/** Starts and seeds the demo stack; its output goes to artifacts/e2e/stack.log. Stop it with `stop()`. */
async function startE2eStack({ hostApp }) {
  mkdirSync(artifacts, { recursive: true })
  const log = createWriteStream(join(artifacts, 'stack.log'))
  const persistTo = mkdtempSync(join(tmpdir(), 'edge-sso-e2e-'))
  const ports = demoPorts(
    { WORKER_PORT: process.env.E2E_WORKER_PORT, OKTA_STANDIN_PORT: process.env.E2E_STANDIN_PORT },
    { worker: 8788, standin: 9091 },
  )
  const cleanUp = () => rmSync(persistTo, { recursive: true, force: true })
  let stack
  try {
    stack = await startStack({
      ports,
      persistTo,
      vars: { SESSION_RECHECK_SECONDS: String(recheckSeconds) },
      hostApp,
      log: (line) => log.write(`${line}\n`),
    })
    const connection = await seedDemo(stack)
    const stop = async () => {
      await stack.stop()
      log.end()
      cleanUp()
    }
    for (const signal of ['SIGINT', 'SIGTERM'])
      process.once(signal, () => stop().then(() => process.exit(130)))
    return { ...stack, connection, stop }
  } catch (error) {
    await stack?.stop()
    log.end()
    cleanUp()
    throw error
  }
}
