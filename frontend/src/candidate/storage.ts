/** Take ids the browser chooses and must keep across reloads (localStorage, per link and question). */

export function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function key(token: string, kind: string, questionId: string): string {
  return `viva:${token.slice(0, 12)}:${kind}:${questionId}`;
}

function read(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}

function write(k: string, v: string | null): void {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    /* private mode: ids then live for this page only */
  }
}

/** The one take id of a written answer: created once, reused for every autosave and the submit. */
export function writtenTakeId(token: string, questionId: string): string {
  const k = key(token, "written", questionId);
  let id = read(k);
  if (!id) {
    id = newId();
    write(k, id);
  }
  return id;
}

/** A recorded-but-not-yet-accepted video take, so a reload can offer to use it. */
export function pendingTake(token: string, questionId: string): string | null {
  return read(key(token, "take", questionId));
}

export function setPendingTake(token: string, questionId: string, takeId: string | null): void {
  write(key(token, "take", questionId), takeId);
}

const DEVICE_CHECK_KEY = "viva:device-check-passed";
const DEVICE_CHECK_VALID_MS = 60 * 60 * 1000;

/** When the device check last passed in this browser, if within the last hour. */
export function recentDeviceCheck(now: number = Date.now()): number | null {
  const at = Number(read(DEVICE_CHECK_KEY));
  return Number.isFinite(at) && at > 0 && now - at < DEVICE_CHECK_VALID_MS ? at : null;
}

export function rememberDeviceCheck(now: number = Date.now()): void {
  write(DEVICE_CHECK_KEY, String(now));
}
