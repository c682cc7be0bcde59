/** Loading and submitting through the typed client, written once: what every page did by hand
 * (a state for the data, one for the error, an effect that fetches, a busy flag on submit),
 * and the one cache: a keyed load answers at once from what was fetched (or prefetched)
 * under its key, then revalidates. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "../api/client";

type Entry = { promise: Promise<unknown>; done: boolean; value: unknown };

/** Keyed answers, shared by every `useApi(..., { key })` and `prefetch`. */
const cache = new Map<string, Entry>();

function fetchInto<T>(key: string, load: () => Promise<T>): Promise<T> {
  const entry: Entry = { promise: load(), done: false, value: undefined };
  cache.set(key, entry);
  entry.promise.then(
    (value) => {
      entry.done = true;
      entry.value = value;
    },
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  return entry.promise as Promise<T>;
}

/** Fetch `key` ahead (e.g. the next answer in a queue) unless it is cached or on its way. */
export function prefetch<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  return (hit ? hit.promise : fetchInto(key, load)) as Promise<T>;
}

/** Drop every cached answer whose key starts with `prefix` (it changed on the server). */
export function forget(prefix: string): void {
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}

export type Loaded<T> = {
  /** The data once loaded (kept while a `reload` runs). */
  data: T | null;
  /** What went wrong, for a person; null when fine. */
  error: string | null;
  /** A load is on its way (the first one, a `reload`, or one for new `deps`). */
  loading: boolean;
  /** Fetch again, keeping what is shown until the answer arrives; settles once it has. */
  reload: () => Promise<void>;
  /** Replace the data (e.g. with what a save returned). */
  setData: (data: T) => void;
};

export type ApiOptions = {
  /** Cache the answer under this key: a later load of the key shows it at once and revalidates. */
  key?: string;
  /** Keep what is shown while the load for new `deps` runs (a search as one types, a filtered list). */
  keep?: boolean;
};

/** Runs `load` when `deps` change (clearing what was shown, unless `key` has it cached or `keep` is set),
 * and on `reload()`. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], options: ApiOptions = {}): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const keyRef = useRef(options.key);
  keyRef.current = options.key;
  const keepRef = useRef(options.keep);
  keepRef.current = options.keep;
  const run = useCallback((fresh: boolean): Promise<void> => {
    const ticket = ++latest.current;
    const key = keyRef.current;
    let answered = false;
    setError(null);
    setLoading(true);
    if (fresh) {
      const hit = key === undefined ? undefined : cache.get(key);
      if (hit?.done) setData(() => hit.value as T);
      else if (!keepRef.current) setData(null);
      // A prefetch on its way shows first unless the fresh answer beats it.
      if (hit && !hit.done) {
        hit.promise.then(
          (value) => { if (ticket === latest.current && !answered) setData(() => value as T); },
          () => undefined,
        );
      }
    }
    const request = key === undefined ? loader.current() : fetchInto(key, loader.current);
    return request.then(
      (value) => {
        answered = true;
        if (ticket !== latest.current) return;
        setData(() => value);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== latest.current) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => {
    run(true);
    return () => { latest.current++; }; // a late answer for old deps is dropped
  }, deps);
  return { data, error, loading, reload: () => run(false), setData: (value: T) => setData(() => value) };
}

export type Submitter<A extends unknown[], T> = {
  /** Runs the action; resolves to its result, or undefined when it failed (then `error` says why). */
  submit: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: string | null;
  setError: (message: string | null) => void;
};

/** A form's action: one at a time, with its error as a message a person can act on. */
export function useSubmit<A extends unknown[], T>(action: (...args: A) => Promise<T>): Submitter<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (err) {
      setError(errorMessage(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy, error, setError };
}
