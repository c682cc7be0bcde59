/**
 * Answers recorded in the browser (the upload fallback) kept in IndexedDB until the server has
 * them, so a reload, a crashed tab or a laptop that slept mid-upload does not lose the answer:
 * the next load of the link finds the record and resumes the tus upload from the server's offset.
 *
 * One record per take (key: the take id, which is also the tus upload's id), found by link
 * (the token's first 12 characters, as in storage.ts) and question. A browser without IndexedDB,
 * or a full disk, only loses this safety net: every call here reports failure instead of throwing.
 * Hand-written on the raw API: four calls do not need a library (none is installed).
 */

const DB_NAME = "viva-uploads";
const STORE = "takes";
const BY_LINK = "by-link";

/** What resuming an upload needs: the recording itself and the ids the server knows it by. */
export interface SavedUpload {
  takeId: string;
  link: string;
  questionId: string;
  blob: Blob;
  /** Seconds recorded, measured in the browser (the server measures again from the file). */
  durationS: number;
  savedAt: number;
  /** Set once the server created the upload (tus POST answered): from then on a 404 means it is gone. */
  uploadUrl?: string;
}

function linkOf(token: string): string {
  return token.slice(0, 12);
}

let opening: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(DB_NAME, 1);
    } catch {
      resolve(null); // no IndexedDB (some private modes)
      return;
    }
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: "takeId" });
      store.createIndex(BY_LINK, "link");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return opening;
}

/** Run one request in its own transaction: its result once committed, or `ok: false` on any failure. */
async function run<T>(
  mode: IDBTransactionMode,
  make: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<{ ok: boolean; value?: T }> {
  const db = await open();
  if (!db) return { ok: false };
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(STORE, mode);
      const req = make(tx.objectStore(STORE));
      tx.oncomplete = () => resolve({ ok: true, value: req.result });
      tx.onerror = () => resolve({ ok: false }); // QuotaExceededError lands here (or in onabort)
      tx.onabort = () => resolve({ ok: false });
    } catch {
      resolve({ ok: false });
    }
  });
}

/**
 * Keep a recording until the server has it, replacing any older take of the same question
 * (never two copies); false when the browser cannot (quota, no IndexedDB).
 */
export async function saveUpload(token: string, take: Omit<SavedUpload, "link" | "savedAt">): Promise<boolean> {
  for (const old of await savedUploads(token)) {
    if (old.questionId === take.questionId && old.takeId !== take.takeId) await forgetUpload(old.takeId);
  }
  const saved: SavedUpload = { ...take, link: linkOf(token), savedAt: Date.now() };
  return (await run("readwrite", (s) => s.put(saved))).ok;
}

/** Note that the server created the upload (its URL), so a later 404 means the take is gone. */
export async function markCreated(takeId: string, uploadUrl: string): Promise<void> {
  const saved = (await run("readonly", (s) => s.get(takeId) as IDBRequest<SavedUpload | undefined>)).value;
  if (saved && saved.uploadUrl !== uploadUrl) await run("readwrite", (s) => s.put({ ...saved, uploadUrl }));
}

/** This link's kept recordings, oldest first. */
export async function savedUploads(token: string): Promise<SavedUpload[]> {
  const link = linkOf(token);
  const all = await run("readonly", (s) => s.index(BY_LINK).getAll(link) as IDBRequest<SavedUpload[]>);
  return (all.value ?? []).sort((a, b) => a.savedAt - b.savedAt);
}

/** The newest kept recording of one question of this link, if any. */
export async function savedUpload(token: string, questionId: string): Promise<SavedUpload | null> {
  const mine = (await savedUploads(token)).filter((s) => s.questionId === questionId);
  return mine[mine.length - 1] ?? null;
}

export async function forgetUpload(takeId: string): Promise<void> {
  await run("readwrite", (s) => s.delete(takeId));
}

/**
 * Drop this link's kept recordings except those of `openQuestions` (the link expired, the
 * interview is done, or a question was answered another way): none of them can be sent any more.
 */
export async function keepOnly(token: string, openQuestions: readonly string[]): Promise<void> {
  for (const s of await savedUploads(token)) {
    if (!openQuestions.includes(s.questionId)) await forgetUpload(s.takeId);
  }
}
