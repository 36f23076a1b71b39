// Team domains: free-mail and disposable providers are refused, from the maintained lists, after normalising.
import { describe, expect, it } from 'vitest'
import { normaliseDomain, teamDomainRefusal } from '../src/domains/policy'

describe('teamDomainRefusal', () => {
  it.each(['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'hotmail.com', 'icloud.com'])(
    'refuses the free-mail provider %s',
    (domain) => expect(teamDomainRefusal(domain)).toBe('domain_not_allowed'),
  )

  it.each(['mailinator.com', 'guerrillamail.com', '10minutemail.com', 'yopmail.com'])(
    'refuses the disposable provider %s',
    (domain) => expect(teamDomainRefusal(domain)).toBe('domain_not_allowed'),
  )

  it.each(['acme.example', 'okta-customer.com', 'cloudflare.com', 'sub.acme.example'])(
    'allows the company domain %s',
    (domain) => expect(teamDomainRefusal(domain)).toBeUndefined(),
  )

  it('compares the normalised form: case, a trailing dot and spaces do not slip a provider through', () => {
    expect(teamDomainRefusal('GMAIL.com.')).toBe('domain_not_allowed')
    expect(teamDomainRefusal(' Mailinator.COM ')).toBe('domain_not_allowed')
  })

  it.each([
    '',
    '.',
    'localhost',
    '127.0.0.1',
    'a b.com',
    'user@acme.example',
    'acme.example/path',
    'http://acme.example',
    'acme..example',
    '.acme.example',
    '0x7f.1',
    `${'a'.repeat(64)}.example`,
  ])('refuses %j, which is not a domain name', (domain) =>
    expect(teamDomainRefusal(domain)).toBe('domain_not_allowed'),
  )
})

describe('normaliseDomain', () => {
  it('lower-cases, drops the trailing dot and writes internationalised names in punycode', () => {
    expect(normaliseDomain('Acme.Example.')).toBe('acme.example')
    expect(normaliseDomain('bücher.example')).toBe('xn--bcher-kva.example')
    expect(normaliseDomain('XN--BCHER-KVA.example')).toBe('xn--bcher-kva.example')
  })
})

describe('teamDomainRefusal, edges of the lists', () => {
  it('refuses a subdomain of a provider, which its customers cannot own', () => {
    expect(teamDomainRefusal('eu.mailinator.com')).toBe('domain_not_allowed')
    expect(teamDomainRefusal('someone.33mail.com')).toBe('domain_not_allowed')
  })

  it('matches the lists’ Unicode entries whatever form the domain is given in', () => {
    expect(teamDomainRefusal('müll.email')).toBe('domain_not_allowed')
    expect(teamDomainRefusal('xn--mll-hoa.email')).toBe('domain_not_allowed')
  })
})
