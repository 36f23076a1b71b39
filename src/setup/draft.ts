// A team's draft connection: the values its Okta admin enters, activation after a successful test sign-in, SCIM.
import { issueScimToken } from '../admin/access'
import type { ConnectionView } from '../admin/answers'
import {
  type AdminDeps,
  checkIssuer,
  connectionChange,
  getConnection,
  mailSsoOn,
  success,
} from '../admin/operations'
import type { SetupConnectionInput } from '../admin/schemas'
import { forgetConnection } from '../connections'
import { randomId } from '../crypto/encoding'
import { seal } from '../crypto/secret-box'
import {
  activateDraft,
  activatedAt,
  connectionRow,
  insertConnection,
  teamDraft,
  updateConnection,
} from '../db/connections'
import { retireSetupLinks } from '../db/setup-links'
import { AppError } from '../errors'
import type { Recorded } from '../events'

const nowSeconds = (d: AdminDeps) => Math.floor(d.runtime.now() / 1000)

/**
 * Saves the three values as the team's draft: a new draft, or new values for the one it has (which then
 * needs a new test). The issuer is checked as the admin API checks it (a pasted metadata URL is reduced to
 * its issuer). A draft is disabled: it logs nobody in and turns nothing on.
 */
export async function saveDraft(
  d: AdminDeps,
  teamId: string,
  input: SetupConnectionInput,
  recorded: Recorded,
): Promise<ConnectionView> {
  const issuer = await checkIssuer(d, input.issuer)
  const draft = await teamDraft(d.db, teamId)
  const id = draft?.id ?? randomId()
  const values = {
    issuer,
    clientId: input.clientId,
    clientSecretSealed: await seal(d.config.dataKey, input.clientSecret, id),
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
    acrValues: input.acrValues ?? null,
    groupsClaim: input.groupsClaim ?? 'groups',
  }
  const write = draft
    ? updateConnection(d.db, id, { ...values, testedAt: null, updatedAt: nowSeconds(d) })
    : insertConnection(d.db, { id, teamId, ...values, enabled: false, status: 'draft' })
  await d.db.batch([write, success(d, recorded)])
  forgetConnection(d.runtime, id)
  return getConnection(d, id)
}

/** The team's connection `id` (any status), or `404`: what a test sign-in may run through. */
export async function teamConnection(d: AdminDeps, teamId: string, id: string) {
  const row = await connectionRow(d.db, id)
  if (row?.teamId !== teamId) throw new AppError('not_found')
  return row
}

/**
 * Turns a tested draft on: active and enabled, so SSO becomes the only way in for the team's members, and
 * every setup link of the team is retired in the same batch (a link sets SSO up once); the owner gets the
 * "SSO is on" mail (or, beside a connection the team already had, one naming the new connection). An
 * untested draft is `409 connection_untested`; an active one stays as is.
 */
export async function activate(
  d: AdminDeps,
  teamId: string,
  id: string,
  recorded: Recorded,
): Promise<ConnectionView> {
  const row = await teamConnection(d, teamId, id)
  if (row.status === 'active') return getConnection(d, id)
  const now = nowSeconds(d)
  const [[activated]] = await d.db.batch([
    activateDraft(d.db, teamId, id, now),
    retireSetupLinks(d.db, teamId, now, { activeConnectionId: id }),
    ...connectionChange(
      d,
      { type: 'connection.activated', teamId, connectionId: id, via: 'owner' },
      activatedAt(id, now),
    ),
  ])
  if (!activated) throw new AppError('connection_untested')
  await success(d, recorded)
  forgetConnection(d.runtime, id)
  const view = await getConnection(d, id)
  await mailSsoOn(d, view)
  return view
}

/**
 * A new SCIM token for one of the team's connections (support's own operation, after the team check): shown
 * once, it replaces the previous token at once.
 */
export async function issueTeamScimToken(
  d: AdminDeps,
  teamId: string,
  id: string,
  recorded: Recorded,
) {
  await teamConnection(d, teamId, id)
  return issueScimToken(d, id, recorded)
}
