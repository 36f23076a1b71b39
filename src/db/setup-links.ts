// Setup links: the row behind a token's hash, a team's links newest first, revocation.
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Database } from './client'
import { setupLinks } from './schema'

export type SetupLinkRow = typeof setupLinks.$inferSelect

/** Links shown with a team (newest first): older ones still work until they expire. */
const linksShown = 20

export const insertSetupLink = (db: Database, row: typeof setupLinks.$inferInsert) =>
  db.insert(setupLinks).values(row)

export const setupLinkByTokenHash = (db: Database, tokenHash: string) =>
  db.select().from(setupLinks).where(eq(setupLinks.tokenHash, tokenHash)).get()

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
