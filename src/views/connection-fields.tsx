// The guide's values as form fields, shared by the console's connection form and the setup page.
import { tokenEndpointAuthMethods } from '../vocabulary'

/** Client ID, secret (never pre-filled), issuer or metadata URL, and client authentication. */
export function ConnectionFields(props: {
  /** The ids' prefix: `conn` on the console, `setup` on the setup page. */
  prefix: string
  issuerLabel: string
  saved?: { clientId: string; issuer: string; tokenEndpointAuthMethod: string }
}) {
  const id = (field: string) => `${props.prefix}-${field}`
  const { saved } = props
  return (
    <>
      <label for={id('client-id')}>Client ID</label>
      <input
        id={id('client-id')}
        name="clientId"
        required
        autocomplete="off"
        value={saved?.clientId}
      />
      <label for={id('client-secret')}>Client Secret</label>
      <input
        id={id('client-secret')}
        name="clientSecret"
        type="password"
        required
        autocomplete="off"
      />
      <label for={id('issuer')}>{props.issuerLabel}</label>
      <input
        id={id('issuer')}
        name="issuer"
        required
        placeholder="https://acme.okta.com"
        value={saved?.issuer}
      />
      <label for={id('auth')}>Client authentication</label>
      <select id={id('auth')} name="tokenEndpointAuthMethod">
        {tokenEndpointAuthMethods.map((m, i) => (
          <option value={m} selected={m === saved?.tokenEndpointAuthMethod}>
            {i === 0 ? `${m} (Okta's default)` : m}
          </option>
        ))}
      </select>
    </>
  )
}
