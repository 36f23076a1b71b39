// The support console's pages: the admin-token sign-in, and teams, connections, forms and events on one page.
import type { ConnectionView, TeamView } from '../admin/answers'
import type { EventRecord } from '../db/events'
import type { SetupLinkView } from '../admin/answers'
import { ConnectionFields, PermissionField, SecretField, SignOutForm } from './fields'
import { Layout } from './layout'
import { Style } from './styles'

/** The admin-token form: the token is checked once, then a console session keeps support signed in. */
export function AdminLoginPage() {
  return (
    <Layout title="Support console">
      <Style sheet="console" />
      <h1>Support console</h1>
      <form class="card" method="post" action="/admin/login">
        <SecretField
          id="admin-token"
          name="token"
          label="Admin token"
          autocomplete="current-password"
        />
        <p class="muted">
          The ADMIN_TOKEN secret. After this check a console session keeps you signed in for 8
          hours.
        </p>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  )
}

export type Notice =
  | 'team_created'
  | 'connection_created'
  | 'connection_rotated'
  | 'connection_enabled'
  | 'connection_disabled'
  | 'connection_deleted'
  | 'end_idp_session_on'
  | 'end_idp_session_off'
  | 'admin_group_set'
  | 'member_removed'
  | 'sessions_ended'
  | 'recovery_link_sent'
  | 'domain_added'
  | 'domain_verified'
  | 'domain_deleted'

function noticeText(notice: Notice, team: TeamView) {
  const issuer = team.connections.at(-1)?.issuer ?? ''
  switch (notice) {
    case 'team_created':
      return `Team ${team.name} created; members join from ${team.domains.join(', ') || 'no domain'}.`
    case 'connection_created':
      return `Okta connected for ${team.name}. Discovery check passed: ${issuer}/.well-known/openid-configuration names the issuer ${issuer} exactly.`
    case 'connection_rotated':
      return `New client secret saved for ${team.name}.`
    case 'connection_enabled':
      return `SSO enabled for ${team.name}: it is now the only way in for its members.`
    case 'connection_disabled':
      return `SSO disabled for ${team.name}: nobody can sign in through it until it is enabled again.`
    case 'connection_deleted':
      return `The Okta connection of ${team.name} was deleted.`
    case 'end_idp_session_on':
      return `Signing out of ${team.name} now ends the Okta session too.`
    case 'end_idp_session_off':
      return `Signing out of ${team.name} no longer ends the Okta session.`
    case 'admin_group_set':
      return team.adminGroup
        ? `Members of the Okta group “${team.adminGroup}” are admins of ${team.name}.`
        : `${team.name} has no admin group.`
    case 'member_removed':
      return `The member was removed from ${team.name}; their sessions end within a minute.`
    case 'sessions_ended':
      return `Every session of that ${team.name} user ends within a minute.`
    case 'recovery_link_sent':
      return `A recovery link was mailed (valid one hour, once); the owner and admins of ${team.name} are told when it is used.`
    case 'domain_added':
      return `Domain claim saved for ${team.name}.`
    case 'domain_verified':
      return `Domain verified for ${team.name}: its emails now find this team.`
    case 'domain_deleted':
      return `Domain removed from ${team.name}.`
  }
}

