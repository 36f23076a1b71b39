// Mail as the app sends it: in the background, never failing the request; a failed send is logged and that is all.
import { describeCause, log } from '../log'
import { type Mail, type MailDeps, sendMail } from './send'

/** Which template a mail came from, for the log line (never the mail's text: it carries links with tokens). */
export type MailKind =
  | 'email_verification'
  | 'password_reset'
  | 'password_reset_sso'
  | 'sso_enabled'
  | 'connection_added'
  | 'identity_added'
  | 'setup_link'
  | 'recovery_link'
  | 'recovery_used'

/** Hands a mail over to be sent; the request goes on whatever becomes of it. */
export type Mailer = (kind: MailKind, mail: Mail) => void

/** Sends `mail`; a failure (binding refused, network) is logged with its cause, never thrown. */
export async function deliver(deps: MailDeps, kind: MailKind, mail: Mail): Promise<void> {
  try {
    await sendMail(deps, mail)
  } catch (cause) {
    log('error', 'mail_failed', { mail: kind, cause: describeCause(cause) })
  }
}
