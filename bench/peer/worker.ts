// The peer: @hono/oidc-auth's single-tenant flow in a minimal Hono worker, plus the same floor route as ours.
import { getAuth, oidcAuthMiddleware } from '@hono/oidc-auth'
import { Hono } from 'hono'

const app = new Hono()
app.use('*', oidcAuthMiddleware())
app.get('/protected', async (c) => {
  const auth = await getAuth(c)
  return c.json({ sub: auth?.sub, email: auth?.email })
})

export default {
  fetch(request: Request, env: unknown, ctx: ExecutionContext) {
    if (new URL(request.url).pathname === '/__bench/floor') return new Response('ok')
    return app.fetch(request, env, ctx)
  },
}
