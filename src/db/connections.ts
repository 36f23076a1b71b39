// SSO connection rows: the lookups for initiate and callback, and the admin's writes.
import { and, asc, eq, gt, isNotNull, lt, or, sql } from 'drizzle-orm'
import type { Database } from './client'
import { identities, ssoConnections, teamDomains } from './schema'

export type ConnectionRecord = Pick<
  typeof ssoConnections.$inferSelect,
  | 'id'
  | 'teamId'
  | 'issuer'
  | 'clientId'
  | 'clientSecretSealed'
  | 'enabled'
  | 'tokenEndpointAuthMethod'
  | 'lastLoginAt'
  | 'createdAt'
  | 'status'
  | 'acrValues'
  | 'groupsClaim'
>

/** The columns of a ConnectionRecord, for every select that yields one. */
const connectionColumns = {
  id: ssoConnections.id,
  teamId: ssoConnections.teamId,
  issuer: ssoConnections.issuer,
  clientId: ssoConnections.clientId,
  clientSecretSealed: ssoConnections.clientSecretSealed,
  enabled: ssoConnections.enabled,
  tokenEndpointAuthMethod: ssoConnections.tokenEndpointAuthMethod,
  lastLoginAt: ssoConnections.lastLoginAt,
  createdAt: ssoConnections.createdAt,
  status: ssoConnections.status,
  acrValues: ssoConnections.acrValues,
  groupsClaim: ssoConnections.groupsClaim,
}

/**
 * The connections of `issuer` and, when it is an origin (an Okta org), of the org's custom authorization
 * servers (`<origin>/oauth2/<id>`, an index range: '0' follows '/'); the caller keeps the ones that accept it.
 */
export const connectionsByIssuer = (db: Database, issuer: string): Promise<ConnectionRecord[]> => {
  const exact = eq(ssoConnections.issuer, issuer)
  const isOrigin = URL.canParse(issuer) && new URL(issuer).origin === issuer
  const customServers = and(
    gt(ssoConnections.issuer, `${issuer}/oauth2/`),
    lt(ssoConnections.issuer, `${issuer}/oauth20`),
  )
  return db
    .select(connectionColumns)
    .from(ssoConnections)
    .where(isOrigin ? or(exact, customServers) : exact)
    .all()
}

export const connectionsById = (db: Database, id: string): Promise<ConnectionRecord[]> =>
  db.select(connectionColumns).from(ssoConnections).where(eq(ssoConnections.id, id)).all()

/**
 * Email login's one read: the SSO connections of the team that has verified `domain` (pending routes no one),
 * oldest first.
 */
export const connectionsForDomain = (db: Database, domain: string): Promise<ConnectionRecord[]> =>
  db
    .select(connectionColumns)
    .from(teamDomains)
    .innerJoin(ssoConnections, eq(ssoConnections.teamId, teamDomains.teamId))
    .where(and(eq(teamDomains.domain, domain), eq(teamDomains.verified, true)))
    .orderBy(asc(ssoConnections.createdAt), asc(ssoConnections.id))
    .all()

/** In the login's one batched write: the connection has proven its credentials at the issuer. */
export const markConnectionUsed = (db: Database, id: string, atSeconds: number) =>
  db.update(ssoConnections).set({ lastLoginAt: atSeconds }).where(eq(ssoConnections.id, id))

export type ConnectionRow = typeof ssoConnections.$inferSelect

export const connectionRow = (db: Database, id: string) =>
  db.select().from(ssoConnections).where(eq(ssoConnections.id, id)).get()

export const insertConnection = (db: Database, row: typeof ssoConnections.$inferInsert) =>
  db.insert(ssoConnections).values(row)

export const updateConnection = (
  db: Database,
  id: string,
  changes: Partial<typeof ssoConnections.$inferInsert>,
) => db.update(ssoConnections).set(changes).where(eq(ssoConnections.id, id)).returning()

/** The connection and the identities linked through it (users and memberships stay). */
export const deleteConnectionStatements = (db: Database, id: string) =>
  [
    db.delete(identities).where(eq(identities.connectionId, id)),
    db.delete(ssoConnections).where(eq(ssoConnections.id, id)),
  ] as const

/** The team's draft connection (setup keeps at most one), if any. */
export const teamDraft = (db: Database, teamId: string) =>
  db
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.teamId, teamId), eq(ssoConnections.status, 'draft')))
    .orderBy(asc(ssoConnections.createdAt), asc(ssoConnections.id))
    .get()

/** The values a test sign-in goes through: a save (even of the same secret, sealed afresh) changes them. */
export type TestedValues = Pick<
  ConnectionRecord,
  'id' | 'issuer' | 'clientId' | 'clientSecretSealed' | 'tokenEndpointAuthMethod'
>

/**
 * A successful test sign-in through `tested`: marks the row only while it still holds exactly those values
 * (one statement), so values saved meanwhile, in any isolate, stay untested.
 */
export const markConnectionTested = (db: Database, tested: TestedValues, atSeconds: number) =>
  db
    .update(ssoConnections)
    .set({ testedAt: atSeconds })
    .where(
      and(
        eq(ssoConnections.id, tested.id),
        eq(ssoConnections.issuer, tested.issuer),
        eq(ssoConnections.clientId, tested.clientId),
        eq(ssoConnections.clientSecretSealed, tested.clientSecretSealed),
        eq(ssoConnections.tokenEndpointAuthMethod, tested.tokenEndpointAuthMethod),
      ),
    )

/**
 * A tested draft of `teamId` becomes active and enabled (SSO-only begins); the returned row says whether it
 * was one (an untested draft, another team's or an active connection changes nothing).
 */
/** Holds once `activateDraft` at `atSeconds` turned the connection on (for a row written only then). */
export const activatedAt = (id: string, atSeconds: number) =>
  sql`exists (select 1 from ${ssoConnections} where ${ssoConnections.id} = ${id} and ${ssoConnections.status} = 'active' and ${ssoConnections.updatedAt} = ${atSeconds})`

export const activateDraft = (db: Database, teamId: string, id: string, atSeconds: number) =>
  db
    .update(ssoConnections)
    .set({ status: 'active', enabled: true, updatedAt: atSeconds })
    .where(
      and(
        eq(ssoConnections.id, id),
        eq(ssoConnections.teamId, teamId),
        eq(ssoConnections.status, 'draft'),
        isNotNull(ssoConnections.testedAt),
      ),
    )
    .returning()
