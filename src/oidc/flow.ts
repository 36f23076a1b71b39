// The authorization code flow over oauth4webapi: the authorization URL, then the callback's checks.
import * as oauth from 'oauth4webapi'
import { AppError } from '../errors'
import { ResponseTooLarge } from '../upstream'
import type { ConnectionSecrets } from '../connections'
import type { SsoClaims } from '../provisioning'
import { requestOptions, sharedRequestOptions, type UpstreamOptions } from './discovery'
import { withKeyCache } from './key-cache'
import type { LoginTransaction } from './transaction'

const tokenTimeoutMs = 10_000
const scope = 'openid email profile'

/** Who issued the validated ID token, and for whom (setup's test sign-in shows them). */
export interface TokenFacts {
  iss: string
  aud: string[]
}

/** The claims, and the raw ID token kept (sealed) with the session as the id_token_hint for RP-initiated logout. */
export interface VerifiedClaims extends SsoClaims {
  idToken?: string
  token: TokenFacts
  /** When the person authenticated at the IdP (s), if the ID token says. */
  authTime?: number
  /** The authentication context class the IdP reports (`acr`), if any. */
  acr?: string
  /** The groups the connection's groups claim lists (ID token, or userinfo when it was fetched), if it is there. */
  groups?: string[]
}

/** What an authorization request asks for besides the client and its redirect. */
export interface AuthorizationAsk {
  clientId: string
  redirectUri: string
  loginHint?: string
  /** `max_age` (0: the person must authenticate again now). */
  maxAge?: number
  /** `acr_values`, space-separated, as the connection carries them. */
  acrValues?: string | null
}

/**
 * Builds the authorization request: PKCE S256, state and nonce, always; `max_age` and `acr_values` when asked.
 * @see RFC 7636 §4, OpenID Connect Core 1.0 §3.1.2.1
 */
export async function authorizationRequest(
  as: oauth.AuthorizationServer,
  ask: AuthorizationAsk,
): Promise<{ url: URL; state: string; nonce: string; verifier: string }> {
  const { clientId, redirectUri, loginHint } = ask
  if (!as.authorization_endpoint)
    throw new AppError('idp_response_invalid', { cause: 'no authorization_endpoint' })
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const url = new URL(as.authorization_endpoint)
  url.searchParams.set('client_id', clientId)
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('scope', scope)
  url.searchParams.set('state', state)
  url.searchParams.set('nonce', nonce)
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
  url.searchParams.set('code_challenge_method', 'S256')
  if (loginHint) url.searchParams.set('login_hint', loginHint)
  if (ask.maxAge !== undefined) url.searchParams.set('max_age', String(ask.maxAge))
  if (ask.acrValues) url.searchParams.set('acr_values', ask.acrValues)
  return { url, state, nonce, verifier }
}

const transportCodes = new Set([
  oauth.RESPONSE_IS_NOT_CONFORM,
  oauth.RESPONSE_IS_NOT_JSON,
  oauth.PARSE_ERROR,
])

/** oauth4webapi's `maxAge` check: the ID token's `auth_time` is older than the login allows. */
const isStaleAuthTime = (error: unknown) =>
  error instanceof oauth.OperationProcessingError &&
  error.code === oauth.JWT_TIMESTAMP_CHECK &&
  (error.cause as { claim?: unknown } | undefined)?.claim === 'auth_time'

/** Sorts what oauth4webapi threw into our codes: unreachable, untrustworthy response, or a token that failed. */
function classify(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (isStaleAuthTime(error)) return new AppError('reauth_stale', { cause: error })
  if (error instanceof ResponseTooLarge)
    return new AppError('idp_response_invalid', { cause: error })
  if (error instanceof oauth.ResponseBodyError)
    return new AppError('code_rejected', { cause: error.error })
  // A 401 with a challenge is the token endpoint refusing our client credentials (RFC 6749 §5.2).
  if (error instanceof oauth.WWWAuthenticateChallengeError)
    return new AppError('code_rejected', {
      cause: error.status === 401 ? 'invalid_client' : error.code,
    })
  if (error instanceof oauth.OperationProcessingError) {
    return new AppError(
      transportCodes.has(error.code ?? '') ? 'idp_response_invalid' : 'token_invalid',
      { cause: error.code },
    )
  }
  if (error instanceof oauth.UnsupportedOperationError)
    return new AppError('token_invalid', { cause: error.code })
  return new AppError('idp_unreachable', { cause: error })
}

/** oauth4webapi reports a missing or foreign `state` as INVALID_RESPONSE expecting our state. */
const isStateMismatch = (error: unknown, expectedState: string) =>
  error instanceof oauth.OperationProcessingError &&
  error.code === oauth.INVALID_RESPONSE &&
  (error.cause as { expected?: unknown } | undefined)?.expected === expectedState

