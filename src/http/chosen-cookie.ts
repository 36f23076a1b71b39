// The logins a browser's person chose (connection, user), in a long-lived signed cookie: a tile login for one of them is not asked again.
import type { Context } from 'hono'
import type { SessionKey } from '../env'
import { type ChosenLogin, chosenLoginsSchema, rememberedChoice } from '../session/chosen-logins'
import { readSignedCookie, writeSignedCookie } from './signed-cookie'

const cookieName = 'edge_sso_chosen'

/** A year: how long a browser's choice spares its person the question (browsers cap cookies at 400 days). */
const chosenLifetimeSeconds = 365 * 24 * 60 * 60

/** The (connection, user) pairs this browser's person chose, newest first; none when absent or unsigned. */
export async function chosenLogins(
  c: Context,
  keys: readonly SessionKey[],
): Promise<readonly ChosenLogin[]> {
  const cookie = await readSignedCookie(
    c,
    { name: cookieName, purpose: 'chosen-logins', keys },
    chosenLoginsSchema,
  )
  return cookie?.logins ?? []
}

/** Remembers that this browser's person chose to sign in as `login.userId` through `login.connectionId`. */
export async function rememberChosenLogin(
  c: Context,
  keys: readonly SessionKey[],
  login: ChosenLogin,
) {
  const logins = rememberedChoice(await chosenLogins(c, keys), login)
  await writeSignedCookie(
    c,
    {
      name: cookieName,
      purpose: 'chosen-logins',
      keys,
      maxAgeSeconds: chosenLifetimeSeconds,
    },
    { logins },
  )
}
