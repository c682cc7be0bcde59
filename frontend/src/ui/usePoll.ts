/** Run `tick` every `ms` while the page is visible (and once when it becomes visible again):
 * lists that refresh by themselves when new answers arrive (issue 16). */
import { useEffect, useRef } from "preact/hooks";

export const REFRESH_MS = 15000;

export function usePoll(tick: () => void, ms: number = REFRESH_MS): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const run = () => { if (document.visibilityState === "visible") latest.current(); };
    const id = setInterval(run, ms);
    document.addEventListener("visibilitychange", run);
    return () => {
      clearInterval(id);
      document.removeEventListener("visibilitychange", run);
    };
  }, [ms]);
}
