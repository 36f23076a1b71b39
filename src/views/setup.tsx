// The guided SSO setup page: the Okta settings with this team's URIs, the values, the domain, the test, activation.
import type { ConnectionView, TeamView } from '../admin/answers'
import type { FormFailure } from '../errors'
import { ConnectionFields } from './fields'
import { FormError } from './form-error'
import { Layout } from './layout'
import { Script, Style } from './styles'
import { type SettingRow, Settings } from './values'

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

/** A refused setup form, shown again: which form, the refusal and what was typed. */
export interface SetupRefusal {
  form: 'connection' | 'domain' | 'verify'
  failure: FormFailure
  typed: Record<string, string>
  /** The domain whose check was refused. */
  domain?: string
}

/** The refusal when it is `form`'s. */
const refusalOf = (refused: SetupRefusal | undefined, form: SetupRefusal['form']) =>
  refused?.form === form ? refused : undefined

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

function ValuesForm(props: {
  action: string
  draft: ConnectionView | undefined
  refused?: SetupRefusal | undefined
}) {
  const { draft, refused } = props
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
        saved={refused ? refused.typed : draft}
        failure={refused?.failure}
      />
      <button type="submit">Check and save</button>
    </form>
  )
}

function DomainStep(props: { team: TeamView; base: string; refused?: SetupRefusal | undefined }) {
  const { team, base } = props
  const added = refusalOf(props.refused, 'domain')
  const checked = refusalOf(props.refused, 'verify')
  const pending = team.pendingDomains.some((p) => p.domain === checked?.domain)
  return (
    <>
      {checked && !pending ? <FormError id="dns-check-error" failure={checked.failure} /> : null}
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
              <button type="submit" aria-label={`Check now: ${p.domain}`}>
                Check now
              </button>
              {checked?.domain === p.domain ? (
                <FormError id={`dns-check-error-${i}`} failure={checked.failure} />
              ) : null}
            </form>
          </li>
        ))}
      </ul>
      <details
        open={
          (team.domains.length === 0 && team.pendingDomains.length === 0) || added !== undefined
        }
      >
        <summary>Add a domain</summary>
        <form method="post" action={`${base}/domains`}>
          <label for="setup-domain">Your company’s email domain</label>
          <input
            id="setup-domain"
            name="domain"
            placeholder="acme.com"
            required
            value={added?.typed.domain}
            aria-invalid={added ? 'true' : undefined}
            aria-describedby={added ? 'setup-domain-error' : undefined}
          />
          {added ? <FormError id="setup-domain-error" failure={added.failure} /> : null}
          <button type="submit" class="secondary">
            Add domain
          </button>
        </form>
      </details>
    </>
  )
}

/** A draft's test and activation buttons; activation stays off, saying why, until a test passes. */
function TestAndActivate(props: { connection: ConnectionView; base: string }) {
  const { connection, base } = props
  const tested = connection.testedAt !== null
  const why = `activate-why-${connection.id}`
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
      <form method="post" action={`${base}/activate`}>
        <input type="hidden" name="connectionId" value={connection.id} />
        <p class="muted">
          Turning single sign-on on makes it the only way in for the team’s members: their passwords
          stop working. The team owner gets a mail.
        </p>
        <button type="submit" disabled={!tested} aria-describedby={tested ? undefined : why}>
          Turn single sign-on on
        </button>
        {tested ? null : (
          <p id={why} class="muted" data-testid="activate-why">
            Available once a test sign-in passes: run “Test sign-in” above first.
          </p>
        )}
      </form>
    </>
  )
}

/** This team's values for a connection's Okta settings: the tile, SCIM and Universal Logout. */
const oktaRows = (uris: SetupUris, connection: ConnectionView): SettingRow[] => [
  ['Initiate login URI', { id: `initiate-${connection.id}`, value: connection.initiateLoginUri }],
  ['SCIM connector base URL', { id: `scim-base-${connection.id}`, value: uris.scimBaseUrl }],
  [
    'Universal Logout endpoint',
    { id: `logout-${connection.id}`, value: uris.universalLogoutUri(connection.id) },
  ],
]

/** The connection's SCIM token: whether one is set, and the form that makes (or replaces) it, shown once. */
function ScimTokenForm(props: { connection: ConnectionView; action: string }) {
  const { connection } = props
  return (
    <form method="post" action={props.action} data-testid="scim-token-form">
      <input type="hidden" name="connectionId" value={connection.id} />
      <p class="muted" data-testid="scim-state">
        {connection.scimEnabled
          ? 'A SCIM API token is set. A new one replaces it at once: Okta must then be given the new one.'
          : 'No SCIM API token yet: create one for Okta’s Provisioning tab (Authentication Mode: HTTP Header). It is shown once.'}
      </p>
      <button type="submit" class="secondary">
        {connection.scimEnabled ? 'Replace the SCIM API token' : 'Create the SCIM API token'}
      </button>
    </form>
  )
}

/** What the Okta admin does once single sign-on is on. */
function NextSteps() {
  return (
    <>
      <h3>What to do next</h3>
      <ol data-testid="next-steps">
        <li>
          In Okta, assign the people who should sign in to the app. They sign in from its tile or
          with “Continue with SSO” and their work email.
        </li>
        <li>
          Set up provisioning (SCIM) with the base URL and a SCIM API token: deactivating someone in
          Okta then signs them out here within a minute.
        </li>
        <li>
          Optionally, give Okta the Universal Logout endpoint, so an Okta admin can sign a person
          out everywhere.
        </li>
      </ol>
    </>
  )
}

