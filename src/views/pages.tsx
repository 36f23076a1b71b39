// The account pages: login (SSO by email and password), the signed-in app page, the account switch, the error page.
import type { ErrorCode } from '../errors'
import type { Session } from '../session/session'
import { SignOutForm } from './fields'
import { PermissionField } from './fields'
import { Layout } from './layout'

const inputTypes = { name: undefined, email: 'email', password: 'password' } as const

/** A labelled input, required unless `optional`; its id is the form's prefix and the field's name. */
function Field(props: {
  form: string
  name: keyof typeof inputTypes
  label: string
  autocomplete: string
  minlength?: number
  optional?: boolean
  value?: string
}) {
  const id = `${props.form}-${props.name}`
  return (
    <>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={inputTypes[props.name]}
        autocomplete={props.autocomplete}
        minlength={props.minlength}
        value={props.value}
        required={!props.optional}
      />
    </>
  )
}

/**
 * The bare initiate URI of an issuer several teams share: the work email (the IdP's login hint, when it sent
 * one) tells which team's connection to use.
 */
export function WorkEmailPage(props: { hint?: string; returnTo?: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in with your work email</h1>
      <p>
        Several teams sign in with this identity provider. Your work email tells us which is yours.
      </p>
      <form class="card" method="post" action="/sso/start">
        <Field form="sso" name="email" label="Work email" autocomplete="email" value={props.hint} />
        {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
        <button type="submit">Continue with SSO</button>
      </form>
    </Layout>
  )
}

export function LoginPage(props: { returnTo?: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <form class="card" method="post" action="/sso/start">
        <Field form="sso" name="email" label="Work email" autocomplete="email" />
        {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
        <button type="submit">Continue with SSO</button>
      </form>
      <form class="card" method="post" action="/login/password">
        <Field form="pw" name="email" label="Email" autocomplete="username" />
        <Field form="pw" name="password" label="Password" autocomplete="current-password" />
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
          <Field form="reg" name="name" label="Name" autocomplete="name" optional />
          <Field form="reg" name="email" label="Email" autocomplete="email" />
          <Field
            form="reg"
            name="password"
            label="Password"
            autocomplete="new-password"
            minlength={8}
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
        {session.team && session.role === 'owner' ? (
          <p>
            <a href="/team" data-testid="team-page-link">
              Team page and single sign-on
            </a>
          </p>
        ) : null}
        {session.emailVerified ? null : (
          <p class="muted" data-testid="email-unverified">
            Your email address is not confirmed yet: follow the link we mailed you.
          </p>
        )}
        <SignOutForm action="/logout" />
      </div>
      {session.team ? null : <CreateTeamForm />}
    </Layout>
  )
}

/** Team management for a teamless user: the team they will own, and what new members may see. */
function CreateTeamForm() {
  return (
    <form class="card" method="post" action="/team">
      <h2>Create your team</h2>
      <p class="muted">
        You become its owner. Your email’s domain is claimed for it, proven later by a DNS record.
      </p>
      <label for="team-name">Team name</label>
      <input id="team-name" name="name" required maxlength={200} />
      <PermissionField />
      <button type="submit">Enable team management</button>
    </form>
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

/**
 * A tile (third-party-initiated) login with no one signed in, for a user this browser has not chosen at that
 * connection: a page elsewhere may have sent it here (login CSRF), so only confirming (a same-origin POST)
 * signs in.
 */
export function ConfirmLoginPage(props: { email: string; team: string }) {
  return (
    <Layout title="Continue signing in">
      <h1>
        Continue as <span data-testid="confirm-email">{props.email}</span> (
        <span data-testid="confirm-team">{props.team}</span>)?
      </h1>
      <div class="card">
        <p>
          Your identity provider signed you in as <strong>{props.email}</strong>, of the team{' '}
          <strong>{props.team}</strong>. Continue only if you meant to sign in to this account.
        </p>
        <form method="post" action="/sso/confirm">
          <button type="submit">Continue as {props.email}</button>
        </form>
        <form method="post" action="/sso/confirm/cancel">
          <button type="submit" class="secondary">
            Cancel
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
  /** The setup page a refused setup step belongs to. */
  back?: string
}) {
  const heading =
    props.status >= 500
      ? 'Something went wrong'
      : props.console || props.back
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
          {props.back ? (
            <a href={props.back}>Back to the setup page</a>
          ) : props.console ? (
            <a href="/admin">Back to the support console</a>
          ) : (
            <a href="/">Back to sign in</a>
          )}
        </p>
      </div>
    </Layout>
  )
}
