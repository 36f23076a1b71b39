// The access rules of the second stage, called directly: deprovisioned users, live connections, roles.
import { describe, expect, it } from 'vitest'
import type { SsoLoginFacts, TeamStanding } from '../src/db/facts'
import { decideSsoLogin, roleOf, sessionStillValid } from '../src/provisioning'

const connection = {
  id: 'c1',
  enabled: true,
  teamId: 't1',
  teamName: 'Acme',
  defaultPermission: 'private' as const,
}
const claims = { sub: 's1', email: 'ada@acme.example', emailVerified: true, name: 'Ada' }
const user = (teamId: string | null) => ({
  id: 'u1',
  email: claims.email,
  name: 'Ada',
  teamId,
  emailVerified: true,
  linkedAtConnection: false,
})
const standing = (over: Partial<TeamStanding> = {}): TeamStanding => ({
  userId: 'u1',
  memberRole: 'member',
  scimStatus: 'active',
  admin: false,
  ...over,
})
const facts = (over: Partial<SsoLoginFacts> = {}): SsoLoginFacts => ({
  connection,
  domainTeamId: 't1',
  linkedUser: undefined,
  emailUser: undefined,
  ...over,
})

describe('decideSsoLogin with SCIM standing', () => {
  it.each([
    ['a deactivated member found by link', { linkedUser: user('t1') }, 'inactive'],
    ['a deactivated member found by email', { emailUser: user('t1') }, 'inactive'],
    ['a deleted (teamless) user, so no just-in-time rejoin', { emailUser: user(null) }, 'deleted'],
  ] as const)('refuses %s with user_deactivated', (_name, found, scimStatus) => {
    const decision = decideSsoLogin(
      facts({ ...found, standing: [standing({ scimStatus })] }),
      claims,
      'new',
    )
    expect(decision).toEqual({ outcome: 'refuse', code: 'user_deactivated' })
  })

  it('lets an active or never-provisioned member in, and ignores standing of other users', () => {
    const active = facts({ emailUser: user('t1'), standing: [standing()] })
    expect(decideSsoLogin(active, claims, 'new').outcome).toBe('sign_in')
    const other = facts({
      emailUser: user('t1'),
      standing: [standing({ userId: 'u2', scimStatus: 'inactive' })],
    })
    expect(decideSsoLogin(other, claims, 'new').outcome).toBe('sign_in')
    expect(decideSsoLogin(facts({ emailUser: user('t1') }), claims, 'new').outcome).toBe('sign_in')
  })
})

describe('sessionStillValid, second stage', () => {
  const live = {
    revoked: false,
    expired: false,
    userExists: true,
    teamId: 't1',
    teamHasEnabledSso: true,
  }
  it('ends a deactivated user’s session, whatever its method', () => {
    for (const method of ['sso', 'password'] as const)
      expect(sessionStillValid({ ...live, deactivated: true }, { teamId: 't1', method })).toBe(
        false,
      )
  })
  it('ends an SSO session whose connection is gone or disabled, and no password session for that', () => {
    expect(
      sessionStillValid({ ...live, connectionLive: false }, { teamId: 't1', method: 'sso' }),
    ).toBe(false)
    expect(
      sessionStillValid(
        { ...live, teamHasEnabledSso: false, connectionLive: false },
        { teamId: 't1', method: 'password' },
      ),
    ).toBe(true)
    expect(
      sessionStillValid({ ...live, connectionLive: true }, { teamId: 't1', method: 'sso' }),
    ).toBe(true)
  })
})

describe('roleOf', () => {
  it('owner by membership, admin by the admin group, member otherwise, null without a team', () => {
    expect(roleOf({ memberRole: 'owner', admin: true }, true)).toBe('owner')
    expect(roleOf({ memberRole: 'member', admin: true }, true)).toBe('admin')
    expect(roleOf({ memberRole: 'member', admin: false }, true)).toBe('member')
    expect(roleOf(undefined, true)).toBe('member')
    expect(roleOf({ memberRole: 'owner', admin: false }, false)).toBeNull()
  })
})