function ConnectionPanel(props: { connection: ConnectionView }) {
  const c = props.connection
  const base = `/admin/connections/${encodeURIComponent(c.id)}`
  return (
    <>
      <dl>
        <dt>Status</dt>
        <dd data-testid="connection-status" class={c.enabled ? 'ok' : 'bad'}>
          {c.status === 'draft'
            ? `Draft (being set up${c.testedAt ? ', tested' : ''})`
            : c.enabled
              ? 'Enabled'
              : 'Disabled'}
        </dd>
        <dt>Issuer</dt>
        <dd>
          <code>{c.issuer}</code>
        </dd>
        <dt>Client ID</dt>
        <dd>
          <code>{c.clientId}</code> ({c.tokenEndpointAuthMethod})
        </dd>
        <dt>Sign-in redirect URI</dt>
        <dd>
          <code>{c.redirectUri}</code>
        </dd>
        <dt>Initiate login URI</dt>
        <dd>
          <code>{c.initiateLoginUri}</code>
        </dd>
        <dt>SCIM provisioning</dt>
        <dd data-testid="connection-scim">{c.scimEnabled ? 'Token issued' : 'Off'}</dd>
        <dt>Sign-out ends the Okta session</dt>
        <dd>{c.endIdpSession ? 'Yes' : 'No'}</dd>
      </dl>
      <div class="actions">
        {c.status === 'draft' ? (
          <p class="muted" data-testid="draft-note">
            Turned on from its setup page, after a successful test sign-in.
          </p>
        ) : (
          <form method="post" action={`${base}/enabled`}>
            <input type="hidden" name="enabled" value={c.enabled ? 'false' : 'true'} />
            <button type="submit" class={c.enabled ? 'secondary' : ''}>
              {c.enabled ? 'Disable SSO' : 'Enable SSO'}
              <For target={`through ${c.issuer}`} />
            </button>
          </form>
        )}
        <details>
          <summary>
            Rotate client secret
            <For target={`of ${c.issuer}`} />
          </summary>
          <form method="post" action={`${base}/rotate`}>
            <label for={`rotate-id-${c.id}`}>Client ID</label>
            <input id={`rotate-id-${c.id}`} name="clientId" value={c.clientId} required />
            <SecretField
              id={`rotate-secret-${c.id}`}
              name="clientSecret"
              label="New client secret"
              autocomplete="off"
            />
            <button type="submit">Save new secret</button>
          </form>
        </details>
        <form method="post" action={`${base}/end-idp-session`}>
          <input type="hidden" name="endIdpSession" value={c.endIdpSession ? 'false' : 'true'} />
          <button type="submit" class="secondary">
            {c.endIdpSession
              ? 'Keep the Okta session on sign-out'
              : 'End the Okta session on sign-out'}
            <For target={`(${c.issuer})`} />
          </button>
        </form>
        <form method="post" action={`${base}/scim-token`}>
          <button type="submit" class="secondary">
            {c.scimEnabled ? 'Rotate SCIM token' : 'Issue SCIM token'}
            <For target={`for ${c.issuer}`} />
          </button>
        </form>
        <details>
          <summary>
            Delete connection
            <For target={c.issuer} />
          </summary>
          <form method="post" action={`${base}/delete`}>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> Members lose SSO; their
              accounts stay.
            </label>
            <button type="submit" class="secondary">
              Delete connection
              <For target={c.issuer} />
            </button>
          </form>
        </details>
      </div>
    </>
  )
}

/** Visually hidden words that name a repeated button's target for screen readers. */
const For = (props: { target: string }) => <span class="sr-only"> {props.target}</span>

/**
 * A removal asked twice: "Remove" opens its consequence and the button that does it (no script needed), so
 * one stray click removes nothing.
 */
function ConfirmRemove(props: { action: string; target: string; consequence: string }) {
  return (
    <details class="confirm" data-testid="confirm-remove">
      <summary>
        Remove
        <For target={props.target} />
      </summary>
      <form method="post" action={props.action}>
        <p class="muted" data-testid="consequence">
          {props.consequence}
        </p>
        <button type="submit" class="secondary">
          Remove {props.target}
        </button>
      </form>
    </details>
  )
}

/** End a member's sessions; remove them (never the owner), after confirming. */
function MemberActions(props: { team: TeamView; member: TeamView['members'][number] }) {
  const { team, member } = props
  const user = encodeURIComponent(member.id)
  return (
    <span class="actions">
      <form method="post" action={`/admin/users/${user}/sessions/end`}>
        <input type="hidden" name="teamId" value={team.id} />
        <button type="submit" class="secondary">
          End sessions
          <For target={`of ${member.email}`} />
        </button>
      </form>
      {member.email === team.ownerEmail ? null : (
        <ConfirmRemove
          action={`/admin/teams/${encodeURIComponent(team.id)}/members/${user}/remove`}
          target={member.email}
          consequence={`${member.email} leaves ${team.name} and is signed out everywhere; the account stays, and the team’s Okta may provision it again.`}
        />
      )}
    </span>
  )
}

/** What removing `domain` from the team costs, named before it is done. */
function domainRemoval(team: TeamView, domain: string): string {
  if (!team.domains.includes(domain)) return `${domain} stops waiting for its DNS proof.`
  return team.domains.length === 1
    ? `${domain} is the team’s only verified domain: removing it stops just-in-time joins (no one new joins ${team.name} by single sign-on). Members stay.`
    : `People at ${domain} no longer join ${team.name} just in time. Members stay.`
}

