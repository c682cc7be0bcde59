/** The frame around every staff page: who is signed in, sign out, and the page itself. */
import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { ApiError, api, call, type Schemas } from "../api/client";
import { navigate, useLocation } from "../router";
import { Alert, FlashMessage, Link, Loading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

export const MeContext = createContext<Schemas["Me"] | null>(null);

export function StaffShell(props: { children: ComponentChildren; wide?: boolean }) {
  const { path } = useLocation();
  // Signed out: on to the sign-in page (null keeps "Loading" shown until it opens).
  const loaded = useApi(
    () =>
      call(api.GET("/api/auth/me")).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.status === 401)) throw err;
        const next = encodeURIComponent(location.pathname + location.search);
        navigate(`/login?next=${next}`, { replace: true });
        return null;
      }),
    [],
  );
  const signingOut = useSubmit(async () => {
    try {
      await call(api.POST("/api/auth/logout"));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err; // already signed out: fine
    }
    navigate("/login", { replace: true });
  });
  const signOut = () => void signingOut.submit();
  const me = loaded.data;
  const error = loaded.error ?? signingOut.error;

  if (error) return <main class="page"><Alert>{error}</Alert></main>;
  if (!me) return <main class="page"><Loading /></main>;
  return (
    <MeContext.Provider value={me}>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <div class="topbar-inner">
          <Link href="/app" class="brand-link">
            Viva <span class="org">{me.organization_name}</span>
          </Link>
          {/* The brand link leads to the assessments. */}
          <nav class="mainnav" aria-label="Main">
            {me.role === "hiring_manager" ? (
              <Link href="/app/review?view=candidates" current={path.startsWith("/app/review")}>Candidates</Link>
            ) : (
              <Link href="/app/review" current={path.startsWith("/app/review")}>Review</Link>
            )}
            {me.role === "admin" && (
              <Link href="/app/settings" current={path.startsWith("/app/settings")}>Settings</Link>
            )}
            {me.role !== "hiring_manager" && (
              <Link href="/app/bank" current={path.startsWith("/app/bank")}>Question bank</Link>
            )}
          </nav>
          <div class="user">
            <span class="user-name">
              {me.name} <span class="role-tag">{me.role.replace("_", " ")}</span>
            </span>
            <Link href="/app/account" class="btn btn-quiet" current={path === "/app/account"}>My account</Link>
            <button type="button" class="btn btn-quiet" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" class={props.wide ? "page page-wide" : "page"}>
        <FlashMessage />
        {props.children}
      </main>
    </MeContext.Provider>
  );
}
