/** A new password typed twice, with the rules the server applies (it also refuses common ones). */
export const MIN_PASSWORD = 12;

export function passwordProblem(password: string, repeat: string): string | null {
  if (password.length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters; a few unrelated words work well.`;
  if (password !== repeat) return "The two passwords differ.";
  return null;
}

export function NewPasswordFields(props: { password: string; repeat: string; tried: boolean; setPassword: (v: string) => void; setRepeat: (v: string) => void; idPrefix?: string }) {
  const id = props.idPrefix ?? "new";
  const problem = props.tried ? passwordProblem(props.password, props.repeat) : null;
  return (
    <>
      <div class="field">
        <label for={`${id}-password`}>New password</label>
        <input id={`${id}-password`} type="password" autocomplete="new-password" maxLength={128} value={props.password}
          aria-describedby={`${id}-password-help`} aria-invalid={!!problem && props.password.length < MIN_PASSWORD}
          onInput={(e) => props.setPassword(e.currentTarget.value)} />
        <span id={`${id}-password-help`} class="small muted">
          At least {MIN_PASSWORD} characters. Common or easily guessed passwords are refused.
        </span>
      </div>
      <div class="field">
        <label for={`${id}-repeat`}>Confirm password</label>
        <input id={`${id}-repeat`} type="password" autocomplete="new-password" maxLength={128} value={props.repeat}
          aria-invalid={!!problem && props.password.length >= MIN_PASSWORD}
          onInput={(e) => props.setRepeat(e.currentTarget.value)} />
        {problem && <span class="text-error small">{problem}</span>}
      </div>
    </>
  );
}
