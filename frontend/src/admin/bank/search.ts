/** Searching the question bank: filters, and the competencies/focuses it covers (for filter menus). */
import { useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../../api/client";

export type BankSummary = Schemas["BankQuestionSummary"];
export type BankFilters = { q: string; role: string; competency: string; kind: "" | "video" | "written"; focus: string };

export const NO_FILTERS: BankFilters = { q: "", role: "", competency: "", kind: "", focus: "" };

/** Every value of the bank's filterable fields, read once from the whole bank. */
export function useBankFacets(): { competencies: string[]; focuses: string[]; roles: string[] } {
  const [facets, setFacets] = useState<{ competencies: string[]; focuses: string[]; roles: string[] }>({ competencies: [], focuses: [], roles: [] });
  useEffect(() => {
    call(api.GET("/api/bank/questions", { params: { query: { limit: 200 } } })).then(
      (page) => {
        const competencies = [...new Set(page.items.map((x) => x.competency))].sort();
        const focuses = [...new Set(page.items.flatMap((x) => x.focus))].sort();
        const roles = [...new Set(page.items.flatMap((x) => x.roles))];
        setFacets({ competencies, focuses, roles });
      },
      () => undefined, // the menus stay empty; the search itself reports errors
    );
  }, []);
  return facets;
}

/** Bank questions matching `filters` (debounced while typing). */
export function useBankSearch(filters: BankFilters): { items: BankSummary[] | null; total: number; error: string | null } {
  const [state, setState] = useState<{ items: BankSummary[] | null; total: number; error: string | null }>({
    items: null,
    total: 0,
    error: null,
  });
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      call(
        api.GET("/api/bank/questions", {
          params: {
            query: {
              q: filters.q.trim() || null,
              role: filters.role || null,
              competency: filters.competency || null,
              kind: filters.kind || null,
              focus: filters.focus || null,
              limit: 200,
            },
          },
        }),
      ).then(
        (page) => live && setState({ items: page.items, total: page.total, error: null }),
        (err: unknown) => live && setState({ items: [], total: 0, error: errorMessage(err) }),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [filters.q, filters.role, filters.competency, filters.kind, filters.focus]);
  return state;
}
