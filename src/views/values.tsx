// Values a person copies into Okta: plain text anyone can select, with a copy button named for its value.
export type SettingRow = [string, string | { id: string; value: string }]

/** A value to enter in Okta: plain text anyone can select, and a copy button where JavaScript runs. */
export function Value(props: { id: string; value: string; label: string }) {
  return (
    <span class="value">
      <code id={props.id} data-testid={props.id}>
        {props.value}
      </code>
      <button
        type="button"
        class="copy secondary"
        data-copy={props.id}
        aria-label={`Copy ${props.label}`}
        hidden
      >
        Copy
      </button>
    </span>
  )
}

/** Okta's field names and what to enter in each. */
export function Settings(props: { rows: SettingRow[] }) {
  return (
    <dl>
      {props.rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{typeof value === 'string' ? value : <Value {...value} label={label} />}</dd>
        </>
      ))}
    </dl>
  )
}
