// The callback of a setup test sign-in: what the IdP sent and what a real login would do; nobody signed in.
import type { Context } from 'hono'
import { type ConnectionRecord, connectionsById } from '../db/connections'
import type { AppEnv } from '../env'
import { AppError, concerning, type ErrorCode } from '../errors'
import { db } from '../http/context'
import { recordRefusal } from '../http/refusal'
import type { VerifiedClaims } from '../oidc/flow'
import type { LoginTransaction } from '../oidc/transaction'
import { judgeTestSignIn, testedValuesOf } from '../setup/test-sign-in'
import { TestSignInFailedPage, TestSignInPage } from '../views/test-sign-in'

/** Codes of failures on our side, never a test's outcome. */
const ours = new Set<ErrorCode>(['internal_error', 'storage_unavailable'])

/**
 * The connection a test sign-in tests, read from D1 (never an isolate's copy, which may predate a save):
 * it must still hold the values the test started with, else `connection_changed`.
 */
export async function testedConnection(c: Context<AppEnv>, tx: LoginTransaction) {
  const [connection] = await connectionsById(db(c), tx.connectionId)
  if (connection && (await testedValuesOf(connection)) !== tx.testedValues)
    throw new AppError('connection_changed')
  return connection
}

/**
 * Runs the callback's checks and code exchange (`complete`), then the login rules without their writes. A
 * failed check is shown as the test's result (with its code, reference id and event row), not as a login
 * refusal; the page leads back to the setup page the test started from.
 */
export async function showTestSignIn(
  c: Context<AppEnv>,
  tx: LoginTransaction,
  complete: () => Promise<{ connection: ConnectionRecord; claims: VerifiedClaims }>,
) {
  // The callback learns from its transaction that it serves a test sign-in.
  c.set('audit', { ...c.var.audit, action: 'setup_test' })
  c.header('cache-control', 'no-store')
  const now = c.var.runtime.now()
  let completed: Awaited<ReturnType<typeof complete>>
  try {
    completed = await complete()
  } catch (error) {
    // A failure of ours (storage, a bug) is no result of the test: the error page answers it.
    if (!(error instanceof AppError) || ours.has(error.code)) throw error
    const referenceId = await recordRefusal(c, error)
    const page = (
      <TestSignInFailedPage
        code={error.code}
        message={error.message}
        cause={typeof error.cause === 'string' ? error.cause : undefined}
        referenceId={referenceId}
        back={tx.returnTo}
      />
    )
    return c.html(page, error.status)
  }
  const { connection, claims } = completed
  const subject = { teamId: connection.teamId, email: claims.email ?? null }
  const verdict = await concerning(subject, () =>
    judgeTestSignIn(db(c), { connection, claims, login: tx, audit: c.var.audit, nowMs: now }),
  )
  return c.html(
    <TestSignInPage claims={claims} token={claims.token} verdict={verdict} back={tx.returnTo} />,
  )
}
