/**
 * Where a kept recording's upload stands on the server (tus HEAD), and the tus-js-client URL
 * entry that makes `uploadTake` resume it (fingerprint = take id) instead of creating it again:
 * a second creation of the same take is refused (409), which tus-js-client would retry for minutes.
 */
import * as tus from "tus-js-client";
import { UPLOAD_LOST } from "../media/upload";

const TUS_VERSION = "1.0.0";

export type ServerUpload =
  | { kind: "partial"; offset: number; length: number }
  | { kind: "complete" }
  /** The server holds no such upload: never created, or ended (a newer take, the link expired). */
  | { kind: "missing" };

export function uploadUrl(token: string, takeId: string): string {
  return new URL(`/api/candidate/${encodeURIComponent(token)}/uploads/${takeId}`, window.location.href).href;
}

function fingerprint(takeId: string): string {
  return `viva-take-${takeId}`; // the one uploadTake gives tus-js-client
}

/** tus HEAD. Throws when the server cannot be reached or answers something else (retry later). */
export async function serverUpload(token: string, takeId: string): Promise<ServerUpload> {
  const res = await fetch(uploadUrl(token, takeId), {
    method: "HEAD",
    headers: { "Tus-Resumable": TUS_VERSION },
    cache: "no-store",
  });
  if (res.status === 404 || res.status === 410) return { kind: "missing" };
  if (!res.ok) throw new Error(UPLOAD_LOST); // a server in trouble: the candidate tries again later
  const offset = Number(res.headers.get("Upload-Offset"));
  const length = Number(res.headers.get("Upload-Length"));
  if (!Number.isFinite(offset) || !Number.isFinite(length)) throw new Error(UPLOAD_LOST);
  return offset >= length ? { kind: "complete" } : { kind: "partial", offset, length };
}

/** Make sure tus-js-client will resume this take's upload (its URL entry may be gone with localStorage). */
export async function ensureResumable(token: string, takeId: string, size: number): Promise<void> {
  const storage = tus.defaultOptions.urlStorage;
  const known = await storage.findUploadsByFingerprint(fingerprint(takeId)).catch(() => []);
  if (known.some((u) => u.uploadUrl)) return;
  await storage
    .addUpload(fingerprint(takeId), {
      size,
      metadata: {},
      creationTime: new Date().toString(),
      urlStorageKey: "",
      uploadUrl: uploadUrl(token, takeId),
      parallelUploadUrls: null,
    })
    .catch(() => undefined); // no localStorage: uploadTake then starts over, which the server refuses clearly
}

/** Whether tus-js-client noted this take's upload URL, i.e. the server created the upload once. */
export async function wasCreated(takeId: string): Promise<boolean> {
  const known = await tus.defaultOptions.urlStorage.findUploadsByFingerprint(fingerprint(takeId)).catch(() => []);
  return known.some((u) => u.uploadUrl);
}

/** Forget tus-js-client's URL entry of a take that will never be sent (superseded or expired). */
export async function forgetResumable(takeId: string): Promise<void> {
  const storage = tus.defaultOptions.urlStorage;
  const known = await storage.findUploadsByFingerprint(fingerprint(takeId)).catch(() => []);
  for (const u of known) await storage.removeUpload(u.urlStorageKey).catch(() => undefined);
}
