// A new SCIM token, shown this once, under the names Okta's Provisioning tab gives its fields.
import { Layout } from './layout'
import { Script, Style } from './styles'
import { Settings } from './values'

/** What the customer's Okta admin enters in the app's Provisioning tab (SCIM 2.0, HTTP Header). */
export function ScimTokenPage(props: {
  team: string
  token: string
  baseUrl: string
  back: { href: string; label: string }
}) {
  return (
    <Layout title="SCIM token">
      <Style sheet="console" />
      <article class="card">
        <h1>SCIM token for {props.team}</h1>
        <p role="status" data-testid="scim-token-shown">
          Shown once: copy it now. It replaces any earlier token immediately, so update Okta with
          it.
        </p>
        <p class="muted">
          In Okta: the app’s General tab → App Settings → Provisioning: SCIM, then the Provisioning
          tab → Integration → Edit.
        </p>
        <Settings
          rows={[
            ['SCIM connector base URL (Base URL)', { id: 'scim-base-url', value: props.baseUrl }],
            ['Unique identifier field for users', 'userName'],
            ['Supported provisioning actions', 'Push New Users, Push Profile Updates, Push Groups'],
            ['Authentication Mode', 'HTTP Header'],
            ['Authorization: Bearer (API token)', { id: 'scim-token', value: props.token }],
          ]}
        />
        <p class="muted">
          Then, under To App, enable Create Users, Update User Attributes and Deactivate Users:
          deactivating someone in Okta signs them out here within a minute.
        </p>
        <p>
          <a href={props.back.href}>{props.back.label}</a>
        </p>
      </article>
      <Script name="copy" />
    </Layout>
  )
}
