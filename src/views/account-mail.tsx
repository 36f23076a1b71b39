// The pages behind mailed links: email verified, "forgot my password" and its answer, choosing a new password.
import { SecretField } from './fields'
import { Layout } from './layout'

export function EmailVerifiedPage() {
  return (
    <Layout title="Email confirmed">
      <h1>Email confirmed</h1>
      <div class="card">
        <p data-testid="email-verified">
          Your email address is confirmed. You can now create a team.
        </p>
        <p>
          <a href="/">Continue</a>
        </p>
      </div>
    </Layout>
  )
}

export function ForgotPasswordPage() {
  return (
    <Layout title="Forgot your password">
      <h1>Forgot your password?</h1>
      <form class="card" method="post" action="/password/forgot">
        <label for="forgot-email">Email</label>
        <input id="forgot-email" name="email" type="email" autocomplete="email" required />
        <button type="submit">Send me a link</button>
      </form>
      <p>
        <a href="/">Back to sign in</a>
      </p>
    </Layout>
  )
}

/** The same answer whatever the email: whether an account exists is not told here. */
export function ForgotPasswordSentPage() {
  return (
    <Layout title="Check your email">
      <h1>Check your email</h1>
      <div class="card">
        <p data-testid="forgot-sent">
          If an account uses that address, we have sent it a mail with what to do next. The link in
          it works once, for one hour.
        </p>
        <p>
          <a href="/">Back to sign in</a>
        </p>
      </div>
    </Layout>
  )
}

/** The form posts back to the link's own URL (no `action`), so the page never carries the token itself. */
export function ResetPasswordPage(props: { email: string }) {
  return (
    <Layout title="Choose a new password">
      <h1>Choose a new password</h1>
      <form class="card" method="post">
        <p>
          For <strong>{props.email}</strong>. Every other sign-in of this account ends.
        </p>
        <SecretField
          id="reset-password"
          name="password"
          label="New password"
          autocomplete="new-password"
          minlength={8}
        />
        <button type="submit">Set password</button>
      </form>
    </Layout>
  )
}

export function PasswordSetPage() {
  return (
    <Layout title="Password set">
      <h1>Password set</h1>
      <div class="card">
        <p data-testid="password-set">Your new password is set. Sign in with it.</p>
        <p>
          <a href="/">Sign in</a>
        </p>
      </div>
    </Layout>
  )
}
