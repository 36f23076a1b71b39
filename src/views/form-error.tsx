// A refused form's error, shown beside the field it concerns, with its code and reference id.
import type { FormFailure } from '../errors'

/** The field a refusal belongs beside: the first of `fields` invalid_request names, else the code's, else `fallback`. */
export function fieldOf(
  failure: FormFailure | undefined,
  fields: readonly string[],
  byCode: Partial<Record<string, string>>,
  fallback: string,
): string | undefined {
  if (!failure) return undefined
  return failure.fields.find((f) => fields.includes(f)) ?? byCode[failure.code] ?? fallback
}

/** The error under its field; the field points at it with aria-describedby. */
export function FormError(props: { id: string; failure: FormFailure }) {
  const { failure } = props
  return (
    <p id={props.id} class="field-error" role="alert" data-testid="form-error">
      <span data-testid="error-message">{failure.message}</span>{' '}
      <span class="muted">
        (error code <code data-testid="error-code">{failure.code}</code> · reference{' '}
        <code data-testid="reference-id">{failure.referenceId}</code>)
      </span>
    </p>
  )
}
