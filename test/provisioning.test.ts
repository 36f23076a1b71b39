// The rules that decide who gets in, called directly on plain data.
import { describe, expect, it } from 'vitest'
import {
  chooseConnection,
  type ConnectionLookup,
  decidePasswordLogin,
  decideSsoLogin,
  emailDomain,
  sessionStillValid,
} from '../src/provisioning'
import type { SsoLoginFacts } from '../src/db/facts'

const connection = {
  id: 'c1',
  enabled: true,
  teamId: 't1',
  teamName: 'Acme',
  defaultPermission: 'private' as const,
}
const facts = (over: Partial<SsoLoginFacts> = {}): SsoLoginFacts => ({
  connection,
  domainTeamId: 't1',
  linkedUser: undefined,
  emailUser: undefined,
  ...over,
})
const claims = { sub: 's1', email: 'ada@acme.example', emailVerified: true, name: 'Ada' }
const user = (teamId: string | null, id = 'u1') => ({
  id,
  email: 'ada@acme.example',
  name: 'Ada',
  teamId,
})

describe('decideSsoLogin', () => {
  it('creates a new user in the team with the default permission when the domain is the team’s', () => {
    expect(decideSsoLogin(facts(), claims, 'new')).toEqual({
      outcome: 'sign_in',
      teamId: 't1',
      user: { id: 'new', email: 'ada@acme.example', name: 'Ada' },
      create: true,
      joinWith: 'private',
      link: true,
    })
  })

  it('signs a member of this team in, linking (connection, sub) on first SSO use', () => {
    const decision = decideSsoLogin(facts({ emailUser: user('t1') }), claims, 'new')
    expect(decision).toMatchObject({
      outcome: 'sign_in',
      create: false,
      joinWith: undefined,
      link: true,
      user: { id: 'u1' },
    })
  })

  it('prefers the (connection, sub) link over the email, and writes no new link', () => {
    const decision = decideSsoLogin(
      facts({ linkedUser: user('t1', 'linked'), emailUser: user('t1', 'other') }),
      claims,
      'new',
    )
    expect(decision).toMatchObject({ outcome: 'sign_in', link: false, user: { id: 'linked' } })
  })

  it('adds an existing user without a team to the team', () => {
    expect(decideSsoLogin(facts({ emailUser: user(null) }), claims, 'new')).toMatchObject({
      outcome: 'sign_in',
      create: false,
      joinWith: 'private',
      link: true,
    })
  })

  it.each([
    ['member of another team', facts({ emailUser: user('t2') }), claims, 'member_of_another_team'],
    [
      'linked user now in another team',
      facts({ linkedUser: user('t2') }),
      claims,
      'member_of_another_team',
    ],
    ['email_verified false', facts(), { ...claims, emailVerified: false }, 'email_unverified'],
    ['no email', facts(), { ...claims, email: undefined }, 'email_missing'],
    ['domain of another team', facts({ domainTeamId: 't2' }), claims, 'domain_not_allowed'],
    ['domain of no team', facts({ domainTeamId: undefined }), claims, 'domain_not_allowed'],
    [
      'teamless user outside the team’s domains',
      facts({ emailUser: user(null), domainTeamId: undefined }),
      claims,
      'domain_not_allowed',
    ],
    [
      'disabled connection',
      facts({ connection: { ...connection, enabled: false } }),
      claims,
      'connection_disabled',
    ],
    ['deleted connection', facts({ connection: undefined }), claims, 'unknown_connection'],
  ] as const)('refuses: %s', (_name, input, claimSet, code) => {
    expect(decideSsoLogin(input, claimSet, 'new')).toEqual({ outcome: 'refuse', code })
  })

  it('accepts a missing email_verified (Okta’s thin token may omit it)', () => {
    expect(decideSsoLogin(facts(), { ...claims, emailVerified: undefined }, 'new')).toMatchObject({
      outcome: 'sign_in',
    })
  })
})