/** Verified domains, pending ones with the TXT record that proves them, and the forms over both. */
function DomainsPanel(props: { team: TeamView }) {
  const { team } = props
  const base = `/admin/teams/${encodeURIComponent(team.id)}/domains`
  const remove = (domain: string) => (
    <ConfirmRemove
      action={`${base}/${encodeURIComponent(domain)}/delete`}
      target={domain}
      consequence={domainRemoval(team, domain)}
    />
  )
  return (
    <>
      <h4>Domains</h4>
      <ul data-testid="domains">
        {team.domains.map((domain) => (
          <li>
            <code>{domain}</code> <span class="ok">verified</span> {remove(domain)}
          </li>
        ))}
        {team.pendingDomains.map((p) => (
          <li data-testid="pending-domain">
            <code>{p.domain}</code> <span class="bad">pending</span>: TXT record{' '}
            <code>{p.dnsName}</code> = <code data-testid="dns-value">{p.dnsValue}</code>
            <form
              method="post"
              action={`${base}/${encodeURIComponent(p.domain)}/verify`}
              class="inline"
            >
              <button type="submit">
                Check DNS
                <For target={p.domain} />
              </button>
            </form>
            {remove(p.domain)}
          </li>
        ))}
      </ul>
      <details>
        <summary>Add a domain</summary>
        <form method="post" action={base}>
          <label for={`domain-${team.id}`}>Domain</label>
          <input id={`domain-${team.id}`} name="domain" placeholder="acme.com" required />
          <label class="check">
            <input type="checkbox" name="verified" value="true" /> Support attests it (verified at
            once); otherwise it waits for its DNS record
          </label>
          <button type="submit">Add domain</button>
        </form>
      </details>
    </>
  )
}

function TeamCard(props: { team: TeamView }) {
  const { team } = props
  return (
    <article class="card" id={`team-${team.id}`} data-testid="team">
      <h3>
        <a href={`/admin?team=${encodeURIComponent(team.id)}`} data-testid="team-page-link">
          {team.name}
        </a>
      </h3>
      <p class="muted">
        Owner {team.ownerEmail} · domains {team.domains.join(', ') || 'none'} · new members are{' '}
        {team.defaultPermission}
        {team.adminGroup ? ` · admins: Okta group “${team.adminGroup}”` : ''}
      </p>
      <p class="muted" data-testid="session-policy">
        Sessions end {team.sessionMaxAgeHours} h after sign-in
        {team.idleTimeoutMinutes === null
          ? ', no idle timeout'
          : `, or after ${team.idleTimeoutMinutes} min unused`}
      </p>
      <DomainsPanel team={team} />
      <h4>
        Members ({team.membersNextCursor ? `first ${team.members.length}` : team.members.length})
      </h4>
      <ul data-testid="members">
        {team.members.map((m) => (
          <li>
            {m.email}
            {m.name ? <span class="muted"> ({m.name})</span> : null}
            {m.active ? null : <Deactivated />}{' '}
            <span data-testid="member-role">
              {m.role}
              {m.roleSource ? ` (from ${m.roleSource})` : ''}
            </span>
            <MemberActions team={team} member={m} />
          </li>
        ))}
      </ul>
      <form method="post" action={`/admin/teams/${encodeURIComponent(team.id)}/admin-group`}>
        <label for={`admin-group-${team.id}`}>Admin group (Okta group name; empty: none)</label>
        <input id={`admin-group-${team.id}`} name="adminGroup" value={team.adminGroup ?? ''} />
        <button type="submit" class="secondary">
          Save admin group
          <For target={`of ${team.name}`} />
        </button>
      </form>
      <NextPage
        href={
          team.membersNextCursor
            ? `/admin?${new URLSearchParams({ team: team.id, members: team.membersNextCursor })}`
            : undefined
        }
        label="More members"
        testId="next-members"
      />
      <h4>Break-glass recovery</h4>
      <form method="post" action={`/admin/teams/${encodeURIComponent(team.id)}/recovery-links`}>
        <label for={`recovery-email-${team.id}`}>
          Send a recovery link to the owner or an admin (mailed only, one hour, once)
        </label>
        <input
          id={`recovery-email-${team.id}`}
          name="email"
          type="email"
          required
          value={team.ownerEmail}
        />
        <button type="submit" class="secondary">
          Send a recovery link
        </button>
      </form>
      <h4>Setup link for the customer’s Okta admin</h4>
      <form method="post" action={`/admin/teams/${encodeURIComponent(team.id)}/setup-links`}>
        <label for={`setup-email-${team.id}`}>Mail it to (optional)</label>
        <input id={`setup-email-${team.id}`} name="email" type="email" placeholder="it@acme.com" />
        <button type="submit" class="secondary">
          Make a setup link (7 days)
          <For target={`for ${team.name}`} />
        </button>
      </form>
      <p>
        <a href={`/admin/teams/${encodeURIComponent(team.id)}/setup-links`}>
          Setup links of this team
          <For target={`(${team.name})`} />
        </a>
      </p>
      <h4>Okta connections ({team.connections.length})</h4>
      {team.connections.length ? (
        team.connections.map((connection) => (
          <section data-testid="connection" id={`connection-${connection.id}`}>
            <ConnectionPanel connection={connection} />
          </section>
        ))
      ) : (
        <p class="muted">None: members sign in with a password.</p>
      )}
    </article>
  )
}

