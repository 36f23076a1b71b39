// The break-glass recovery link's confirmation page: whom it signs in, for how long, and one button.
import { Layout } from './layout'

export function RecoveryConfirmPage(props: { email: string; team: string; hours: number }) {
  return (
    <Layout title="Recovery sign-in">
      <h1>
        Sign in to <span data-testid="recovery-team">{props.team}</span> with this recovery link?
      </h1>
      <div class="card">
        <p>
          This link from support signs in{' '}
          <strong data-testid="recovery-email">{props.email}</strong> without single sign-on, for at
          most {props.hours} hour. It works once; the team owner and admins are told when it is
          used.
        </p>
        <form method="post">
          <button type="submit">Sign in as {props.email}</button>
        </form>
      </div>
    </Layout>
  )
}
