// A setup test sign-in's result: the claims received and what a real login would do, or why the test failed.
import type { ErrorCode } from '../errors'
import { AppError } from '../errors'
import type { TokenFacts } from '../oidc/flow'
import type { SsoClaims } from '../provisioning'
import type { TestVerdict } from '../setup/test-sign-in'
import { Layout } from './layout'
import { Style } from './styles'

/** What to fix in Okta or on the setup page, for the failures a test sign-in typically meets. */
const hints: Partial<Record<ErrorCode, string>> = {
  code_rejected:
    'Okta did not accept our client credentials. Copy the Client ID and Client Secret again from the app’s General tab in Okta, save them on the setup page and test again.',
  idp_denied:
    'Okta refused the sign-in: check that you are assigned to the app (Assignments tab) and that its grant type is Authorization Code.',
  token_invalid:
    'The ID token failed our checks: check that the issuer you entered is the one in the app’s OpenID Provider Metadata.',
  idp_unreachable: 'We could not reach the issuer: check the issuer URL and try again.',
  idp_response_invalid: 'The issuer answered with something we cannot use: check the issuer URL.',
  domain_not_allowed:
    'Your email’s domain is not a verified domain of this team yet: add it and prove it with its DNS record on the setup page, then test again.',
  email_missing:
    'Okta sent no email address: make sure the app is granted the email scope and your Okta profile has one.',
  email_unverified:
    'Your identity provider says your email address is not verified, and its domain is not a verified domain of this team: prove the domain on the setup page, then test again.',
  hosted_domain_mismatch:
    'Google says your account belongs to a Workspace whose primary domain is not your email’s domain: test with an account whose address is in the Workspace’s primary domain.',
  member_of_another_team:
    'This person already belongs to another team here, so they could not join this one. Test with someone of this team.',
  identity_conflict:
    'This account already signs in through another identity (at this or another connection of the team), so a second one is not linked to it. Test with someone who has no account here yet, or ask support.',
  email_invalid:
    'Okta sent an email that is not one plain address: check the email attribute of your Okta profile.',
  connection_changed:
    'The connection’s values were saved again while this test ran. Test again: the test is bound to the values it starts with.',
}

const hintFor = (code: ErrorCode, cause: string | undefined) =>
  code === 'code_rejected' && cause === 'invalid_client'
    ? 'Okta answered invalid_client: the Client Secret (or Client ID) is wrong. Copy it again from the app’s General tab in Okta, save it on the setup page and test again.'
    : hints[code]

function Back(props: { href: string }) {
  return (
    <p>
      <a href={props.href} data-testid="back-to-setup">
        Back to the setup page
      </a>
    </p>
  )
}

export function TestSignInPage(props: {
  claims: SsoClaims
  token: TokenFacts
  verdict: TestVerdict
  back: string
}) {
  const { claims, verdict } = props
  const shown = (value: string | boolean | undefined) =>
    value === undefined ? <span class="muted">(not sent)</span> : <code>{String(value)}</code>
  return (
    <Layout title="Test sign-in">
      <Style sheet="console" />
      <h1>Test sign-in</h1>
      {verdict.outcome === 'would_sign_in' ? (
        <p class="card notice" role="status" data-testid="test-result" data-outcome="passed">
          Test passed: a real sign-in would{' '}
          {verdict.newAccount
            ? 'create an account for this person and add them to the team'
            : verdict.joinsTeam
              ? 'add this person’s account to the team'
              : 'sign this member in'}
          . Nothing was created and nobody was signed in by this test.
        </p>
      ) : (
        <div class="card error" role="status" data-testid="test-result" data-outcome="refused">
          <p>
            The connection works, but a real sign-in of this person would be refused:{' '}
            <code data-testid="refusal-code">{verdict.code}</code>.{' '}
            {new AppError(verdict.code).message}
          </p>
          {hints[verdict.code] ? <p>{hints[verdict.code]}</p> : null}
        </div>
      )}
      <div class="card">
        <h2>What Okta sent</h2>
        <dl data-testid="claims">
          <dt>sub</dt>
          <dd>{shown(claims.sub)}</dd>
          <dt>email</dt>
          <dd>{shown(claims.email)}</dd>
          <dt>email_verified</dt>
          <dd>{shown(claims.emailVerified)}</dd>
          <dt>name</dt>
          <dd>{shown(claims.name)}</dd>
          <dt>ID token iss</dt>
          <dd>{shown(props.token.iss)}</dd>
          <dt>ID token aud</dt>
          <dd>{shown(props.token.aud.join(', '))}</dd>
        </dl>
      </div>
      <Back href={props.back} />
    </Layout>
  )
}

export function TestSignInFailedPage(props: {
  code: ErrorCode
  message: string
  cause: string | undefined
  referenceId: string
  back: string
}) {
  const hint = hintFor(props.code, props.cause)
  return (
    <Layout title="Test sign-in failed">
      <Style sheet="console" />
      <h1>Test sign-in failed</h1>
      <div class="card error" role="status" data-testid="test-result" data-outcome="failed">
        <p data-testid="error-message">{props.message}</p>
        {hint ? <p data-testid="test-hint">{hint}</p> : null}
        <p class="muted">
          Error code <code data-testid="error-code">{props.code}</code> · reference{' '}
          <code data-testid="reference-id">{props.referenceId}</code>
        </p>
      </div>
      <Back href={props.back} />
    </Layout>
  )
}
