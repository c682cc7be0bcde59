/** A value that follows `value` once it has stopped changing for `ms` (a search as one types). */
import { useEffect, useState } from "preact/hooks";

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
