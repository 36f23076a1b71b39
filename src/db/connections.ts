// SSO connection rows: lookups for initiate and callback (with an in-isolate copy), sealing of the secret.
import { eq } from 'drizzle-orm'
import { unseal } from '../crypto/secret-box'
import type { Runtime } from '../runtime'
import type { Database } from './client'
import { ssoConnections, teamDomains } from './schema'

export type ConnectionRecord = Pick<
  typeof ssoConnections.$inferSelect,
  | 'id'
  | 'teamId'
  | 'issuer'
  | 'clientId'
  | 'clientSecretSealed'
  | 'enabled'
  | 'tokenEndpointAuthMethod'
>

export interface ConnectionSecrets {
  clientId: string
  clientSecret: string
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post'
}

/** How long an isolate trusts its copy of a connection for the token exchange (enabled is rechecked in D1). */
const connectionCopyMs = 60_000

/** The columns of a ConnectionRecord, for every select that yields one. */
const connectionColumns = {
  id: ssoConnections.id,
  teamId: ssoConnections.teamId,
  issuer: ssoConnections.issuer,
  clientId: ssoConnections.clientId,
  clientSecretSealed: ssoConnections.clientSecretSealed,
  enabled: ssoConnections.enabled,
  tokenEndpointAuthMethod: ssoConnections.tokenEndpointAuthMethod,
}

function remember(runtime: Runtime, rows: ConnectionRecord[]) {
  for (const record of rows) runtime.connections.set(record.id, { record, readAt: runtime.now() })
  return rows
}

export async function connectionsByIssuer(
  db: Database,
  runtime: Runtime,
  issuer: string,
): Promise<ConnectionRecord[]> {
  return remember(
    runtime,
    await db
      .select(connectionColumns)
      .from(ssoConnections)
      .where(eq(ssoConnections.issuer, issuer))
      .all(),
  )
}

export async function connectionById(
  db: Database,
  runtime: Runtime,
  id: string,
): Promise<ConnectionRecord | undefined> {
  const copy = runtime.connections.get(id)
  if (copy && runtime.now() - copy.readAt < connectionCopyMs) return copy.record
  return remember(
    runtime,
    await db.select(connectionColumns).from(ssoConnections).where(eq(ssoConnections.id, id)).all(),
  )[0]
}

/** Email login's one read: the SSO connection of the team that owns `domain`. */
export async function connectionForDomain(
  db: Database,
  runtime: Runtime,
  domain: string,
): Promise<ConnectionRecord | undefined> {
  const records = await db
    .select(connectionColumns)
    .from(teamDomains)
    .innerJoin(ssoConnections, eq(ssoConnections.teamId, teamDomains.teamId))
    .where(eq(teamDomains.domain, domain))
    .all()
  return remember(runtime, records)[0]
}

export function forgetConnection(runtime: Runtime, id: string) {
  runtime.connections.delete(id)
}

/** The sealed secret is bound to its connection id: a ciphertext copied to another row does not open. */
export async function openSecrets(
  dataKey: Uint8Array,
  record: ConnectionRecord,
): Promise<ConnectionSecrets> {
  return {
    clientId: record.clientId,
    clientSecret: await unseal(dataKey, record.clientSecretSealed, record.id),
    tokenEndpointAuthMethod: record.tokenEndpointAuthMethod,
  }
}
