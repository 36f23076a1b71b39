// The IdPs customers run, as their vendors document them: discovery documents, endpoints and ID-token claims.
import type { IdpUser, VendorProfile } from './provider'

/** A vendor's IdP and how it describes one of its users (what userinfo answers, and what shapes the token). */
export interface Vendor {
  name: string
  profile: VendorProfile
  /** The person as the vendor's directory holds them (the claims its userinfo answers). */
  user: (person: { sub: string; email: string; name: string }) => IdpUser
  /** Whether the vendor's dashboard launches apps with `iss` (OIDC third-party initiated login). */
  tiles: boolean
  /** A verified email outside the team's domains, with what the vendor says about the account beside it. */
  outsider: (person: { sub: string; email: string; name: string }, teamDomain: string) => IdpUser
}

const okta = (base: string, discoveryExtras: Record<string, unknown> = {}): VendorProfile => ({
  issuer: base,
  endpoints: {
    authorize: `${base}/v1/authorize`,
    token: `${base}/v1/token`,
    userinfo: `${base}/v1/userinfo`,
    jwks: `${base}/v1/keys`,
    logout: `${base}/v1/logout`,
  },
  discovery: {
    registration_endpoint: `${base}/v1/clients`,
    introspection_endpoint: `${base}/v1/introspect`,
    revocation_endpoint: `${base}/v1/revoke`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: [
      'openid',
      'email',
      'profile',
      'address',
      'phone',
      'offline_access',
      'groups',
    ],
    token_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ],
    claims_supported: [
      'iss',
      'ver',
      'sub',
      'aud',
      'iat',
      'exp',
      'jti',
      'auth_time',
      'amr',
      'idp',
      'nonce',
      'name',
      'nickname',
      'preferred_username',
      'given_name',
      'middle_name',
      'family_name',
      'email',
      'email_verified',
      'profile',
      'zoneinfo',
      'locale',
      'address',
      'phone_number',
      'picture',
      'website',
      'gender',
      'birthdate',
      'updated_at',
      'at_hash',
      'c_hash',
    ],
    code_challenge_methods_supported: ['S256'],
    request_parameter_supported: true,
    ...discoveryExtras,
  },
  // Okta's thin ID token: the profile claims come from /userinfo.
  thinIdToken: true,
  idTokenClaims: (user) => ({
    ver: 1,
    jti: `ID.${user.sub}`,
    amr: ['pwd'],
    idp: '00o1a2b3c4d5e6f7g8h9',
    preferred_username: user.email,
  }),
})

const oktaUser = ({ sub, email, name }: { sub: string; email: string; name: string }) => ({
  sub,
  email,
  email_verified: true,
  name,
  preferred_username: email,
})

/**
 * Okta's org authorization server (`https://<org>`), paths under `/oauth2/v1`.
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/ (OpenID Connect & OAuth 2.0 API:
 * `/.well-known/openid-configuration`, the ID token's claims `ver`, `jti`, `amr`, `idp`, `preferred_username`)
 */
export const oktaOrg = (org: string): Vendor => ({
  name: 'Okta org authorization server',
  profile: { ...okta(`${org}/oauth2`), issuer: org },
  user: oktaUser,
  tiles: true,
  outsider: (person) => oktaUser(person),
})

/**
 * An Okta custom authorization server (`https://<org>/oauth2/<id>`); the dashboard tile sends `iss=<org>`.
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS (its metadata under
 * `/oauth2/{authorizationServerId}`)
 */
export const oktaCustom = (org: string, id = 'default'): Vendor => ({
  name: 'Okta custom authorization server',
  profile: okta(`${org}/oauth2/${id}`),
  user: oktaUser,
  tiles: true,
  outsider: (person) => oktaUser(person),
})

/**
 * Microsoft Entra ID, v2.0 endpoint of one tenant. No `email_verified` anywhere; `email` only as an
 * optional claim, else from Graph's userinfo; `sub` pairwise per app, `oid` and `tid` beside it.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc (the discovery document)
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/userinfo (graph.microsoft.com/oidc/userinfo)
 */
