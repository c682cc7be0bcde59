/** Small shared pieces: links, alerts, loading states, formatting. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { onLinkClick } from "../router";

export function Link(props: { href: string; class?: string; children: ComponentChildren }) {
  return (
    <a href={props.href} class={props.class} onClick={onLinkClick}>
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
