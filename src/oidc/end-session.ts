// RP-initiated logout: the URL that ends the user's session at the IdP and brings them back to us.
// @see OpenID Connect RP-Initiated Logout 1.0 §2
import type * as oauth from 'oauth4webapi'

/** The end_session_endpoint with id_token_hint, client_id, state and post_logout_redirect_uri; none without the endpoint. */
export function endSessionUrl(
  as: oauth.AuthorizationServer,
  params: { idToken: string; clientId: string; state: string; postLogoutRedirectUri: string },
): URL | undefined {
  if (!as.end_session_endpoint) return undefined
  const url = new URL(as.end_session_endpoint)
  url.searchParams.set('id_token_hint', params.idToken)
  url.searchParams.set('client_id', params.clientId)
  url.searchParams.set('state', params.state)
  url.searchParams.set('post_logout_redirect_uri', params.postLogoutRedirectUri)
  return url
}
