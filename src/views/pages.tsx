// The account pages: login (SSO by email and password), the signed-in app page, the account switch, the error page.
import type { ErrorCode, FormFailure } from '../errors'
import type { SessionEnd } from '../provisioning'
import type { Session } from '../session/session'
import { SignOutForm } from './fields'
import { PermissionField } from './fields'
import { FormError, fieldOf } from './form-error'
import { Layout } from './layout'

const inputTypes = { name: undefined, email: 'email', password: 'password' } as const
type FieldName = keyof typeof inputTypes

/** A labelled input, required unless `optional`; its id is the form's prefix and the field's name. */
function Field(props: {
  form: string
  name: FieldName
  label: string
  autocomplete: string
  minlength?: number
  optional?: boolean
  /** What was typed before a refusal (never a password). */
  value?: string | undefined
  /** The refusal this field is the cause of, shown under it. */
  error?: FormFailure | undefined
  hint?: string
}) {
  const id = `${props.form}-${props.name}`
  const errorId = `${id}-error`
  const hintId = `${id}-hint`
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : ''].join(' ').trim()
  return (
    <>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={inputTypes[props.name]}
        autocomplete={props.autocomplete}
        minlength={props.minlength}
        required={!props.optional}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint ? (
        <p id={hintId} class="muted">
          {props.hint}
        </p>
      ) : null}
      {props.error ? <FormError id={errorId} failure={props.error} /> : null}
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

/** The sign-in page's three forms, and which of them a refusal answers. */
export type LoginForm = 'sso' | 'pw' | 'reg'

/** The sentence the sign-in page says when the recheck ended the browser's session. */
export const sessionEndSentences: Record<SessionEnd, string> = {
  deactivated:
    'You were signed out: your organisation’s identity provider deactivated your access to this team.',
  revoked:
    'You were signed out: your sessions were ended, by your organisation’s identity provider (Universal Logout), by support, or by a sign-out or password change elsewhere.',
  changed:
    'You were signed out: how your team signs in changed (single sign-on turned on or off, or another team). Sign in again.',
  timed_out:
    'You were signed out: your team limits how long a session lasts, or how long it may sit unused. Sign in again.',
}

export function LoginPage(props: {
  returnTo?: string | undefined
  ended?: SessionEnd | undefined
  refused?: { form: LoginForm; failure: FormFailure; typed: Record<string, string> }
}) {
  const { refused } = props
  /** A form's refusal, and the field it belongs beside. */
  const on = (form: LoginForm, fields: FieldName[], byCode: Record<string, FieldName> = {}) => {
    const failure = refused?.form === form ? refused.failure : undefined
    const field = fieldOf(failure, fields, byCode, fields[0] ?? 'email')
    return {
      value: (name: FieldName) => (refused?.form === form ? refused.typed[name] : undefined),
      error: (name: FieldName) => (field === name ? failure : undefined),
    }
  }
  const sso = on('sso', ['email'])
  const pw = on('pw', ['email', 'password'], {
    invalid_credentials: 'password',
    rate_limited: 'password',
  })
  const reg = on('reg', ['email', 'password', 'name'], {})
  const returnTo = props.returnTo ? (
    <input type="hidden" name="return_to" value={props.returnTo} />
  ) : null
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <div role="status">
        {props.ended ? (
          <p class="card notice" data-testid="session-ended">
            {sessionEndSentences[props.ended]}
          </p>
        ) : null}
      </div>
      <form class="card" method="post" action="/sso/start">
        <Field
          form="sso"
          name="email"
          label="Work email"
          autocomplete="email"
          value={sso.value('email')}
          error={sso.error('email')}
        />
        {returnTo}
        <button type="submit">Continue with SSO</button>
      </form>
      <form class="card" method="post" action="/login/password">
        <Field
          form="pw"
          name="email"
          label="Email"
          autocomplete="username"
          value={pw.value('email')}
          error={pw.error('email')}
        />
        <Field
          form="pw"
          name="password"
          label="Password"
          autocomplete="current-password"
          error={pw.error('password')}
        />
        {returnTo}
        <button type="submit" class="secondary">
          Sign in with password
        </button>
        <p class="muted">
          <a href="/password/forgot">Forgot your password?</a>
        </p>
      </form>
      <details class="card" open={refused?.form === 'reg'}>
        <summary>Create an account</summary>
        <form method="post" action="/register">
          <Field
            form="reg"
            name="name"
            label="Name"
            autocomplete="name"
            optional
            value={reg.value('name')}
            error={reg.error('name')}
          />
          <Field
            form="reg"
            name="email"
            label="Email"
            autocomplete="email"
            value={reg.value('email')}
            error={reg.error('email')}
          />
          <Field
            form="reg"
            name="password"
            label="Password"
            autocomplete="new-password"
            minlength={8}
            hint="At least 8 characters."
            error={reg.error('password')}
          />
          {returnTo}
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
  back?: string | undefined
  /** Someone signed in met it: never told "we could not sign you in", and led back to their account. */
  signedIn?: boolean
  /** A refusal of a sign-in (as opposed to a page or a form of a signed-in person). */
  signingIn?: boolean
}) {
  const heading =
    props.status >= 500
      ? 'Something went wrong'
      : props.signingIn && !props.signedIn && !props.console && !props.back
        ? 'We could not sign you in'
        : props.code === 'unauthorized'
          ? 'Please sign in first'
          : 'That did not work'
  return (
    <Layout title={props.console ? 'Support console' : heading}>
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
          ) : props.signedIn ? (
            <a href="/app">Back to your account</a>
          ) : (
            <a href="/">Back to sign in</a>
          )}
        </p>
      </div>
    </Layout>
  )
}