function TeamForm() {
  return (
    <form class="card" method="post" action="/admin/teams">
      <h3>Create a team</h3>
      <label for="team-name">Team name</label>
      <input id="team-name" name="name" required maxlength={200} />
      <label for="team-owner">Owner email</label>
      <input id="team-owner" name="ownerEmail" type="email" required />
      <PermissionField />
      <label for="team-domains">Email domains</label>
      <input id="team-domains" name="domains" placeholder="the owner's domain if empty" />
      <button type="submit">Create team</button>
    </form>
  )
}

/** The four values of the customer guide; the discovery document is fetched and checked before saving. */
function ConnectionForm() {
  return (
    <form class="card" method="post" action="/admin/connections">
      <h3>Add an Okta connection</h3>
      <p class="muted">A team may have several (another app instance, or a second Okta org).</p>
      <label for="conn-owner">Team owner email</label>
      <input id="conn-owner" name="ownerEmail" type="email" required />
      <ConnectionFields prefix="conn" issuerLabel="Issuer or metadata URL" />
      <button type="submit">Check and save</button>
    </form>
  )
}

export type UserLookup = {
  email: string
  user: {
    id: string
    email: string
    name: string | null
    teamId: string | null
    role: string | null
    roleSource: string | null
    active: boolean
  } | null
}

/** A member the team's Okta deactivated: still listed, refused at sign-in, signed out. */
const Deactivated = () => (
  <span class="tag" data-testid="deactivated">
    deactivated by Okta
  </span>
)

function LookupForm(props: {
  lookup: UserLookup | undefined
  teamName: (id: string | null) => string
}) {
  const { lookup } = props
  return (
    <form class="card" method="get" action="/admin">
      <h3>Why can’t this person join?</h3>
      <label for="lookup-email">Email</label>
      <input id="lookup-email" name="email" type="email" value={lookup?.email} />
      <button type="submit" class="secondary">
        Look up
      </button>
      {lookup ? (
        <p data-testid="lookup-result">
          {lookup.user
            ? `${lookup.user.email} exists and ${lookup.user.teamId ? `is a member of ${props.teamName(lookup.user.teamId)}: ${memberSummary(lookup.user)}` : 'belongs to no team'}.`
            : `No user has the email ${lookup.email}.`}
          {lookup.user && !lookup.user.active ? (
            <>
              {' '}
              <Deactivated /> Their team’s Okta deactivated them: they cannot sign in until it
              reactivates them.
            </>
          ) : null}
        </p>
      ) : null}
    </form>
  )
}

/** A member's state in words: role, who decided it, whether SCIM deactivated them. */
const memberSummary = (m: { role: string | null; roleSource: string | null; active: boolean }) =>
  `${m.role ?? 'member'}${m.roleSource ? ` (from ${m.roleSource})` : ''}`

const when = (atMs: number) => `${new Date(atMs).toISOString().slice(0, 19).replace('T', ' ')}Z`

