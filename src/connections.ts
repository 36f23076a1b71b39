// Connections for the login start and callback: D1 reads with an in-isolate copy, the sealed secret opened.
import { unseal } from './crypto/secret-box'
import type { Database } from './db/client'
import {
  type ConnectionRecord,
  connectionsById,
  connectionsByIssuer,
  connectionsForDomain,
} from './db/connections'
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

export async function connectionsForIssuer(
  db: Database,
  runtime: Runtime,
  issuer: string,
): Promise<ConnectionRecord[]> {
  return remember(runtime, await connectionsByIssuer(db, issuer))
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