/** A live connection: its state, the values Okta needs, its SCIM token and what comes next. */
function LiveConnection(props: { connection: ConnectionView; base: string; uris: SetupUris }) {
  const { connection: c, base, uris } = props
  return (
    <div data-testid="live-connection">
      <p class={c.enabled ? 'ok' : 'bad'} data-testid="live-state">
        {c.enabled
          ? 'Single sign-on is on: it is the only way in for the team’s members.'
          : 'This connection is turned off: ask support to turn it on again.'}
      </p>
      <Settings rows={[['Issuer', c.issuer], ['Client ID', c.clientId], ...oktaRows(uris, c)]} />
      <ScimTokenForm connection={c} action={`${base}/scim-token`} />
      <NextSteps />
    </div>
  )
}

function ConnectionList(props: { team: TeamView; base: string; uris: SetupUris }) {
  const active = props.team.connections.filter((c) => c.status === 'active')
  if (active.length === 0) return null
  return (
    <section class="card" id="live" data-testid="active-connections">
      <h2>Single sign-on is set up</h2>
      {active.map((c) => (
        <LiveConnection connection={c} base={props.base} uris={props.uris} />
      ))}
    </section>
  )
}

/** Steps 1 to 5: the Okta app, its values, the rest of Okta's settings, the domain, the test. */
function Steps(props: {
  team: TeamView
  base: string
  uris: SetupUris
  draft?: ConnectionView | undefined
  refused?: SetupRefusal | undefined
}) {
  const { team, base, uris, draft, refused } = props
  return (
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
        <ValuesForm
          action={`${base}/connection`}
          draft={draft}
          refused={refusalOf(refused, 'connection')}
        />
      </li>
      <li class="card" id="okta-finish">
        <h2>3. Finish the Okta settings</h2>
        {draft ? (
          <>
            <Settings
              rows={[
                ['Login initiated by', 'Either Okta or App'],
                ['Login flow', 'Redirect to app to initiate login (OIDC Compliant)'],
                ['Initiate login URI', { id: 'initiate-uri', value: draft.initiateLoginUri }],
                ['SCIM connector base URL', { id: 'scim-base-url', value: uris.scimBaseUrl }],
                [
                  'Universal Logout endpoint (optional)',
                  { id: 'universal-logout-uri', value: uris.universalLogoutUri(draft.id) },
                ],
              ]}
            />
            <h3>Provisioning (SCIM)</h3>
            <ScimTokenForm connection={draft} action={`${base}/scim-token`} />
          </>
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
        <DomainStep team={team} base={base} refused={refused} />
      </li>
      <li class="card" id="test">
        <h2>5. Test sign-in, then turn it on</h2>
        <p class="muted">
          The test signs you in at Okta and shows what we received, and whether a real sign-in would
          work. It creates no account and changes nothing for the team.
        </p>
        {draft ? (
          <TestAndActivate connection={draft} base={base} />
        ) : (
          <p class="muted">Save the values in step 2 first.</p>
        )}
      </li>
    </ol>
  )
}

export function SetupPage(props: {
  team: TeamView
  base: string
  uris: SetupUris
  notice: SetupNotice | undefined
  refused?: SetupRefusal | undefined
}) {
  const { team, base, uris, refused } = props
  const draft = team.connections.find((c) => c.status === 'draft')
  const live = team.connections.some((c) => c.status === 'active')
  return (
    <Layout title="Set up single sign-on">
      <Style sheet="console" />
      <h1>
        {live ? 'Single sign-on' : 'Set up single sign-on'} for {team.name}
      </h1>
      <div role="status">
        {props.notice ? (
          <p class="card notice" data-testid="notice">
            {setupNotices[props.notice]}
          </p>
        ) : null}
      </div>
      <ConnectionList team={team} base={base} uris={uris} />
      {live && !draft ? (
        <details class="card" data-testid="another-connection" open={refused !== undefined}>
          <summary>Set up another connection</summary>
          <Steps team={team} base={base} uris={uris} refused={refused} />
        </details>
      ) : (
        <Steps team={team} base={base} uris={uris} draft={draft} refused={refused} />
      )}
      <Script name="copy" />
    </Layout>
  )
}

/** The setup link's last page: SSO is on, what Okta still needs, and the link (retired) works no more. */
export function SetupDonePage(props: {
  team: TeamView
  connection: ConnectionView
  uris: SetupUris
}) {
  const { team, connection, uris } = props
  return (
    <Layout title="Single sign-on is on">
      <Style sheet="console" />
      <h1>Single sign-on is on for {team.name}</h1>
      <p class="card notice" role="status" data-testid="notice">
        {setupNotices.activated}
      </p>
      <section class="card" data-testid="live-connection">
        <Settings rows={[['Issuer', connection.issuer], ...oktaRows(uris, connection)]} />
        <p class="muted" data-testid="scim-state">
          {connection.scimEnabled
            ? 'The SCIM API token you created stays in force.'
            : 'No SCIM API token was created: the team owner can create one under Settings › Single sign-on.'}
        </p>
        <NextSteps />
      </section>
      <p data-testid="link-retired">
        This setup link has done its job and no longer works. From now on the team owner manages
        single sign-on (Settings › Single sign-on), or support does.
      </p>
      <Script name="copy" />
    </Layout>
  )
}
