/** Loading and submitting through the typed client, written once: what every page did by hand
 * (a state for the data, one for the error, an effect that fetches, a busy flag on submit). */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "../api/client";

export type Loaded<T> = {
  /** The data once loaded (kept while a `reload` runs). */
  data: T | null;
  /** What went wrong, for a person; null when fine. */
  error: string | null;
  /** Fetch again, keeping what is shown until the answer arrives. */
  reload: () => void;
  /** Replace the data (e.g. with what a save returned). */
  setData: (data: T) => void;
};

/** Runs `load` when `deps` change (clearing what was shown), and on `reload()`. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const run = useCallback((clear: boolean) => {
    const ticket = ++latest.current;
    if (clear) setData(null);
    setError(null);
    loader.current().then(
      (value) => { if (ticket === latest.current) setData(() => value); },
      (err: unknown) => { if (ticket === latest.current) setError(errorMessage(err)); },
    );
  }, []);
  useEffect(() => {
    run(true);
    return () => { latest.current++; }; // a late answer for old deps is dropped
  }, deps);
  return { data, error, reload: () => run(false), setData: (value: T) => setData(() => value) };
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