function EventsTable(props: { events: EventRecord[]; teamName: (id: string | null) => string }) {
  return (
    <div class="card table" tabindex={0} role="region" aria-label="Recent events">
      <table data-testid="events">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>What</th>
            <th>Outcome</th>
            <th>Error code</th>
            <th>Team</th>
            <th>Email</th>
            <th>Reference</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td>{when(e.at)}</td>
              <td>
                {e.kind}: {e.action}
              </td>
              <td class={e.outcome === 'success' ? 'ok' : 'bad'}>{e.outcome}</td>
              <td>{e.errorCode ? <code>{e.errorCode}</code> : ''}</td>
              <td>{e.teamId ? props.teamName(e.teamId) : ''}</td>
              <td>{e.email ?? ''}</td>
              <td>
                <code>{e.referenceId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Finds a team among many (1,000 teams page 20 at a time): by name, owner email or domain. */
function TeamSearch(props: { search: string | undefined; oneTeam: boolean }) {
  return (
    <form method="get" action="/admin" role="search" class="card">
      <label for="team-search">Find a team by name, owner email or domain</label>
      <input id="team-search" name="q" type="search" value={props.search} />
      <button type="submit" class="secondary">
        Find
      </button>
      {props.oneTeam || props.search ? (
        <p>
          <a href="/admin">All teams</a>
        </p>
      ) : null}
    </form>
  )
}

/** A "next page" link, when the listing has one. */
function NextPage(props: { href: string | undefined; label: string; testId: string }) {
  return props.href ? (
    <p>
      <a href={props.href} data-testid={props.testId}>
        {props.label} →
      </a>
    </p>
  ) : null
}

export function AdminConsolePage(props: {
  teams: TeamView[]
  events: EventRecord[]
  /** Next-page links of the teams and events listings. */
  pages: { teams?: string; events?: string }
  notice?: { kind: Notice; team: TeamView }
  lookup?: UserLookup
  /** The teams listing's search, and whether the page is one team's. */
  search?: string | undefined
  oneTeam?: boolean
}) {
  const names = new Map(props.teams.map((t) => [t.id, t.name]))
  const teamName = (id: string | null) => (id ? (names.get(id) ?? id) : '')
  return (
    <Layout title="Support console">
      <Style sheet="console" />
      <div class="bar">
        <h1>Support console</h1>
        <SignOutForm action="/admin/logout" />
      </div>
      <div role="status" aria-live="polite">
        {props.notice ? (
          <p class="card notice" data-testid="notice">
            {noticeText(props.notice.kind, props.notice.team)}
          </p>
        ) : null}
      </div>
      <h2>{props.oneTeam ? 'Team' : 'Teams'}</h2>
      <TeamSearch search={props.search} oneTeam={props.oneTeam === true} />
      {props.teams.length === 0 && props.search ? (
        <p class="muted" data-testid="no-team-found">
          No team’s name, owner email or domain contains “{props.search}”.
        </p>
      ) : null}
      <div class="grid teams">
        {props.teams.map((team) => (
          <TeamCard team={team} />
        ))}
      </div>
      <NextPage href={props.pages.teams} label="Next page of teams" testId="next-teams" />
      <h2>Add</h2>
      <div class="grid">
        <ConnectionForm />
        <TeamForm />
        <LookupForm lookup={props.lookup} teamName={teamName} />
      </div>
      <h2>Recent events</h2>
      <EventsTable events={props.events} teamName={teamName} />
      <NextPage href={props.pages.events} label="Older events" testId="next-events" />
    </Layout>
  )
}

/** A team's setup links; a new one's URL is shown this once (only its hash is kept). */
export function SetupLinksPage(props: {
  team: TeamView
  links: SetupLinkView[]
  minted?: { url: string; expiresAt: string; mailedTo?: string }
}) {
  const { team, minted } = props
  const base = `/admin/teams/${encodeURIComponent(team.id)}/setup-links`
  return (
    <Layout title="Setup links">
      <Style sheet="console" />
      <h1>Setup links for {team.name}</h1>
      {minted ? (
        <article class="card notice" data-testid="minted-link">
          <p>
            Shown once: copy it now{minted.mailedTo ? ` (also mailed to ${minted.mailedTo})` : ''}.
            It works until {minted.expiresAt} unless revoked.
          </p>
          <p>
            <code data-testid="setup-url">{minted.url}</code>
          </p>
        </article>
      ) : null}
      <div class="card table" tabindex={0} role="region" aria-label="Setup links">
        <table data-testid="setup-links">
          <thead>
            <tr>
              <th>Made (UTC)</th>
              <th>Mailed to</th>
              <th>Expires (UTC)</th>
              <th>State</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.links.map((link) => (
              <tr>
                <td>{link.createdAt}</td>
                <td>{link.email ?? ''}</td>
                <td>{link.expiresAt}</td>
                <td class={link.state === 'live' ? 'ok' : 'bad'}>{link.state}</td>
                <td>
                  {link.state === 'live' ? (
                    <form method="post" action={`${base}/${encodeURIComponent(link.id)}/revoke`}>
                      <button type="submit" class="secondary">
                        Revoke
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href="/admin">Back to the console</a>
      </p>
    </Layout>
  )
}
