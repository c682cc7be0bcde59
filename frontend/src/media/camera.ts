/** The candidate's camera and microphone: one shared stream, and plain-language errors. */

export class DeviceError extends Error {
  readonly kind: "denied" | "missing" | "busy" | "insecure" | "other";
  constructor(kind: DeviceError["kind"], message: string) {
    super(message);
    this.name = "DeviceError";
    this.kind = kind;
  }
}

function explain(err: unknown): DeviceError {
  const name = err instanceof DOMException || err instanceof Error ? err.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return new DeviceError(
        "denied",
        "Your browser is blocking the camera or microphone. Click the camera icon in the address bar " +
          "(or open the site settings), allow both, then choose “Try again”.",
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return new DeviceError(
        "missing",
        "We could not find a camera and microphone. Connect them (or use a device that has them), then choose “Try again”.",
      );
    case "NotReadableError":
    case "AbortError":
      return new DeviceError(
        "busy",
        "Your camera or microphone is in use by another app (for example a video call). Close that app, then choose “Try again”.",
      );
    default:
      return new DeviceError("other", `Your camera or microphone could not be started${name ? ` (${name})` : ""}. Please try again.`);
  }
}

/** Holds at most one live camera+microphone stream; `ensure` reopens it after `stop`. */
export class Camera {
  private stream: MediaStream | null = null;

  get current(): MediaStream | null {
    return this.stream && this.stream.getTracks().some((t) => t.readyState === "live") ? this.stream : null;
  }

  async ensure(): Promise<MediaStream> {
    const live = this.current;
    if (live) return live;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new DeviceError(
        "insecure",
        "This browser cannot use a camera on this page. Open the link in an up-to-date Chrome, Edge, Firefox or Safari (the page must be on https).",
      );
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" },
      });
    } catch (err) {
      throw explain(err);
    }
    return this.stream;
  }

  /** Turn the camera and microphone off (the browser's recording light goes out). */
  stop(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }
}
