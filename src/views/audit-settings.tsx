// The team owner's audit stream page: where the team's events go, the signing secret shown once, stop.
import { Layout } from './layout'
import { Style } from './styles'

export function AuditSettingsPage(props: {
  teamName: string
  url: string | null
  secret?: string
}) {
  const { url, secret } = props
  return (
    <Layout title="Audit stream">
      <Style sheet="console" />
      <h1>Audit stream for {props.teamName}</h1>
      {secret ? (
        <article class="card notice" data-testid="stream-secret">
          <p>
            Shown once: copy the signing secret into your SIEM now. Each event is a Standard
            Webhooks request signed with it.
          </p>
          <p>
            <code>{secret}</code>
          </p>
        </article>
      ) : null}
      <section class="card">
        <p data-testid="stream-state" class={url ? 'ok' : 'muted'}>
          {url
            ? `Every event of the team goes, in order, to ${url}.`
            : 'No audit stream: events stay in the console and the admin API.'}
        </p>
        <form method="post" action="/settings/audit">
          <label for="stream-url">Receiver URL (https)</label>
          <input id="stream-url" name="url" type="url" required value={url ?? ''} />
          <button type="submit">{url ? 'Change and get a new secret' : 'Start streaming'}</button>
        </form>
        {url ? (
          <form method="post" action="/settings/audit/delete">
            <button type="submit" class="secondary">
              Stop streaming
            </button>
          </form>
        ) : null}
      </section>
      <p>
        <a href="/team">Back to the team</a>
      </p>
    </Layout>
  )
}
