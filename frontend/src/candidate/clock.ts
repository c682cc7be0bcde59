/**
 * The server's clocks in the browser. The view carries `server_now`; the offset between it and
 * this device's clock lets a countdown end exactly when the server's limit does, even when the
 * device's clock is wrong. Limits are the server's: a reload reads the same ends_at again.
 */
import { useEffect, useState } from "preact/hooks";

export interface ServerClock {
  /** Milliseconds to add to Date.now() to get the server's time. */
  offsetMs: number;
}

export function serverClock(serverNow: string): ServerClock {
  return { offsetMs: Date.parse(serverNow) - Date.now() };
}

/** Seconds from the server's now until `iso` (negative once passed). */
export function secondsUntil(iso: string, clock: ServerClock): number {
  return (Date.parse(iso) - (Date.now() + clock.offsetMs)) / 1000;
}

/** Whole seconds left until `iso`, ticking; calls `onZero` once when it reaches zero. */
export function useCountdown(iso: string | null | undefined, clock: ServerClock, onZero?: () => void): number | null {
  const initial = iso ? Math.max(0, Math.ceil(secondsUntil(iso, clock))) : null;
  const [left, setLeft] = useState<number | null>(initial);
  useEffect(() => {
    if (!iso) {
      setLeft(null);
      return;
    }
    let fired = false;
    const tick = () => {
      const s = Math.max(0, Math.ceil(secondsUntil(iso, clock)));
      setLeft(s);
      if (s <= 0 && !fired) {
        fired = true;
        clearInterval(id);
        onZero?.();
      }
    };
    const id = window.setInterval(tick, 250);
    tick();
    return () => clearInterval(id);
  }, [iso, clock.offsetMs]);
  return left;
}
