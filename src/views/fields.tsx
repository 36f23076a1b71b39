// Form pieces several pages share: a secret's field (never echoed back) and the sign-out button.

/** A labelled password-type field; `autocomplete` says whose secret it is (ours, a new one, or Okta's). */
export function SecretField(props: {
  id: string
  name: string
  label: string
  autocomplete: 'current-password' | 'new-password' | 'off'
  minlength?: number
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
      />
    </>
  )
}

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
