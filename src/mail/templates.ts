// The mails edge-sso sends: email verification, password reset (or its SSO-only variant), "SSO is on" and security notices.
import type { Mail } from './send'

export const emailVerificationValidHours = 24
export const passwordResetValidHours = 1
export const recoveryLinkValidHours = 1

/** Text for an HTML text node or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  )
}

/** Only http(s) links go into a mail: a `javascript:` or relative URL is a caller's bug. */
function checkedLink(link: string): string {
  const url = URL.canParse(link) ? new URL(link) : undefined
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new TypeError(`not an http(s) link: ${JSON.stringify(link)}`)
  return url.href
}

/** One paragraph per entry; a `{ link }` entry is a button-like link in HTML and a bare URL in text. */
type Block = string | { link: string; label: string }

function compose(to: string, subject: string, blocks: Block[]): Mail {
  const text = blocks
    .map((b) => (typeof b === 'string' ? b : `${b.label}:\n${checkedLink(b.link)}`))
    .join('\n\n')
  const body = blocks
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : `<p><a href="${escapeHtml(checkedLink(b.link))}">${escapeHtml(b.label)}</a></p>`,
    )
    .join('\n')
  const html = `<!doctype html>\n<html><body style="font-family:system-ui,sans-serif;line-height:1.5">\n${body}\n</body></html>\n`
  return { to, subject, text: `${text}\n`, html }
}

const ignore = 'If you did not ask for this, you can ignore this mail.'

/** After `/register`: the link that proves the address, valid 24 hours. */
export function emailVerificationMail(input: { to: string; link: string }): Mail {
  return compose(input.to, 'Confirm your email address', [
    'Please confirm that this is your email address, so you can create a team.',
    { link: input.link, label: 'Confirm your email address' },
    `The link works once and expires in ${emailVerificationValidHours} hours. ${ignore}`,
  ])
}

/** After `/password/forgot`: the link that sets a new password, single use, valid 1 hour. */
export function passwordResetMail(input: { to: string; link: string }): Mail {
  return compose(input.to, 'Reset your password', [
    'Someone asked to reset the password of this account.',
    { link: input.link, label: 'Choose a new password' },
    `The link works once and expires in ${passwordResetValidHours} hour. ${ignore}`,
  ])
}

/** After `/password/forgot` by a member of an SSO-only team: no password to reset, the way in is SSO. */
export function passwordResetSsoOnlyMail(input: {
  to: string
  teamName: string
  ssoLink: string
}): Mail {
  return compose(input.to, 'Sign in with single sign-on', [
    `Someone asked to reset the password of this account. Your team, ${input.teamName}, signs in with single sign-on only, so there is no password to reset.`,
    { link: input.ssoLink, label: 'Continue with SSO' },
    `Use your company account there. ${ignore}`,
  ])
}

/** To the team owner when a connection is created or re-enabled. */
export function ssoEnabledMail(input: {
  to: string
  teamName: string
  issuer: string
  ssoLink: string
}): Mail {
  return compose(input.to, `SSO is on for ${input.teamName}`, [
    `Single sign-on is now on for ${input.teamName}, through ${input.issuer}.`,
    'Your team’s members can now sign in with their company account.',
    { link: input.ssoLink, label: 'Sign in with SSO' },
    'If you did not expect this, contact support at once.',
  ])
}

/** Support's setup link to a customer's Okta admin: the guided setup for one team, valid 7 days. */
export function setupLinkMail(input: {
  to: string
  teamName: string
  link: string
  validDays: number
}): Mail {
  return compose(input.to, `Set up single sign-on for ${input.teamName}`, [
    `You were asked to connect ${input.teamName} to your company's Okta. This link walks you through it: the settings to enter in Okta, a test sign-in, and then turning single sign-on on.`,
    { link: input.link, label: 'Set up single sign-on' },
    `The link works for ${input.validDays} days. Anyone with it can set up single sign-on for this team, so do not forward it. ${ignore}`,
  ])
}

/**
 * An existing account was linked by email to an identity at the team's IdP: a new way into it. Told to the
 * account's own address and to the team's owner (once when they are the same).
 */
export function identityAddedMails(input: {
  account: string
  ownerEmail: string | null
  teamName: string
  issuer: string
}): Mail[] {
  const what = `The account ${input.account} in ${input.teamName} can now be signed in to through single sign-on at ${input.issuer}.`
  const act = 'If you did not expect this, contact support at once.'
  const mails = [
    compose(input.account, 'A new sign-in was added to your account', [
      what,
      `If this was not you, tell your team owner. ${act}`,
    ]),
  ]
  if (input.ownerEmail && input.ownerEmail !== input.account)
    mails.push(
      compose(input.ownerEmail, `A sign-in was added to ${input.account} in ${input.teamName}`, [
        what,
        act,
      ]),
    )
  return mails
}

/** To the team owner when a connection is added (or turned on again) beside one the team already uses. */
export function connectionAddedMail(input: {
  to: string
  teamName: string
  issuer: string
  clientId: string
  ssoLink: string
}): Mail {
  return compose(input.to, `A new single sign-on connection for ${input.teamName}`, [
    `A new single sign-on connection now signs members of ${input.teamName} in: ${input.issuer} (client ID ${input.clientId}), beside the one the team already had.`,
    'Whoever this identity provider vouches for in the team’s domains can sign in through it.',
    { link: input.ssoLink, label: 'Its sign-in link' },
    'If you did not expect this, contact support at once.',
  ])
}

/** Support's break-glass link to the team owner or an admin: signs them in without the IdP, once, for 1 hour. */
export function recoveryLinkMail(input: { to: string; teamName: string; link: string }): Mail {
  return compose(input.to, `Recovery sign-in for ${input.teamName}`, [
    `Support sent you a recovery link for ${input.teamName}: it signs you in without your identity provider, for when single sign-on is down or misconfigured.`,
    { link: input.link, label: 'Sign in with this recovery link' },
    `The link works once and expires in ${recoveryLinkValidHours} hour; the session it starts lasts at most ${recoveryLinkValidHours} hour. The team owner and admins are told when it is used. Do not forward it. ${ignore}`,
  ])
}

/** To the team owner and every admin each time a recovery link signs someone in. */
export function recoveryUsedMail(input: { to: string; teamName: string; account: string }): Mail {
  return compose(input.to, `A recovery link was used for ${input.teamName}`, [
    `${input.account} signed in to ${input.teamName} with a recovery link from support, without single sign-on. The session lasts at most ${recoveryLinkValidHours} hour.`,
    'If you did not expect this, contact support at once.',
  ])
}
