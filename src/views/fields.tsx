// Form pieces several pages share: a secret's field (never echoed back), the sign-out button, a connection's
// values and a team's default permission.
import type { FormFailure } from '../errors'
import { permissions, tokenEndpointAuthMethods } from '../vocabulary'
import { FormError, fieldOf } from './form-error'

/** A labelled password-type field; `autocomplete` says whose secret it is (ours, a new one, or Okta's). */
export function SecretField(props: {
  id: string
  name: string
  label: string
  autocomplete: 'current-password' | 'new-password' | 'off'
  minlength?: number
  error?: FormFailure | undefined
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="password"
        autocomplete={props.autocomplete}
        minlength={props.minlength}
        required
        {...invalid(props.id, props.error)}
      />
      {props.error ? <FormError id={`${props.id}-error`} failure={props.error} /> : null}
    </>
  )
}

/** A field's attributes when a refusal is its fault: invalid, described by the error under it. */
const invalid = (id: string, error: FormFailure | undefined) =>
  error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {}

/** A sign-out button: a same-origin form post to `action`. */
export function SignOutForm(props: { action: string }) {
  return (
    <form method="post" action={props.action}>
      <button type="submit" class="secondary">
        Sign out
      </button>
    </form>
  )
}

/** A labelled, required text field that the browser does not fill from a person's saved entries. */
function TextField(props: {
  id: string
  name: string
  label: string
  value?: string | undefined
  placeholder?: string
  error?: FormFailure | undefined
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        required
        autocomplete="off"
        value={props.value}
        placeholder={props.placeholder}
        {...invalid(props.id, props.error)}
      />
      {props.error ? <FormError id={`${props.id}-error`} failure={props.error} /> : null}
    </>
  )
}

/** The connection field each refusal of its values belongs beside. */
const connectionFieldOf: Partial<Record<string, string>> = {
  issuer_invalid: 'issuer',
  issuer_mismatch: 'issuer',
  discovery_unreachable: 'issuer',
  idp_response_invalid: 'issuer',
  domain_taken: 'issuer',
}

/**
 * Client ID, secret (never pre-filled), issuer or metadata URL, and client authentication; `saved` are the
 * values to show (saved, or typed before a refusal), `failure` the refusal shown beside its field.
 */
export function ConnectionFields(props: {
  /** The ids' prefix: `conn` on the console, `setup` on the setup page. */
  prefix: string
  issuerLabel: string
  saved?:
    | {
        clientId?: string
        issuer?: string
        tokenEndpointAuthMethod?: string
        acrValues?: string | null
        groupsClaim?: string
      }
    | undefined
  failure?: FormFailure | undefined
}) {
  const id = (field: string) => `${props.prefix}-${field}`
  const { saved, failure } = props
  const fields = ['clientId', 'clientSecret', 'issuer', 'tokenEndpointAuthMethod']
  const field = fieldOf(failure, fields, connectionFieldOf, 'issuer')
  const error = (name: string) => (field === name ? failure : undefined)
  return (
    <>
      <TextField
        id={id('client-id')}
        name="clientId"
        label="Client ID"
        value={saved?.clientId}
        error={error('clientId')}
      />
      <SecretField
        id={id('client-secret')}
        name="clientSecret"
        label="Client Secret"
        autocomplete="off"
        error={error('clientSecret')}
      />
      <TextField
        id={id('issuer')}
        name="issuer"
        label={props.issuerLabel}
        value={saved?.issuer}
        placeholder="https://acme.okta.com"
        error={error('issuer') ?? error('tokenEndpointAuthMethod')}
      />
      <label for={id('auth')}>Client authentication</label>
      <select id={id('auth')} name="tokenEndpointAuthMethod">
        {tokenEndpointAuthMethods.map((m, i) => (
          <option value={m} selected={m === saved?.tokenEndpointAuthMethod}>
            {i === 0 ? `${m} (Okta's default)` : m}
          </option>
        ))}
      </select>
      <label for={id('acr-values')}>
        Required authentication (acr_values, space-separated; empty: any)
      </label>
      <input
        id={id('acr-values')}
        name="acrValues"
        value={saved?.acrValues ?? ''}
        placeholder="urn:okta:loa:2fa:any"
      />
      <label for={id('groups-claim')}>Groups claim (empty: groups)</label>
      <input
        id={id('groups-claim')}
        name="groupsClaim"
        value={saved?.groupsClaim ?? ''}
        placeholder="groups"
      />
    </>
  )
}

/** What new members of a team may see: the team's default permission (private unless chosen). */
export function PermissionField() {
  return (
    <>
      <label for="team-permission">New members are</label>
      <select id="team-permission" name="defaultPermission">
        {permissions.map((p) => (
          <option value={p} selected={p === 'private'}>
            {p}
          </option>
        ))}
      </select>
    </>
  )
}
