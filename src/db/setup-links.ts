// Setup links: the row behind a token's hash, a team's links newest first, revocation and retirement.
import { and, desc, eq, exists, getTableColumns, isNull } from 'drizzle-orm'
import type { Database } from './client'
import { setupLinks, ssoConnections } from './schema'

export type SetupLinkRow = typeof setupLinks.$inferSelect

/** Links shown with a team (newest first): older ones still work until they expire. */
const linksShown = 20

export const insertSetupLink = (db: Database, row: typeof setupLinks.$inferInsert) =>
  db.insert(setupLinks).values(row)

/** The link behind a token's hash, with whether its team already signs in with an active, enabled connection. */
export const setupLinkByTokenHash = (db: Database, tokenHash: string) =>
  db
    .select({
      ...getTableColumns(setupLinks),
      teamOnSso: exists(
        db
          .select({ id: ssoConnections.id })
          .from(ssoConnections)
          .where(
            and(
              eq(ssoConnections.teamId, setupLinks.teamId),
              eq(ssoConnections.status, 'active'),
              eq(ssoConnections.enabled, true),
            ),
          ),
      ).mapWith(Boolean),
    })
    .from(setupLinks)
    .where(eq(setupLinks.tokenHash, tokenHash))
    .get()

export const teamSetupLinks = (db: Database, teamId: string) =>
  db
    .select()
    .from(setupLinks)
    .where(eq(setupLinks.teamId, teamId))
    .orderBy(desc(setupLinks.createdAt), desc(setupLinks.id))
    .limit(linksShown)
    .all()

/** Revokes one of the team's links (once); the returned row says whether there was one to revoke. */
export const revokeSetupLinkRow = (db: Database, teamId: string, id: string, atSeconds: number) =>
  db
    .update(setupLinks)
    .set({ revokedAt: atSeconds })
    .where(and(eq(setupLinks.teamId, teamId), eq(setupLinks.id, id), isNull(setupLinks.revokedAt)))
    .returning({ id: setupLinks.id })

/**
 * A link sets SSO up once: every live link of the team stops working when a connection of the team is
 * activated. With `once`, only when that connection is active by then (sent in the batch that activates it).
 */
export const retireSetupLinks = (
  db: Database,
  teamId: string,
  atSeconds: number,
  once?: { activeConnectionId: string },
) =>
  db
    .update(setupLinks)
    .set({ revokedAt: atSeconds })
    .where(
      and(
        eq(setupLinks.teamId, teamId),
        isNull(setupLinks.revokedAt),
        once
          ? exists(
              db
                .select({ id: ssoConnections.id })
                .from(ssoConnections)
                .where(
                  and(
                    eq(ssoConnections.id, once.activeConnectionId),
                    eq(ssoConnections.status, 'active'),
                  ),
                ),
            )
          : undefined,
      ),
    )
