// The guided SSO setup page: the Okta settings with this team's URIs, the values, the domain, the test, activation.
import type { ConnectionView, TeamView } from '../admin/answers'
import { ConnectionFields } from './fields'
import { Layout } from './layout'
import { Script, Style } from './styles'

/** This team's exact URIs for the Okta settings. */
export interface SetupUris {
  redirectUri: string
  signOutRedirectUri: string
  scimBaseUrl: string
  universalLogoutUri: (connectionId: string) => string
}

export const setupNotices = {
  saved:
    'Values saved as a draft: the issuer’s discovery document checks out. Finish the Okta settings, then test.',
  domain_added: 'Domain added: publish its TXT record, then check it.',
  domain_verified: 'Domain verified: its emails now find this team.',
  activated: 'Single sign-on is on: it is now the only way in for the team’s members.',
} as const
export type SetupNotice = keyof typeof setupNotices

/** A value to enter in Okta: plain text anyone can select, and a copy button where JavaScript runs. */
function Value(props: { id: string; value: string }) {
  return (
    <span class="value">
      <code id={props.id} data-testid={props.id}>
        {props.value}
      </code>
      <button type="button" class="copy secondary" data-copy={props.id} hidden>
        Copy
      </button>
    </span>
  )
}

function Settings(props: { rows: [string, string | { id: string; value: string }][] }) {
  return (
    <dl>
      {props.rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{typeof value === 'string' ? value : <Value {...value} />}</dd>
        </>
      ))}
    </dl>
  )
}

/** What to enter per IdP: where its issuer, client ID and secret are, and its redirect URI's name. */
const idpHints: [string, string][] = [
  [
    'Okta',
    'Issuer https://<your org>.okta.com, or a custom authorization server’s https://<your org>.okta.com/oauth2/default (its Metadata URI works too). Client ID and secret from the app’s General tab.',
  ],
  [
    'Microsoft Entra ID',
    'Issuer https://login.microsoftonline.com/<your tenant ID>/v2.0 (not common or organizations). Client ID is the app registration’s Application (client) ID; the secret is a client secret’s Value. The redirect URI goes under Authentication → Web.',
  ],
  [
    'Google Workspace',
    'Issuer https://accounts.google.com. Client ID and secret of an OAuth client of type Web application in Google Cloud → APIs & Services → Credentials, the redirect URI under Authorized redirect URIs.',
  ],
  [
    'JumpCloud',
    'Issuer https://oauth.id.jumpcloud.com/. Client ID and secret from the Custom OIDC App’s SSO tab (shown once at activation), with the Email and Profile scopes selected.',
  ],
]

function IdpHints() {
  return (
    <details data-testid="idp-hints">
      <summary>What to enter for Okta, Entra ID, Google or JumpCloud</summary>
      <dl>
        {idpHints.map(([idp, hint]) => (
          <>
            <dt>{idp}</dt>
            <dd>{hint}</dd>
          </>
        ))}
      </dl>
    </details>
  )
}

function ValuesForm(props: { action: string; draft: ConnectionView | undefined }) {
  const { draft } = props
  return (
    <form method="post" action={props.action}>
      {draft ? (
        <p class="muted" data-testid="draft-values">
          Saved: issuer <code>{draft.issuer}</code>, client ID <code>{draft.clientId}</code>. Saving
          new values replaces them and needs a new test.
        </p>
      ) : null}
      <ConnectionFields
        prefix="setup"
        issuerLabel="Issuer (or the OpenID Provider Metadata URL)"
        saved={draft}
      />
      <button type="submit">Check and save</button>
    </form>
  )
}

function DomainStep(props: { team: TeamView; base: string }) {
  const { team, base } = props
  return (
    <>
      <ul data-testid="setup-domains">
        {team.domains.map((domain) => (
          <li>
            <code>{domain}</code> <span class="ok">verified</span>
          </li>
        ))}
        {team.pendingDomains.map((p, i) => (
          <li data-testid="pending-domain">
            <code>{p.domain}</code> <span class="bad">not proven yet</span>: add a TXT record
            <Settings
              rows={[
                ['Name', { id: `dns-name-${i}`, value: p.dnsName }],
                ['Value', { id: `dns-value-${i}`, value: p.dnsValue }],
              ]}
            />
            <form method="post" action={`${base}/domains/${encodeURIComponent(p.domain)}/verify`}>
              <button type="submit">Check now</button>
            </form>
          </li>
        ))}
      </ul>
      <details open={team.domains.length === 0 && team.pendingDomains.length === 0}>
        <summary>Add a domain</summary>
        <form method="post" action={`${base}/domains`}>
          <label for="setup-domain">Your company’s email domain</label>
          <input id="setup-domain" name="domain" placeholder="acme.com" required />
          <button type="submit" class="secondary">
            Add domain
          </button>
        </form>
      </details>
    </>
  )
}

