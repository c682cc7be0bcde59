/** Review items by id, fetched once and shared, so moving to the next answer is immediate. */
import { api, call, type Schemas } from "../api/client";

export type ReviewItem = Schemas["ReviewItem"];
export type QueueQuery = { assessment_id?: string; order?: "oldest" | "newest" | "uncertain" };

const cache = new Map<string, Promise<ReviewItem>>();

function fetchItem(id: string, query: QueueQuery): Promise<ReviewItem> {
  return call(api.GET("/api/review/responses/{response_id}", { params: { path: { response_id: id }, query } }));
}

/** The item from the cache when there is one (then `fresh` revalidates), else from the server. */
export function loadItem(id: string, query: QueueQuery, { fresh = false } = {}): Promise<ReviewItem> {
  const key = `${id}?${JSON.stringify(query)}`;
  let p = fresh ? undefined : cache.get(key);
  if (!p) {
    p = fetchItem(id, query);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export function isCached(id: string, query: QueueQuery): boolean {
  return cache.has(`${id}?${JSON.stringify(query)}`);
}

/** Warm the next item (and its poster) while the reviewer works on this one. */
export function prefetch(id: string | null | undefined, query: QueueQuery): void {
  if (!id || isCached(id, query)) return;
  loadItem(id, query).then(
    (item) => {
      if (item.poster_url) new Image().src = item.poster_url;
    },
    () => undefined,
  );
}

export function forget(id: string): void {
  for (const key of [...cache.keys()]) if (key.startsWith(`${id}?`)) cache.delete(key);
}
