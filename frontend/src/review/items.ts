/** Review items by id: fetched through `useApi`'s keyed cache, so moving to the next answer is immediate. */
import { api, call, type Schemas } from "../api/client";
import { prefetch } from "../ui/useApi";

export type ReviewItem = Schemas["ReviewItem"];
export type QueueQuery = { assessment_id?: string; order?: "oldest" | "newest" | "uncertain" };

/** The cache key of an item: its id first, so `forget(itemPrefix(id))` drops every queue order's copy. */
export const itemPrefix = (id: string): string => `review-item:${id}?`;
export const itemKey = (id: string, query: QueueQuery): string => `${itemPrefix(id)}${JSON.stringify(query)}`;

export function fetchItem(id: string, query: QueueQuery): Promise<ReviewItem> {
  return call(api.GET("/api/review/responses/{response_id}", { params: { path: { response_id: id }, query } }));
}

/** Warm the next item (and its poster) while the reviewer works on this one. */
export function prefetchItem(id: string | null | undefined, query: QueueQuery): void {
  if (!id) return;
  prefetch(itemKey(id, query), () => fetchItem(id, query)).then(
    (item) => {
      if (item.poster_url) new Image().src = item.poster_url;
    },
    () => undefined,
  );
}
