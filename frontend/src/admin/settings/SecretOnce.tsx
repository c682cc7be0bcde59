/** A secret the server shows once (a webhook's signing secret, an API token): copy it now. */
import { useEffect, useRef, useState } from "preact/hooks";

export function SecretOnce(props: { id: string; label: string; value: string; children?: preact.ComponentChildren; onDismiss: () => void }) {
  const [copied, setCopied] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [props.value]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied("Copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopied("Press Ctrl+C (or ⌘C) to copy the selected text.");
    }
  }
  return (
    <div class="new-link card secret-once" tabIndex={-1} ref={box} role="region" aria-label={`New ${props.label.toLowerCase()}`}>
      <p class="warn-text small">
        This {props.label.toLowerCase()} is shown <strong>only once</strong>. Copy it now and keep it somewhere safe.
      </p>
      <div class="copy-row">
        <label for={props.id} class="sr-only">{props.label}</label>
        <input id={props.id} ref={input} readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="btn btn-primary" onClick={copy}>Copy</button>
      </div>
      <p class="small copy-status" role="status">{copied}</p>
      {props.children}
      <button type="button" class="btn btn-small btn-quiet" onClick={props.onDismiss}>I have copied it</button>
    </div>
  );
}
