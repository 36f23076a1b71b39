// Mailed single-use links: the token rows, their facts at use, and the writes a use makes (guarded by the use).
import { and, eq, exists, gt, isNull, sql } from 'drizzle-orm'
import type { EmailTokenPurpose } from '../vocabulary'
import type { Database } from './client'
import { emailTokens, sessions, users } from './schema'
import { selectUserWithTeam } from './users'

export type EmailTokenRow = typeof emailTokens.$inferInsert

export const insertEmailToken = (db: Database, row: EmailTokenRow) =>
  db.insert(emailTokens).values(row)

/** Links of one purpose an account may be sent in an hour; past it, "forgot my password" mails nothing. */
export const emailLinksPerHour = 3

/**
 * A token row for the user with `email`, only when `issue` and fewer than `emailLinksPerHour` links of its
 * purpose were made for them in the last hour (written either way as the same one statement, so an unknown
 * email costs what a known one does). Returns the row when it was written.
 */
export const insertEmailTokenFor = (
  db: Database,
  email: string,
  issue: boolean,
  row: Omit<EmailTokenRow, 'userId'>,
) => {
  const recent = db
    .select({ n: sql`count(*)` })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.userId, users.id),
        eq(emailTokens.purpose, row.purpose),
        gt(emailTokens.createdAt, sql`unixepoch() - 3600`),
      ),
    )
  return db
    .insert(emailTokens)
    .select(
      db
        .select({
          id: sql<string>`${row.id}`.as('id'),
          userId: users.id,
          purpose: sql<string>`${row.purpose}`.as('purpose'),
          expiresAt: sql<number>`${row.expiresAt}`.as('expires_at'),
          consumedBy: sql<null>`null`.as('consumed_by'),
          createdAt: sql<number>`unixepoch()`.as('created_at'),
        })
        .from(users)
        .where(
          and(
            eq(users.email, email),
            sql`${issue ? 1 : 0} = 1`,
            sql`(${recent}) < ${emailLinksPerHour}`,
          ),
        ),
    )
    .returning({ id: emailTokens.id })
}

/**
 * Ends the user's live mailed links (reset and verification) as of `nowSeconds`: their email changed, so a
 * link mailed to the old address no longer speaks for the account.
 */
export const endLiveEmailTokens = (db: Database, userId: string, nowSeconds: number) =>
  db
    .update(emailTokens)
    .set({ expiresAt: nowSeconds })
    .where(
      and(
        eq(emailTokens.userId, userId),
        isNull(emailTokens.consumedBy),
        gt(emailTokens.expiresAt, nowSeconds),
      ),
    )

/** The unused, unexpired token's user, with their team and whether its SSO is on; undefined otherwise. */
export const liveEmailToken = (
  db: Database,
  id: string,
  purpose: EmailTokenPurpose,
  nowSeconds: number,
) =>
  selectUserWithTeam(db, {})
    .innerJoin(emailTokens, eq(emailTokens.userId, users.id))
    .where(
      and(
        eq(emailTokens.id, id),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.consumedBy),
        gt(emailTokens.expiresAt, nowSeconds),
      ),
    )
    .get()

/**
 * The use of a token, in one batch: `consume` marks it used by `useId` (and returns a row only if this use
 * won), and `guard` makes every other write of the batch apply only if it did.
 */
export function tokenUse(db: Database, id: string, useId: string, nowSeconds: number) {
  const won = exists(
    db
      .select({ one: sql`1` })
      .from(emailTokens)
      .where(and(eq(emailTokens.id, id), eq(emailTokens.consumedBy, useId))),
  )
  return {
    /** Holds, inside the batch, only when this use consumed the token. */
    won,
    consume: db
      .update(emailTokens)
      .set({ consumedBy: useId })
      .where(
        and(
          eq(emailTokens.id, id),
          isNull(emailTokens.consumedBy),
          gt(emailTokens.expiresAt, nowSeconds),
        ),
      )
      .returning({ userId: emailTokens.userId }),
    updateUser: (userId: string, changes: Partial<typeof users.$inferInsert>) =>
      db
        .update(users)
        .set(changes)
        .where(and(eq(users.id, userId), won)),
    revokeSessions: (userId: string) =>
      db
        .update(sessions)
        .set({ revokedAt: nowSeconds })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), won)),
  }
}