/** Checks the authorization response against the transaction: state, RFC 9207 `iss`, `error=`. */
export function validateCallback(
  as: oauth.AuthorizationServer,
  clientId: string,
  callbackUrl: URL,
  tx: LoginTransaction,
): URLSearchParams {
  try {
    return oauth.validateAuthResponse(as, { client_id: clientId }, callbackUrl, tx.state)
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new AppError('idp_denied', { cause: error.error })
    }
    throw new AppError(
      isStateMismatch(error, tx.state) ? 'login_state_mismatch' : 'callback_invalid',
      {
        cause: error,
      },
    )
  }
}

/**
 * Exchanges the code and validates the ID token (iss, aud, azp, exp, iat, nonce, sub), then checks its
 * signature against the cached JWKS, refetching once on an unknown key. Asks `/userinfo` only when the
 * ID token lacks `email` or `email_verified` (Okta's thin ID token), so a token that carries both costs
 * no second fetch.
 * @see OpenID Connect Core 1.0 §3.1.3.7
 */
export async function exchangeCode(
  o: UpstreamOptions,
  as: oauth.AuthorizationServer,
  callback: {
    connection: ConnectionSecrets & { groupsClaim?: string }
    params: URLSearchParams
    redirectUri: string
    tx: LoginTransaction
  },
): Promise<VerifiedClaims> {
  const { connection, params, redirectUri, tx } = callback
  const groupsClaim = connection.groupsClaim ?? 'groups'
  const client: oauth.Client = { client_id: connection.clientId }
  const clientAuth =
    connection.tokenEndpointAuthMethod === 'client_secret_post'
      ? oauth.ClientSecretPost(connection.clientSecret)
      : oauth.ClientSecretBasic(connection.clientSecret)
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      tx.verifier,
      requestOptions(o, tokenTimeoutMs),
    )
    // A fresh authentication asked for max_age=0: oauth4webapi requires auth_time and checks its age.
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: tx.nonce,
      requireIdToken: true,
      ...(tx.reauth ? { maxAge: 0 } : {}),
    })
    await verifySignature(o, as, response)
    const claims = oauth.getValidatedIdTokenClaims(tokens)
    if (!claims) throw new AppError('token_invalid', { cause: 'no id_token' })
    const token = { iss: claims.iss, aud: [claims.aud].flat() }
    const session = {
      idToken: tokens.id_token,
      token,
      authTime: claims.auth_time,
      acr: typeof claims.acr === 'string' ? claims.acr : undefined,
    }
    const fromIdToken = {
      ...readClaims(claims),
      ...session,
      groups: readGroups(claims[groupsClaim]),
    }
    if (fromIdToken.email && fromIdToken.emailVerified !== undefined) return fromIdToken
    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      claims.sub,
      await oauth.userInfoRequest(as, client, tokens.access_token, requestOptions(o)),
    )
    const groups = fromIdToken.groups ?? readGroups(userinfo[groupsClaim])
    return { ...withUserinfo(fromIdToken, readClaims(userinfo)), ...session, groups }
  } catch (error) {
    throw classify(error)
  }
}

/**
 * The ID token's signature against the issuer's keys, through oauth4webapi's documented `jwksCache`:
 * keys younger than five minutes serve, an unknown `kid` refetches them once they are a minute old.
 */
const verifySignature = (
  o: UpstreamOptions,
  as: oauth.AuthorizationServer,
  tokenResponse: Response,
) =>
  withKeyCache(o, { owner: 'id-token', issuer: as.issuer }, (cache) =>
    oauth.validateApplicationLevelSignature(as, tokenResponse, {
      ...sharedRequestOptions(o),
      [oauth.jwksCache]: cache as oauth.JWKSCacheInput,
    }),
  )

/**
 * The ID token's claims completed by `/userinfo`: an email userinfo gives comes with its own
 * `email_verified` (a verdict on one address never vouches for another); otherwise userinfo's verdict
 * on the ID token's email. `false` from either is kept, and refused by the rule.
 */
function withUserinfo(idToken: SsoClaims, userinfo: SsoClaims): SsoClaims {
  const pair = userinfo.email
    ? { email: userinfo.email, emailVerified: userinfo.emailVerified }
    : { email: idToken.email, emailVerified: userinfo.emailVerified ?? idToken.emailVerified }
  return {
    ...pair,
    sub: idToken.sub,
    name: userinfo.name ?? idToken.name,
    hostedDomain: idToken.hostedDomain ?? userinfo.hostedDomain,
  }
}

/** The claims as sent; the email only trimmed (`comparableEmail` folds and checks it). */
function readClaims(claims: Record<string, unknown>): SsoClaims {
  const email =
    typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim() : undefined
  const verified = claims.email_verified
  return {
    sub: String(claims.sub),
    email,
    emailVerified:
      typeof verified === 'boolean'
        ? verified
        : verified === 'true'
          ? true
          : verified === 'false'
            ? false
            : undefined,
    name:
      typeof claims.name === 'string' && claims.name.trim()
        ? claims.name.trim().slice(0, 200)
        : undefined,
    // Google's `hd`: present for Workspace accounts only.
    hostedDomain: typeof claims.hd === 'string' ? claims.hd : undefined,
  }
}

/** A groups claim as IdPs send it: an array of names (Okta, Entra), or one name; anything else: absent. */
function readGroups(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string').slice(0, 1000)
  return undefined
}
