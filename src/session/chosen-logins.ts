// Login CSRF: who a third-party-initiated login may sign in without asking, and what a browser remembers of its choices.
import * as z from 'zod/mini'

/** One (connection, user) a browser's person confirmed, or signed in as from our own page. */
export const chosenLoginSchema = z.object({ connectionId: z.string(), userId: z.string() })
export type ChosenLogin = z.infer<typeof chosenLoginSchema>

/** How many choices a browser remembers (the newest): enough for a person's few accounts. */
export const maxChosenLogins = 5

export const chosenLoginsSchema = z.object({
  logins: z.array(chosenLoginSchema).check(z.maxLength(maxChosenLogins)),
})

const same = (a: ChosenLogin, b: ChosenLogin) =>
  a.connectionId === b.connectionId && a.userId === b.userId

/** The remembered choices with `login` first (moved there if it was already known), the oldest dropped. */
export const rememberedChoice = (chosen: readonly ChosenLogin[], login: ChosenLogin) =>
  [login, ...chosen.filter((c) => !same(c, login))].slice(0, maxChosenLogins)

/**
 * Whether a login that finds no session in the browser must ask "Continue as …?" before signing `login`'s
 * user in: unless the person started it on our own page (typed their email), or chose that user at that
 * connection in this browser before, a page elsewhere may have sent the browser to sign in as someone else.
 */
export const mustConfirmLogin = (
  login: ChosenLogin,
  started: { spInitiated: boolean; chosen: readonly ChosenLogin[] },
) => !started.spInitiated && !started.chosen.some((c) => same(c, login))