describe('chooseConnection', () => {
  const issuer = 'https://acme.okta.test'
  const on = (teamId: string) => ({ enabled: true, issuer, teamId })
  const off = (teamId: string) => ({ enabled: false, issuer, teamId })
  const byIssuer: ConnectionLookup = { by: 'issuer' }
  it.each([
    ['one enabled connection for the issuer', [on('t1')], byIssuer, { connection: on('t1') }],
    [
      'the enabled one among disabled ones',
      [off('t1'), on('t2')],
      byIssuer,
      { connection: on('t2') },
    ],
    ['no connection for the issuer', [], byIssuer, { refuse: 'unknown_issuer' }],
    [
      'two enabled teams on one issuer',
      [on('t1'), on('t2')],
      byIssuer,
      { refuse: 'ambiguous_issuer' },
    ],
    [
      'only disabled connections for the issuer',
      [off('t1'), off('t2')],
      byIssuer,
      { refuse: 'connection_disabled', teamId: 't1' },
    ],
    ['the connection by id', [on('t1')], { by: 'id' }, { connection: on('t1') }],
    [
      'the connection by id with its own iss',
      [on('t1')],
      { by: 'id', issuer },
      { connection: on('t1') },
    ],
    ['no connection with this id', [], { by: 'id' }, { refuse: 'unknown_connection' }],
    [
      'an iss that is not the connection’s',
      [on('t1')],
      { by: 'id', issuer: 'https://evil.okta.test' },
      { refuse: 'unknown_issuer' },
    ],
    [
      'a disabled connection by id',
      [off('t1')],
      { by: 'id' },
      { refuse: 'connection_disabled', teamId: 't1' },
    ],
    ['the domain’s connection', [on('t1')], { by: 'domain' }, { connection: on('t1') }],
    ['no connection for the domain', [], { by: 'domain' }, { refuse: 'no_sso_for_domain' }],
    [
      'the domain’s disabled connection',
      [off('t1')],
      { by: 'domain' },
      { refuse: 'connection_disabled', teamId: 't1' },
    ],
  ] as const)('%s', (_name, candidates, lookup, expected) => {
    expect(chooseConnection(candidates, lookup)).toEqual(expected)
  })
})

describe('decidePasswordLogin', () => {
  it('refuses a wrong password, then SSO teams, and lets the rest in', () => {
    expect(decidePasswordLogin(false, false)).toBe('invalid_credentials')
    expect(decidePasswordLogin(false, true)).toBe('invalid_credentials')
    expect(decidePasswordLogin(true, true)).toBe('sso_required')
    expect(decidePasswordLogin(true, false)).toBeUndefined()
  })
})

describe('sessionStillValid', () => {
  const live = {
    revoked: false,
    expired: false,
    userExists: true,
    teamId: 't1',
    teamHasEnabledSso: false,
  }
  it('keeps a live session in its team', () => {
    expect(sessionStillValid(live, { teamId: 't1', method: 'password' })).toBe(true)
    expect(
      sessionStillValid({ ...live, teamHasEnabledSso: true }, { teamId: 't1', method: 'sso' }),
    ).toBe(true)
  })
  it('lets a teamless session follow its user into a team', () => {
    expect(sessionStillValid(live, { teamId: null, method: 'password' })).toBe(true)
  })
  it.each([
    ['revoked', { ...live, revoked: true }, 'sso'],
    ['expired', { ...live, expired: true }, 'sso'],
    ['user deleted', { ...live, userExists: false }, 'sso'],
    ['user left the team', { ...live, teamId: null }, 'sso'],
    ['user moved team', { ...live, teamId: 't2' }, 'sso'],
    [
      'password session once the team turned SSO on',
      { ...live, teamHasEnabledSso: true },
      'password',
    ],
  ] as const)('ends the session: %s', (_name, state, method) => {
    expect(sessionStillValid(state, { teamId: 't1', method })).toBe(false)
  })
})

describe('emailDomain', () => {
  it('lower-cases the domain and rejects what is not an email', () => {
    expect(emailDomain('Ada@Acme.Example')).toBe('acme.example')
    expect(emailDomain('a@b@acme.example')).toBe('acme.example')
    expect(emailDomain('@acme.example')).toBeUndefined()
    expect(emailDomain('ada@localhost')).toBeUndefined()
    expect(emailDomain('ada@acme.example/x')).toBeUndefined()
  })
})
