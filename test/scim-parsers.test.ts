// The SCIM filter and PATCH readers called directly: Okta's and Entra ID's forms, and what they refuse.
import { describe, expect, it } from 'vitest'
import { ScimError } from '../src/scim/errors'
import { parseFilter } from '../src/scim/filter'
import { applyPatch, parsePath } from '../src/scim/patch'

const scimType = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return error instanceof ScimError ? [error.status, error.scimType] : ['not a ScimError']
  }
  return ['no error']
}

describe('parseFilter', () => {
  it('reads eq comparisons (case-insensitive operator and attribute, schema URN prefix, escapes, and)', () => {
    expect(parseFilter('userName eq "ada@acme.example"')).toEqual([
      { attribute: 'username', value: 'ada@acme.example' },
    ])
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName EQ "a\\"b"')).toEqual([
      { attribute: 'username', value: 'a"b' },
    ])
    expect(parseFilter('externalId eq "x and y" and userName eq "z"')).toEqual([
      { attribute: 'externalid', value: 'x and y' },
      { attribute: 'username', value: 'z' },
    ])
    expect(parseFilter(undefined)).toEqual([])
  })

  it.each([
    'userName sw "a"',
    'userName eq a',
    'userName eq "a" or userName eq "b"',
    'userName pr',
    '(userName eq "a")',
  ])('refuses %s with 400 invalidFilter', (filter) => {
    expect(scimType(() => parseFilter(filter))).toEqual([400, 'invalidFilter'])
  })
})

describe('applyPatch', () => {
  const user = {
    userName: 'ada@acme.example',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada@acme.example', type: 'work', primary: true }],
    active: true,
  }

  it('Okta: replace with a value object, and with paths', () => {
    expect(applyPatch(user, [{ op: 'replace', value: { active: false } }]).active).toBe(false)
    expect(applyPatch(user, [{ op: 'replace', path: 'active', value: false }]).active).toBe(false)
    expect(applyPatch(user, [{ op: 'replace', path: 'name.givenName', value: 'A' }]).name).toEqual({
      givenName: 'A',
      familyName: 'Lovelace',
    })
    expect(
      applyPatch(user, [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'b@acme.example' },
      ]).emails,
    ).toEqual([{ value: 'b@acme.example', type: 'work', primary: true }])
  })

  it('Entra ID: dotted keys in a path-less value, string booleans are left to the reader', () => {
    const patched = applyPatch(user, [
      { op: 'replace', value: { 'name.familyName': 'King', active: 'False' } },
    ])
    expect(patched.name).toEqual({ givenName: 'Ada', familyName: 'King' })
    expect(patched.active).toBe('False')
  })

  it('creates the filtered element when none matches, and never changes its input', () => {
    const bare = { userName: 'x@acme.example' }
    const patched = applyPatch(bare, [
      { op: 'add', path: 'emails[type eq "work"].value', value: 'x@acme.example' },
    ])
    expect(patched.emails).toEqual([{ type: 'work', value: 'x@acme.example' }])
    expect(bare).toEqual({ userName: 'x@acme.example' })
  })

  it('groups: add members without duplicates, remove by filter or by value list, replace all', () => {
    const group = { displayName: 'G', members: [{ value: 'u1' }] }
    const added = applyPatch(group, [
      { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2', display: 'b' }] },
    ])
    expect(added.members).toEqual([{ value: 'u1' }, { value: 'u2', display: 'b' }])
    expect(applyPatch(added, [{ op: 'remove', path: 'members[value eq "u1"]' }]).members).toEqual([
      { value: 'u2', display: 'b' },
    ])
    expect(
      applyPatch(added, [{ op: 'remove', path: 'members', value: [{ value: 'u2' }] }]).members,
    ).toEqual([{ value: 'u1' }])
    expect(
      applyPatch(added, [{ op: 'replace', path: 'members', value: [{ value: 'u3' }] }]).members,
    ).toEqual([{ value: 'u3' }])
    expect(applyPatch(added, [{ op: 'remove', path: 'members' }]).members).toBeUndefined()
  })

  it('refuses unknown ops, path-less removes, non-object path-less values and unsupported paths', () => {
    expect(scimType(() => applyPatch(user, [{ op: 'move', path: 'active', value: 1 }]))).toEqual([
      400,
      'invalidSyntax',
    ])
    expect(scimType(() => applyPatch(user, [{ op: 'remove' }]))).toEqual([400, 'noTarget'])
    expect(scimType(() => applyPatch(user, [{ op: 'replace', value: true }]))).toEqual([
      400,
      'invalidValue',
    ])
    expect(scimType(() => parsePath('emails[type ne "work"]'))).toEqual([400, 'invalidPath'])
    expect(scimType(() => parsePath('a.b.c'))).toEqual([400, 'invalidPath'])
  })
})
