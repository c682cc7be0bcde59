/** The candidate's own take, played back from the browser's recording.
 *
 * A WebM that MediaRecorder (or a blob of the live stream) wrote has no duration in its header,
 * so browsers report `Infinity`: the controls show 0:00 and cannot scrub. Seeking far past the
 * end makes the browser parse the whole file and learn the real duration; then the playhead
 * goes back to the start. The duration is also written out in text for screen readers. */
import { useRef, useState } from "preact/hooks";
import { useT } from "../i18n";
import { formatClock } from "../i18n/format";

export function PlaybackVideo({ src, label }: { src: string; label: string }) {
  const { t } = useT();
  const ref = useRef<HTMLVideoElement>(null);
  const [duration, setDuration] = useState<number | null>(null);
  const fixing = useRef(false);

  function learn() {
    const v = ref.current;
    if (!v) return;
    if (Number.isFinite(v.duration) && v.duration > 0) {
      if (fixing.current) {
        fixing.current = false;
        v.currentTime = 0;
      }
      setDuration(v.duration);
    } else if (!fixing.current) {
      fixing.current = true;
      v.currentTime = Number.MAX_SAFE_INTEGER; // the browser reads to the end and learns the length
    }
  }

  return (
    <>
      <video ref={ref} class="playback" src={src} controls playsInline preload="auto" aria-label={label}
        onLoadedMetadata={learn} onDurationChange={learn} />
      {duration !== null && <p class="small muted playback-length">{t("video.length", { duration: formatClock(Math.floor(duration)) })}</p>}
    </>
  );
}