/** A connection's test and activation buttons. */
function TestAndActivate(props: { connection: ConnectionView; base: string }) {
  const { connection, base } = props
  const tested = connection.testedAt !== null
  return (
    <>
      <p data-testid="test-state" class={tested ? 'ok' : 'muted'}>
        {tested
          ? `Test sign-in passed (${connection.testedAt?.slice(0, 16).replace('T', ' ')} UTC).`
          : 'No successful test sign-in through these values yet.'}
      </p>
      <form method="post" action={`${base}/test`}>
        <input type="hidden" name="connectionId" value={connection.id} />
        <button type="submit" class={tested ? 'secondary' : ''}>
          Test sign-in
        </button>
      </form>
      {connection.status === 'draft' ? (
        <form method="post" action={`${base}/activate`}>
          <input type="hidden" name="connectionId" value={connection.id} />
          <p class="muted">
            Turning single sign-on on makes it the only way in for the team’s members: their
            passwords stop working. The team owner gets a mail.
          </p>
          <button type="submit" disabled={!tested}>
            Turn single sign-on on
          </button>
        </form>
      ) : null}
    </>
  )
}

function ConnectionList(props: { team: TeamView; base: string }) {
  const active = props.team.connections.filter((c) => c.status === 'active')
  if (active.length === 0) return null
  return (
    <section class="card" data-testid="active-connections">
      <h2>Connections in use</h2>
      {active.map((c) => (
        <div>
          <p>
            <code>{c.issuer}</code> · client <code>{c.clientId}</code> ·{' '}
            <span class={c.enabled ? 'ok' : 'bad'}>{c.enabled ? 'on' : 'off'}</span>
          </p>
          <Settings
            rows={[['Initiate login URI', { id: `initiate-${c.id}`, value: c.initiateLoginUri }]]}
          />
          <TestAndActivate connection={c} base={props.base} />
        </div>
      ))}
    </section>
  )
}

export function SetupPage(props: {
  team: TeamView
  base: string
  uris: SetupUris
  notice: SetupNotice | undefined
}) {
  const { team, base, uris } = props
  const draft = team.connections.find((c) => c.status === 'draft')
  return (
    <Layout title="Set up single sign-on">
      <Style sheet="console" />
      <h1>Set up single sign-on for {team.name}</h1>
      {props.notice ? (
        <p class="card notice" role="status" data-testid="notice">
          {setupNotices[props.notice]}
        </p>
      ) : null}
      <ol class="steps">
        <li class="card" id="okta-app">
          <h2>1. Create the app in Okta</h2>
          <p>
            In the Okta Admin Console: Applications → Create App Integration. Then assign the people
            who should sign in.
          </p>
          <Settings
            rows={[
              ['Sign-in method', 'OIDC - OpenID Connect'],
              ['Application type', 'Web Application'],
              ['Grant type', 'Authorization Code'],
              ['Sign-in redirect URI', { id: 'redirect-uri', value: uris.redirectUri }],
              ['Sign-out redirect URI', { id: 'sign-out-uri', value: uris.signOutRedirectUri }],
            ]}
          />
        </li>
        <li class="card" id="values">
          <h2>2. Enter the app’s values</h2>
          <p class="muted">
            From the app’s General tab; the issuer is the <code>issuer</code> of its OpenID Provider
            Metadata (the metadata URL works too). We check it before saving.
          </p>
          <IdpHints />
          <ValuesForm action={`${base}/connection`} draft={draft} />
        </li>
        <li class="card" id="okta-finish">
          <h2>3. Finish the Okta settings</h2>
          {draft ? (
            <Settings
              rows={[
                ['Login initiated by', 'Either Okta or App'],
                ['Login flow', 'Redirect to app to initiate login (OIDC Compliant)'],
                ['Initiate login URI', { id: 'initiate-uri', value: draft.initiateLoginUri }],
                [
                  'SCIM connector base URL (optional)',
                  { id: 'scim-base-url', value: uris.scimBaseUrl },
                ],
                [
                  'Universal Logout endpoint (optional)',
                  { id: 'universal-logout-uri', value: uris.universalLogoutUri(draft.id) },
                ],
              ]}
            />
          ) : (
            <p class="muted">
              The initiate login URI of your connection appears here once step 2 is saved.
            </p>
          )}
        </li>
        <li class="card" id="domain">
          <h2>4. Prove your email domain</h2>
          <p class="muted">
            Only people whose email is in a proven domain can join the team by single sign-on.
          </p>
          <DomainStep team={team} base={base} />
        </li>
        <li class="card" id="test">
          <h2>5. Test sign-in, then turn it on</h2>
          <p class="muted">
            The test signs you in at Okta and shows what we received, and whether a real sign-in
            would work. It creates no account and changes nothing for the team.
          </p>
          {draft ? (
            <TestAndActivate connection={draft} base={base} />
          ) : (
            <p class="muted">Save the values in step 2 first.</p>
          )}
        </li>
      </ol>
      <ConnectionList team={team} base={base} />
      <Script name="copy" />
    </Layout>
  )
}

/** The setup link's last page: SSO is on, and the link (retired with the activation) works no more. */
export function SetupDonePage(props: { team: TeamView; connection: ConnectionView }) {
  const { team, connection } = props
  return (
    <Layout title="Single sign-on is on">
      <Style sheet="console" />
      <h1>Single sign-on is on for {team.name}</h1>
      <p class="card notice" role="status" data-testid="notice">
        {setupNotices.activated}
      </p>
      <Settings
        rows={[
          ['Issuer', connection.issuer],
          ['Initiate login URI', { id: 'initiate-uri', value: connection.initiateLoginUri }],
        ]}
      />
      <p data-testid="link-retired">
        This setup link has done its job and no longer works. From now on the team owner manages
        single sign-on (Settings › Single sign-on), or support does.
      </p>
      <Script name="copy" />
    </Layout>
  )
}