export const entra = (tenantId: string): Vendor => {
  const login = `https://login.microsoftonline.com/${tenantId}`
  return {
    name: 'Microsoft Entra ID (v2.0, one tenant)',
    profile: {
      issuer: `${login}/v2.0`,
      endpoints: {
        authorize: `${login}/oauth2/v2.0/authorize`,
        token: `${login}/oauth2/v2.0/token`,
        userinfo: 'https://graph.microsoft.com/oidc/userinfo',
        jwks: `${login}/discovery/v2.0/keys`,
        logout: `${login}/oauth2/v2.0/logout`,
      },
      discovery: {
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        request_uri_parameter_supported: false,
        device_authorization_endpoint: `${login}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        claims_supported: [
          'sub',
          'iss',
          'cloud_instance_name',
          'cloud_instance_host_name',
          'cloud_graph_host_name',
          'msgraph_host',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'acr',
          'nonce',
          'preferred_username',
          'name',
          'tid',
          'ver',
          'at_hash',
          'c_hash',
          'email',
        ],
        kerberos_endpoint: `${login}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
      // No `email` optional claim configured: the email comes from userinfo.
      thinIdToken: true,
      idTokenClaims: (user) => ({
        ver: '2.0',
        tid: tenantId,
        oid: `oid-${user.sub}`,
        preferred_username: user.preferred_username,
        name: user.name,
        nbf: Math.floor(Date.now() / 1000) - 300,
        aio: 'AWQAm/8TAAAA',
        rh: '0.ARoAv4j5cvGGr0GRqy180BHbR',
        uti: 'fqiBqXLPj0eQa82S-IYFAA',
      }),
    },
    // Graph's userinfo: sub, name, given/family name, picture, email; never email_verified.
    user: ({ sub, email, name }) => ({ sub, email, name, preferred_username: email }),
    tiles: false,
    outsider: ({ sub, email, name }) => ({ sub, email, name, preferred_username: email }),
  }
}

/**
 * Google (Workspace accounts carry `hd`, the Workspace's domain); endpoints on four hosts, no logout.
 * @see https://developers.google.com/identity/openid-connect/openid-connect (the discovery document at
 * https://accounts.google.com/.well-known/openid-configuration, and the ID token's claims, `hd` among them)
 */
export const google = (): Vendor => ({
  name: 'Google Workspace',
  profile: {
    issuer: 'https://accounts.google.com',
    endpoints: {
      authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      userinfo: 'https://openidconnect.googleapis.com/v1/userinfo',
      jwks: 'https://www.googleapis.com/oauth2/v3/certs',
      logout: 'https://accounts.google.com/Logout',
    },
    discovery: {
      device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
      revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      response_types_supported: [
        'code',
        'token',
        'id_token',
        'code token',
        'code id_token',
        'token id_token',
        'code token id_token',
        'none',
      ],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: [
        'aud',
        'email',
        'email_verified',
        'exp',
        'family_name',
        'given_name',
        'iat',
        'iss',
        'name',
        'picture',
        'sub',
      ],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
    },
    idTokenClaims: (user, clientId) => ({
      azp: clientId,
      at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
      picture: 'https://lh3.googleusercontent.com/a/default-user',
      given_name: String(user.name ?? '').split(' ')[0],
    }),
  },
  user: ({ sub, email, name }) => ({
    sub,
    email,
    email_verified: true,
    name,
    hd: email.slice(email.indexOf('@') + 1),
  }),
  tiles: false,
  // A Workspace account whose address is outside the team's domains, its `hd` the team's domain.
  outsider: ({ sub, email, name }, teamDomain) => ({
    sub,
    email,
    email_verified: true,
    name,
    hd: teamDomain,
  }),
})

/**
 * JumpCloud: one issuer for every organisation, with a trailing slash (an Ory Hydra server).
 * @see https://jumpcloud.com/support/sso-with-oidc (issuer https://oauth.id.jumpcloud.com/, the Email and
 * Profile standard scopes, client secret basic or post)
 */
export const jumpcloud = (): Vendor => {
  const base = 'https://oauth.id.jumpcloud.com'
  return {
    name: 'JumpCloud',
    profile: {
      issuer: `${base}/`,
      endpoints: {
        authorize: `${base}/oauth2/auth`,
        token: `${base}/oauth2/token`,
        userinfo: `${base}/userinfo`,
        jwks: `${base}/.well-known/jwks.json`,
        logout: `${base}/oauth2/sessions/logout`,
      },
      discovery: {
        revocation_endpoint: `${base}/oauth2/revoke`,
        subject_types_supported: ['public'],
        response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token', 'token'],
        claims_supported: ['sub'],
        grant_types_supported: [
          'authorization_code',
          'implicit',
          'client_credentials',
          'refresh_token',
        ],
        response_modes_supported: ['query', 'fragment'],
        userinfo_signing_alg_values_supported: ['none', 'RS256'],
        id_token_signing_alg_values_supported: ['RS256'],
        request_parameter_supported: true,
        request_uri_parameter_supported: true,
        require_request_uri_registration: true,
        claims_parameter_supported: false,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
        code_challenge_methods_supported: ['plain', 'S256'],
      },
      idTokenClaims: (user, clientId) => ({
        aud: [clientId],
        rat: Math.floor(Date.now() / 1000),
        jti: `jti-${user.sub}`,
        sid: `sid-${user.sub}`,
        at_hash: 'ZP8Fk5ey9GVP3yiLi4Y2nw',
        given_name: String(user.name ?? '').split(' ')[0],
      }),
    },
    user: ({ sub, email, name }) => ({ sub, email, email_verified: true, name }),
    tiles: false,
    outsider: ({ sub, email, name }) => ({ sub, email, email_verified: true, name }),
  }
}
