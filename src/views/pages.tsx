// The account pages: login (SSO by email and password), the signed-in app page, the account switch, the error page.
import type { ErrorCode } from '../errors'
import type { Session } from '../session/session'
import { Layout } from './layout'

export function LoginPage(props: { returnTo?: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <form class="card" method="post" action="/sso/start">
        <label for="sso-email">Work email</label>
        <input id="sso-email" name="email" type="email" autocomplete="email" required />
        {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
        <button type="submit">Continue with SSO</button>
      </form>
      <form class="card" method="post" action="/login/password">
        <label for="pw-email">Email</label>
        <input id="pw-email" name="email" type="email" autocomplete="username" required />
        <label for="pw-password">Password</label>
        <input
          id="pw-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit" class="secondary">
          Sign in with password
        </button>
        <p class="muted">
          <a href="/password/forgot">Forgot your password?</a>
        </p>
      </form>
      <details class="card">
        <summary>Create an account</summary>
        <form method="post" action="/register">
          <label for="reg-name">Name</label>
          <input id="reg-name" name="name" autocomplete="name" />
          <label for="reg-email">Email</label>
          <input id="reg-email" name="email" type="email" autocomplete="email" required />
          <label for="reg-password">Password</label>
          <input
            id="reg-password"
            name="password"
            type="password"
            autocomplete="new-password"
            minlength={8}
            required
          />
          <button type="submit" class="secondary">
            Create account
          </button>
        </form>
      </details>
    </Layout>
  )
}

export function AppPage(props: { session: Session }) {
  const { session } = props
  return (
    <Layout title="Your account">
      <h1>Signed in</h1>
      <div class="card">
        <p>
          You are <strong data-testid="user-email">{session.email}</strong>
          {session.name ? ` (${session.name})` : ''}, signed in with{' '}
          {session.method === 'sso' ? 'single sign-on' : 'a password'}.
        </p>
        <p data-testid="team">
          {session.team ? `Team: ${session.team.name}` : 'You are not in a team yet.'}
        </p>
        {session.emailVerified ? null : (
          <p class="muted" data-testid="email-unverified">
            Your email address is not confirmed yet: follow the link we mailed you.
          </p>
        )}
        <form method="post" action="/logout">
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </div>
    </Layout>
  )
}

/** A tile login for someone else while signed in: only confirming (a same-origin POST) switches. */
export function SwitchAccountPage(props: { current: string; next: string }) {
  return (
    <Layout title="Switch account">
      <h1>Switch account?</h1>
      <div class="card">
        <p>
          You are signed in as <strong data-testid="current-email">{props.current}</strong>.
          Continue as <strong data-testid="next-email">{props.next}</strong>?
        </p>
        <form method="post" action="/sso/switch">
          <button type="submit">Continue as {props.next}</button>
        </form>
        <form method="post" action="/sso/switch/cancel">
          <button type="submit" class="secondary">
            Stay signed in as {props.current}
          </button>
        </form>
      </div>
    </Layout>
  )
}

/** The page for any refusal; on the support console it says so and leads back there. */
export function ErrorPage(props: {
  code: ErrorCode
  message: string
  referenceId: string
  status: number
  console: boolean
}) {
  const heading =
    props.status >= 500
      ? 'Something went wrong'
      : props.console
        ? 'That did not work'
        : 'We could not sign you in'
  return (
    <Layout title={props.console ? 'Support console' : 'Sign-in problem'}>
      <h1>{heading}</h1>
      <div class="card error">
        <p data-testid="error-message">{props.message}</p>
        <p class="muted">
          Error code <code data-testid="error-code">{props.code}</code> · reference{' '}
          <code data-testid="reference-id">{props.referenceId}</code>
        </p>
        {props.code === 'sso_required' ? (
          <p>
            <a href="/#sso-email">Continue with SSO</a>
          </p>
        ) : null}
        <p>
          {props.console ? (
            <a href="/admin">Back to the support console</a>
          ) : (
            <a href="/">Back to sign in</a>
          )}
        </p>
      </div>
    </Layout>
  )
}
