"""Checking a browser's SDP offer before a peer connection is built from it."""

from __future__ import annotations

from dataclasses import dataclass

from media.errors import InvalidOffer

__all__ = ["OfferLimits", "OfferSummary", "validate_offer"]

_AUDIO_CODECS = frozenset({"opus", "pcmu", "pcma"})
_VIDEO_CODECS = frozenset({"vp8", "h264"})
_SENDING = frozenset({"sendrecv", "sendonly"})


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferLimits:
    """Bounds on what an offer may contain; anything beyond is refused."""

    max_bytes: int = 64 * 1024
    max_candidates: int = 64
    max_media_sections: int = 4
    require_video: bool = True


@dataclass(frozen=True, slots=True)
class OfferSummary:
    """What a valid offer sends: codec names per kind and how many candidates."""

    audio_codecs: tuple[str, ...]
    video_codecs: tuple[str, ...]
    candidates: int

    @property
    def has_video(self) -> bool:
        """Whether the offer sends a usable video track."""
        return bool(self.video_codecs)


def validate_offer(sdp: str, sdp_type: str = "offer", limits: OfferLimits | None = None) -> OfferSummary:
    """Return a summary of ``sdp`` if it is a usable take offer, else raise InvalidOffer.

    Args:
        sdp: The session description text the browser sent.
        sdp_type: Must be ``"offer"``.
        limits: Size and content bounds; defaults to :class:`OfferLimits`.

    Raises:
        InvalidOffer: Malformed, oversized, or not sending audio (and video, if required).
    """
    from aiortc.sdp import SessionDescription

    limits = limits or OfferLimits()
    if sdp_type != "offer":
        raise InvalidOffer(f"expected an SDP offer, got type {sdp_type!r}")
    if not isinstance(sdp, str) or not sdp.strip():
        raise InvalidOffer("the SDP offer is empty")
    if len(sdp.encode("utf-8", "replace")) > limits.max_bytes:
        raise InvalidOffer(f"the SDP offer is larger than {limits.max_bytes} bytes")
    if not sdp.lstrip().startswith("v=0"):
        raise InvalidOffer("the SDP offer does not start with 'v=0'; it is not SDP")
    candidates = sum(1 for line in sdp.splitlines() if line.startswith("a=candidate:"))
    if candidates > limits.max_candidates:
        raise InvalidOffer(
            f"the SDP offer lists {candidates} ICE candidates; at most {limits.max_candidates} are accepted"
        )
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser raises ValueError, KeyError, IndexError...
        raise InvalidOffer(f"the SDP offer cannot be parsed: {exc or type(exc).__name__}") from exc
    if len(parsed.media) > limits.max_media_sections:
        raise InvalidOffer(
            f"the SDP offer has {len(parsed.media)} media sections; at most "
            f"{limits.max_media_sections} are accepted"
        )
    codecs: dict[str, list[str]] = {"audio": [], "video": []}
    for media in parsed.media:
        if media.kind not in codecs or media.port == 0 or media.direction not in _SENDING:
            continue
        if media.ice is None or not (media.ice.usernameFragment and media.ice.password):
            raise InvalidOffer(f"the {media.kind} section has no ICE credentials")
        if not media.dtls or not media.dtls.fingerprints:
            raise InvalidOffer(f"the {media.kind} section has no DTLS fingerprint")
        codecs[media.kind].extend(c.name.lower() for c in media.rtp.codecs)
    audio = tuple(dict.fromkeys(c for c in codecs["audio"] if c in _AUDIO_CODECS))
    video = tuple(dict.fromkeys(c for c in codecs["video"] if c in _VIDEO_CODECS))
    if not codecs["audio"]:
        raise InvalidOffer("the SDP offer sends no audio; allow the microphone and try again")
    if not audio:
        raise InvalidOffer("the SDP offer's audio uses no supported codec (Opus, PCMU, PCMA)")
    if limits.require_video and not codecs["video"]:
        raise InvalidOffer("the SDP offer sends no video; allow the camera and try again")
    if codecs["video"] and not video:
        raise InvalidOffer("the SDP offer's video uses no supported codec (VP8, H.264)")
    return OfferSummary(audio_codecs=audio, video_codecs=video, candidates=candidates)
