/** Dates, durations and numbers for the candidate's language (Intl). */
import { currentLanguage } from "./index";

const locale = () => currentLanguage();

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(locale(), { year: "numeric", month: "long", day: "numeric" });
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

export function formatPercent(fraction: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fraction);
}

/** "2 minutes", "1 min 30 s" in words for the language (a length of time, not a clock). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  const unit = (value: number, u: "minute" | "second", display: "long" | "short") =>
    new Intl.NumberFormat(locale(), { style: "unit", unit: u, unitDisplay: display }).format(value);
  if (m === 0) return unit(r, "second", "long");
  if (r === 0) return unit(m, "minute", "long");
  return new Intl.ListFormat(locale(), { style: "narrow", type: "unit" }).format([
    unit(m, "minute", "short"),
    unit(r, "second", "short"),
  ]);
}

/** A countdown or elapsed time as a clock, m:ss (digits in the language's numbering). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = new Intl.NumberFormat(locale(), { minimumIntegerDigits: 2, useGrouping: false });
  return `${new Intl.NumberFormat(locale(), { useGrouping: false }).format(Math.floor(s / 60))}:${pad.format(s % 60)}`;
}
