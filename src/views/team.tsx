// The team page for its owner: members, domains with their proof state, and single sign-on's state.
import type { TeamView } from '../admin/operations'
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

export function TeamPage(props: { team: TeamView; deactivated: ReadonlySet<string> }) {
  const { team } = props
  return (
    <Layout title={team.name}>
      <Style sheet="console" />
      <h1>{team.name}</h1>
      <section class="card">
        <h2>Single sign-on</h2>
        <SsoState team={team} />
        <p>
          <a href="/settings/sso">Set up single sign-on</a>
        </p>
      </section>
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
              {props.deactivated.has(m.id) ? (
                <span class="tag" data-testid="deactivated">
                  {' '}
                  deactivated by Okta
                </span>
              ) : null}
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
