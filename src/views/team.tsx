// The team page for its owner: members, domains with their proof state, and single sign-on's state.
import type { TeamView } from '../admin/answers'
import { Layout } from './layout'
import { Style } from './styles'

function SsoState(props: { team: TeamView }) {
  const { connections } = props.team
  const on = connections.filter((c) => c.status === 'active' && c.enabled)
  const drafts = connections.filter((c) => c.status === 'draft')
  return (
    <p data-testid="sso-state" class={on.length ? 'ok' : 'muted'}>
      {on.length
        ? `Single sign-on is on (${on.map((c) => c.issuer).join(', ')}): it is the only way in for members.`
        : drafts.length
          ? 'Single sign-on is being set up: a draft waits for its test sign-in and activation.'
          : 'Single sign-on is off: members sign in with a password.'}
    </p>
  )
}

/** The owner's session policy form: how long a session lives after login, and how long it may go unused. */
function SessionPolicy(props: { team: TeamView }) {
  const { team } = props
  return (
    <section class="card">
      <h2>Session policy</h2>
      <p data-testid="session-policy">
        Sessions end {team.sessionMaxAgeHours} hours after sign-in
        {team.idleTimeoutMinutes === null
          ? ', however long they go unused.'
          : `, or after ${team.idleTimeoutMinutes} minutes unused.`}
      </p>
      <form method="post" action="/team/session-policy">
        <label for="policy-max-age">Longest session, in hours (1–336)</label>
        <input
          id="policy-max-age"
          name="sessionMaxAgeHours"
          type="number"
          min="1"
          max="336"
          required
          value={String(team.sessionMaxAgeHours)}
        />
        <label for="policy-idle">
          Sign out after this many idle minutes (15–1440; empty: never)
        </label>
        <input
          id="policy-idle"
          name="idleTimeoutMinutes"
          type="number"
          min="15"
          max="1440"
          value={team.idleTimeoutMinutes === null ? '' : String(team.idleTimeoutMinutes)}
        />
        <button type="submit">Save session policy</button>
      </form>
    </section>
  )
}

export function TeamPage(props: { team: TeamView }) {
  const { team } = props
  return (
    <Layout title={team.name}>
      <Style sheet="console" />
      <h1>{team.name}</h1>
      <section class="card">
        <h2>Single sign-on</h2>
        <SsoState team={team} />
        <p>
          <a href="/settings/sso">Set up single sign-on</a> ·{' '}
          <a href="/settings/audit">Stream the audit trail to your SIEM</a>
        </p>
      </section>
      <SessionPolicy team={team} />
      <section class="card">
        <h2>Domains</h2>
        <ul data-testid="team-domains">
          {team.domains.map((domain) => (
            <li>
              <code>{domain}</code> <span class="ok">verified</span>
            </li>
          ))}
          {team.pendingDomains.map((p) => (
            <li>
              <code>{p.domain}</code> <span class="bad">not proven yet</span>: TXT record{' '}
              <code>{p.dnsName}</code> = <code>{p.dnsValue}</code>
            </li>
          ))}
        </ul>
        {team.domains.length + team.pendingDomains.length === 0 ? (
          <p class="muted">None yet: add one on the single sign-on page.</p>
        ) : null}
      </section>
      <section class="card">
        <h2>
          Members ({team.membersNextCursor ? `first ${team.members.length}` : team.members.length})
        </h2>
        <p class="muted">New members are {team.defaultPermission}.</p>
        <ul data-testid="team-members">
          {team.members.map((m) => (
            <li>
              {m.email}
              {m.name ? <span class="muted"> ({m.name})</span> : null}
              {m.active ? null : (
                <span class="tag" data-testid="deactivated">
                  {' '}
                  deactivated by Okta
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>
      <p>
        <a href="/app">Back to the app</a>
      </p>
    </Layout>
  )
}
