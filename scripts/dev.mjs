// `npm run dev`: the whole local demo (wrangler dev, the Okta stand-in, a seeded demo team); Ctrl-C stops both.
import { demoPorts, demoTeams, demoUsers, devAdminToken } from './demo.mjs'
import { seedDemo, startStack } from './dev-stack.mjs'

const ports = demoPorts()
console.log('Starting the Okta stand-in, wrangler dev and the example host app…')
const stack = await startStack({ ports, hostApp: true }).catch((error) => {
  console.error(`\n${error.message}`)
  process.exit(1)
})

let stopping = false
async function shutdown(code) {
  if (stopping) return
  stopping = true
  console.log('\nStopping the Okta stand-in and wrangler dev…')
  await stack.stop()
  process.exit(code)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => shutdown(0))
stack.exited.then(() => shutdown(1))

try {
  await seedDemo(stack)
} catch (error) {
  console.error(`\nSeeding the demo failed: ${error.message}`)
  await shutdown(1)
}

const [first] = demoUsers
console.log(`
edge-sso is running at ${stack.publicUrl}/

  Sign in:        open ${stack.publicUrl}/ and "Continue with SSO" as ${first.email}
  Host app:       ${stack.publicUrl}/app is examples/host-app (at ${stack.hostAppUrl}) behind the gateway:
                  it shows who the Edge-SSO-Assertion proves is signed in, and the webhooks it heard
                  (WEBHOOK_URL is ${stack.hostAppUrl}/webhooks; the queue runs inside wrangler dev)
  Okta tiles:     open ${stack.issuer}/dashboard and click "edge-sso demo" (one tile per connection)
  Support admin:  ${stack.publicUrl}/admin (dev-only token: ${devAdminToken})
  Mail outbox:    ${stack.publicUrl}/dev/outbox (every mail sent, e.g. verification and reset links)
  Retention run:  curl "${stack.publicUrl}/cdn-cgi/local/scheduled" (what the hourly cron does)
  Start afresh:   stop this, delete .wrangler/ (teams, users, the stand-in's key) and run it again

  The stand-in at ${stack.issuer} knows these people (${demoTeams.sso.name} signs in through it):
${demoUsers.map((u) => `    ${u.email.padEnd(22)} ${u.note}`).join('\n')}

Ctrl-C stops them all.`)
