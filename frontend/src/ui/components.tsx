/** Small shared pieces: links, alerts, loading states, formatting. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { onLinkClick, useLocation } from "../router";

export function Link(props: { href: string; class?: string; current?: boolean; children: ComponentChildren }) {
  return (
    <a href={props.href} class={props.class} onClick={onLinkClick} aria-current={props.current ? "page" : undefined}>
      {props.children}
    </a>
  );
}

/** An error message, announced to screen readers when it appears. */
export function Alert(props: { children: ComponentChildren; kind?: "error" | "info" | "success" | "warning" }) {
  const kind = props.kind ?? "error";
  return (
    <div class={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? "Loading…"}
    </p>
  );
}

/** Sets the document title and moves focus to the page heading on mount (for screen readers). */
export function PageHeading(props: { children: ComponentChildren; title: string; class?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Viva`;
    ref.current?.focus({ preventScroll: true });
  }, [props.title]);
  return (
    <h1 ref={ref} tabIndex={-1} class={props.class}>
      {props.children}
    </h1>
  );
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${m}:${r.toString().padStart(2, "0")}`;
}

/** "3 min" / "45 s" / "1 min 30 s" for settings tables. */
export function humanSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const r = seconds % 60;
  return r ? `${m} min ${r} s` : `${m} min`;
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** How long ago `iso` was, for "waiting" columns: "just now", "12 min", "3 h", "2 d". */
export function waitingSince(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** One decimal, without a trailing ".0"; "—" for a missing number. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const f = Number(value.toFixed(digits));
  return String(f);
}

/** True when a key event comes from a place where typing must not trigger page shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return false;
}

const FLASH_KEY = "viva.flash";

/** Leave a message for the next page (e.g. after erasing something, then navigating away). */
export function setFlash(message: string): void {
  try {
    sessionStorage.setItem(FLASH_KEY, message);
  } catch {
    /* storage blocked: the message is lost, the action itself is done */
  }
}

/** Shows (once) the message left by {@link setFlash}, until the next navigation. */
export function FlashMessage() {
  const { path } = useLocation();
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let m: string | null = null;
    try {
      m = sessionStorage.getItem(FLASH_KEY);
      sessionStorage.removeItem(FLASH_KEY);
    } catch {
      m = null;
    }
    setMessage(m);
  }, [path]);
  return message ? <Alert kind="success">{message}</Alert> : null;
}
