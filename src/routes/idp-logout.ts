// Where POST /logout sends an SSO user whose connection ends the IdP session too (endIdpSession).
import type { Context } from 'hono'
import { randomId } from '../crypto/encoding'
import { unseal } from '../crypto/secret-box'
import { loadEndSessionFacts } from '../db/revocation'
import type { AppEnv } from '../env'
import { describeCause, log } from '../log'
import { db, upstream } from '../http/context'
import { discover } from '../oidc/discovery'
import { endSessionUrl } from '../oidc/end-session'

/**
 * The issuer's end_session_endpoint for this session, or undefined when the connection does not ask for
 * it or it cannot be built (no ID token kept, discovery failing, no endpoint): logout then stays local.
 */
export async function idpLogoutLocation(
  c: Context<AppEnv>,
  sessionRowId: string,
): Promise<string | undefined> {
  const facts = await loadEndSessionFacts(db(c), sessionRowId)
  if (!facts?.endIdpSession || !facts.idTokenSealed) return undefined
  try {
    const idToken = await unseal(c.var.config.dataKey, facts.idTokenSealed, sessionRowId)
    const as = await discover(upstream(c), facts.issuer)
    return endSessionUrl(as, {
      idToken,
      clientId: facts.clientId,
      state: randomId(),
      postLogoutRedirectUri: `${c.var.config.publicOrigin}/`,
    })?.href
  } catch (error) {
    log('info', 'idp_logout_skipped', { cause: describeCause(error) })
    return undefined
  }
}
