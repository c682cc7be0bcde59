/** Searching the question bank: filters, and the competencies/focuses it covers (for filter menus). */
import { api, call, type Schemas } from "../../api/client";
import { useApi } from "../../ui/useApi";
import { useDebounced } from "../../ui/useDebounced";

export type BankSummary = Schemas["BankQuestionSummary"];
export type BankFilters = { q: string; role: string; competency: string; kind: "" | "video" | "written"; focus: string };

export const NO_FILTERS: BankFilters = { q: "", role: "", competency: "", kind: "", focus: "" };

type Facets = { competencies: string[]; focuses: string[]; roles: string[] };
const NO_FACETS: Facets = { competencies: [], focuses: [], roles: [] };

/** Every value of the bank's filterable fields, read once from the whole bank. */
export function useBankFacets(): Facets {
  const { data } = useApi(async (): Promise<Facets> => {
    const page = await call(api.GET("/api/bank/questions", { params: { query: { limit: 200 } } }));
    const competencies = [...new Set(page.items.map((x) => x.competency))].sort();
    const focuses = [...new Set(page.items.flatMap((x) => x.focus))].sort();
    const roles = [...new Set(page.items.flatMap((x) => x.roles))];
    return { competencies, focuses, roles };
  }, []);
  return data ?? NO_FACETS; // on an error the menus stay empty; the search itself reports errors
}

/** Bank questions matching `filters` (debounced while typing; the last answer stays shown meanwhile). */
export function useBankSearch(filters: BankFilters): { items: BankSummary[] | null; total: number; error: string | null } {
  const settled = useDebounced(filters, 200);
  const { data, error } = useApi(
    () =>
      call(
        api.GET("/api/bank/questions", {
          params: {
            query: {
              q: settled.q.trim() || null,
              role: settled.role || null,
              competency: settled.competency || null,
              kind: settled.kind || null,
              focus: settled.focus || null,
              limit: 200,
            },
          },
        }),
      ),
    [settled.q, settled.role, settled.competency, settled.kind, settled.focus],
    { keep: true },
  );
  if (error) return { items: [], total: 0, error };
  return { items: data?.items ?? null, total: data?.total ?? 0, error: null };
}
