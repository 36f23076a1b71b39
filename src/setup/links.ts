// Setup links: minted by support for one team, valid 7 days and once, stored hashed, revocable, checked on every use.
import { randomId } from '../crypto/encoding'
import { hashToken, newToken } from '../crypto/tokens'
import {
  insertSetupLink,
  revokeSetupLinkRow,
  type SetupLinkRow,
  setupLinkByTokenHash,
  teamSetupLinks,
} from '../db/setup-links'
import type { MintedSetupLink, SetupLinkView } from '../admin/answers'
import { type AdminDeps, getTeam, success } from '../admin/operations'
import type { Database } from '../db/client'
import { AppError } from '../errors'
import type { Recorded } from '../events'
import { setupLinkMail } from '../mail/templates'
import { setupLinkPath } from '../vocabulary'

export const setupLinkValidDays = 7
const setupLinkValidSeconds = setupLinkValidDays * 24 * 60 * 60

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

/** A link as support sees it (never its token, which only the minting answer shows). */
function setupLinkView(row: SetupLinkRow, nowSeconds: number): SetupLinkView {
  return {
    id: row.id,
    email: row.email,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    state: row.revokedAt !== null ? 'revoked' : row.expiresAt <= nowSeconds ? 'expired' : 'live',
  }
}

const nowSeconds = (d: AdminDeps) => Math.floor(d.runtime.now() / 1000)

/**
 * A new link for the team's Okta admin, mailed to `email` when support gives one. Its token is shown here
 * once (in the url) and stored only as its hash.
 */
export async function mintSetupLink(
  d: AdminDeps,
  teamId: string,
  email: string | undefined,
  recorded: Recorded,
): Promise<MintedSetupLink> {
  const team = await getTeam(d, teamId)
  const token = newToken()
  const expiresAt = nowSeconds(d) + setupLinkValidSeconds
  const row = {
    id: randomId(),
    tokenHash: await hashToken(token),
    teamId,
    email: email ?? null,
    expiresAt,
  }
  await d.db.batch([insertSetupLink(d.db, row), success(d, recorded, { email: row.email })])
  const url = `${d.config.publicOrigin}${setupLinkPath(token)}`
  if (email) {
    const mail = { to: email, teamName: team.name, link: url, validDays: setupLinkValidDays }
    d.mail('setup_link', setupLinkMail(mail))
  }
  return { url, expiresAt: iso(expiresAt) }
}

/** The team's links, newest first, with whether each still works. */
export async function listSetupLinks(d: AdminDeps, teamId: string): Promise<SetupLinkView[]> {
  await getTeam(d, teamId)
  const rows = await teamSetupLinks(d.db, teamId)
  return rows.map((row) => setupLinkView(row, nowSeconds(d)))
}

/** Revokes one of the team's links: it stops working at once; `404` when the team has no such live link. */
export async function revokeSetupLink(
  d: AdminDeps,
  teamId: string,
  linkId: string,
  recorded: Recorded,
): Promise<void> {
  const revoked = await revokeSetupLinkRow(d.db, teamId, linkId, nowSeconds(d))
  if (revoked.length === 0) throw new AppError('not_found')
  await success(d, recorded)
}

/**
 * The team a link's token opens, with the address support mailed it to. A link sets SSO up once: a
 * forged, expired, revoked or retired (used) link, and any link of a team that already signs in through an
 * active connection (it adds another only through support or its owner), is one refusal
 * (`setup_link_invalid`) that says nothing about any team.
 */
export async function setupLinkScope(
  db: Database,
  token: string,
  nowMs: number,
): Promise<{ teamId: string; email: string | null }> {
  const row = /^[\w-]{43}$/.test(token)
    ? await setupLinkByTokenHash(db, await hashToken(token))
    : undefined
  if (!row || row.revokedAt !== null || row.expiresAt <= nowMs / 1000 || row.teamOnSso)
    throw new AppError('setup_link_invalid')
  return { teamId: row.teamId, email: row.email }
}
