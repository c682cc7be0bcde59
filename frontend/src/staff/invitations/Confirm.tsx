import { useEffect, useRef, useState } from "preact/hooks";

/** Inline confirmation; focus starts on Cancel so a stray Enter does no harm. */
export function ConfirmRevoke(props: { name: string; onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <span class="confirm" role="group" aria-label={`Confirm revoking the link for ${props.name}`}>
      <span class="small">Revoke this link?</span>
      <button type="button" class="btn btn-danger btn-small" onClick={props.onConfirm}>
        Yes, revoke
      </button>
      <button type="button" ref={cancel} class="btn btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </span>
  );
}

/** Resend: a new link with a new expiry; the old link stops working. */
export function ConfirmResend(props: { name: string; onConfirm: (days: number | null) => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [days, setDays] = useState("14");
  useEffect(() => cancel.current?.focus(), []);
  const id = `resend-days-${props.name.replace(/\W+/g, "-")}`;
  return (
    <span class="confirm confirm-resend" role="group" aria-label={`Confirm a new link for ${props.name}`}>
      <span class="small">New link (the old one stops working), valid for</span>
      <label class="sr-only" for={id}>Days the new link is valid</label>
      <input id={id} class="days-input" type="number" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      <span class="small">days?</span>
      <button type="button" class="btn btn-primary btn-small" onClick={() => props.onConfirm(days ? Number(days) : null)}>
        Yes, send
      </button>
      <button type="button" ref={cancel} class="btn btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </span>
  );
}

/** Extend: more days on the same link (an expired one works again). */
export function ConfirmExtend(props: { name: string; onConfirm: (days: number) => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [days, setDays] = useState("7");
  useEffect(() => cancel.current?.focus(), []);
  const id = `extend-days-${props.name.replace(/\W+/g, "-")}`;
  const n = Number(days);
  const ok = Number.isInteger(n) && n >= 1 && n <= 90;
  return (
    <span class="confirm confirm-resend" role="group" aria-label={`Confirm extending the deadline for ${props.name}`}>
      <span class="small">Same link, deadline</span>
      <label class="sr-only" for={id}>Days to add</label>
      <input id={id} class="days-input" type="number" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      <span class="small">days later?</span>
      <button type="button" class="btn btn-primary btn-small" disabled={!ok} onClick={() => props.onConfirm(n)}>
        Yes, extend
      </button>
      <button type="button" ref={cancel} class="btn btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </span>
  );
}
