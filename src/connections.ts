// Connections for the login start and callback: D1 reads with an in-isolate copy, the sealed secret opened.
import { unseal } from './crypto/secret-box'
import type { Database } from './db/client'
import {
  type ConnectionRecord,
  connectionsById,
  connectionsByIssuer,
  connectionsForDomain,
} from './db/connections'
import { comparableIssuer, issuerAccepts } from './oidc/issuer'
import type { Runtime } from './runtime'
import type { TokenEndpointAuthMethod } from './vocabulary'

export interface ConnectionSecrets {
  clientId: string
  clientSecret: string
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
}

/** How long an isolate trusts its copy of a connection for the token exchange (enabled is rechecked in D1). */
const connectionCopyMs = 60_000

function remember(runtime: Runtime, rows: ConnectionRecord[]) {
  for (const record of rows) runtime.connections.set(record.id, { record, readAt: runtime.now() })
  return rows
}

/** The connections `iss` names (compared without a trailing slash): its own, or its Okta org's custom servers. */
export async function connectionsForIssuer(
  db: Database,
  runtime: Runtime,
  iss: string,
): Promise<ConnectionRecord[]> {
  const rows = await connectionsByIssuer(db, comparableIssuer(iss))
  return remember(runtime, rows).filter((row) => issuerAccepts(row.issuer, iss))
}

export async function connectionById(
  db: Database,
  runtime: Runtime,
  id: string,
): Promise<ConnectionRecord | undefined> {
  const copy = runtime.connections.get(id)
  if (copy && runtime.now() - copy.readAt < connectionCopyMs) return copy.record
  return remember(runtime, await connectionsById(db, id))[0]
}

/** Email login's one read: the SSO connections of the team that has verified `domain`. */
export async function connectionsForEmailDomain(
  db: Database,
  runtime: Runtime,
  domain: string,
): Promise<ConnectionRecord[]> {
  return remember(runtime, await connectionsForDomain(db, domain))
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
