/**
 * The typed API client: openapi-fetch over the types generated from openapi.json
 * (`npm run gen`), plus the two things every call needs: the CSRF header on
 * state-changing staff requests, and problem details turned into thrown errors.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { navigate } from "../router";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const CSRF_COOKIE = "viva_csrf";
const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** An RFC 9457 problem-details response, thrown by {@link call}. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const title = typeof body.title === "string" ? body.title : "Request failed";
    const detail =
      typeof body.detail === "string" && body.detail
        ? body.detail
        : `${title} (HTTP ${status}).`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.body = body;
  }
}

/** The message to show a person for any error thrown by an API call. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  if (err instanceof TypeError) return "Could not reach the server. Check your connection and try again.";
  if (err instanceof Error) return err.message;
  return "Something went wrong. Please try again.";
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** The CSRF cookie is set on any GET response; fetch one if we have none yet. */
async function csrfToken(): Promise<string | null> {
  let token = readCookie(CSRF_COOKIE);
  if (token === null) {
    await fetch("/api/auth/me", { credentials: "same-origin" });
    token = readCookie(CSRF_COOKIE);
  }
  return token;
}

const csrf: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (SAFE_METHODS.has(request.method) || schemaPath.startsWith("/api/candidate/")) return;
    const token = await csrfToken();
    if (token !== null) request.headers.set(CSRF_HEADER, token);
    return request;
  },
};

/** A staff page whose session ended (idle, deactivated, signed out elsewhere) goes to sign-in. */
const signedOut: Middleware = {
  onResponse({ response, schemaPath }) {
    if (response.status !== 401 || !location.pathname.startsWith("/app")) return;
    // The shell sends a signed-out visitor to sign-in itself when /api/auth/me answers 401;
    // redirecting here too raced it into /login?next=/login?next=...
    if (schemaPath === "/api/auth/login" || schemaPath === "/api/auth/password" || schemaPath === "/api/auth/me") return;
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  },
};

// JSON bodies only: downloads (CSV, bank files) are plain links, not parsed by this client.
export const api = createClient<paths, "application/json" | "application/problem+json">({
  baseUrl: "", credentials: "same-origin",
});
api.use(csrf, signedOut);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Await an openapi-fetch call: its data, or an {@link ApiError} carrying the problem's detail. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const body = error && typeof error === "object" ? (error as Record<string, unknown>) : {};
    throw new ApiError(response.status, body);
  }
  return data as T;
}
