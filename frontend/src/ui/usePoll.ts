/** Run `tick` every `ms` while the page is visible (and once when it becomes visible again):
 * lists that refresh by themselves when new answers arrive (issue 16). */
import { useEffect, useMemo, useRef } from "preact/hooks";
import { call } from "../api/client";

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

type Result<T> = { data?: T; error?: unknown; response: Response };
export type Conditional = { headers?: Record<string, string> };

/** The ETag of a polled list: `track` remembers it from a full load, `poll` sends it back as
 * If-None-Match and resolves `null` on 304 Not Modified (nothing changed: keep what is shown;
 * the server builds no page for it). openapi-fetch hands a 304 back as an error with the raw
 * response, so the status is checked here before `call` turns errors into ApiError. */
export function useEtag() {
  const tag = useRef<string | null>(null);
  return useMemo(() => {
    const remember = async <T,>(request: Promise<Result<T>>): Promise<T | null> => {
      const result = await request;
      if (result.response.status === 304) return null;
      const data = await call(Promise.resolve(result));
      tag.current = result.response.headers.get("ETag");
      return data;
    };
    return {
      /** A full load (no validator sent); its ETag is kept for the next poll. */
      track: async <T,>(request: Promise<Result<T>>): Promise<T> => (await remember(request)) as T,
      /** A poll: `null` when the list did not change since the last load. */
      poll: <T,>(request: (init: Conditional) => Promise<Result<T>>): Promise<T | null> =>
        remember(request(tag.current ? { headers: { "If-None-Match": tag.current } } : {})),
    };
  }, []);
}
