/** A new invitation link, shown once (it cannot be read back), with copy and email status. */
import { useEffect, useRef, useState } from "preact/hooks";
import { type Invited, type Resent } from "./types";

export function NewLink(props: { created: Invited | Resent; onDismiss: () => void; dismissLabel?: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [props.created.id, props.created.token]);

  async function copy() {
    const link = props.created.link;
    try {
      await navigator.clipboard.writeText(link);
      setCopied("Link copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopied("Press Ctrl+C (or ⌘C) to copy the selected link.");
    }
  }

  return (
    <section class="card new-link" ref={panel} tabIndex={-1} aria-labelledby="new-link-h">
      <h3 id="new-link-h">Invitation link for {props.created.candidate_name}</h3>
      <p class="warn-text">
        This link is shown <strong>only once</strong>. Copy it now{props.created.email.status === "queued" ? " if you want to send it yourself" : " and send it to the candidate"}.
      </p>
      <p class="small">{props.created.email.message}</p>
      <div class="copy-row">
        <label for="new-link" class="sr-only">Invitation link</label>
        <input id="new-link" ref={input} readOnly value={props.created.link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="btn btn-primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="small copy-status" role="status">{copied ?? ""}</p>
      <button type="button" class={props.dismissLabel ? "btn btn-primary" : "btn btn-small"} onClick={props.onDismiss}>
        {props.dismissLabel ?? "Done, hide the link"}
      </button>
    </section>
  );
}
