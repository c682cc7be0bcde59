"""Offers a take cannot use are refused with a message, before any peer is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.errors import InvalidOffer
from media.offer import OfferLimits, validate_offer
from media.peer import TakeSession
from tests.support.webrtc_client import WebRTCClient


async def _client_offer(media: Path, *, video: bool = True) -> str:
    client = WebRTCClient(media, video=video)
    try:
        sdp, _ = await client.offer()
    finally:
        await client.close()
    return sdp


async def test_a_real_client_offer_is_accepted(source_media: Path) -> None:
    summary = validate_offer(await _client_offer(source_media))

    assert "opus" in summary.audio_codecs and "vp8" in summary.video_codecs
    assert summary.candidates >= 1


@pytest.mark.parametrize(
    ("sdp", "message"),
    [
        ("", "empty"),
        ("hello, I am not SDP", "not SDP"),
        ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio notaport UDP/TLS/RTP/SAVPF 111\r\n", "cannot be parsed"),
        ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", "sends no audio"),
    ],
)
async def test_malformed_or_empty_offers_are_invalid(tmp_path: Path, sdp: str, message: str) -> None:
    with pytest.raises(InvalidOffer, match=message):
        await TakeSession.open(take_id="t", sdp=sdp, output=tmp_path / "t.webm")
    assert not (tmp_path / "t.webm").exists()


async def test_an_offer_without_audio_is_invalid(source_media: Path) -> None:
    sdp = await _client_offer(source_media)
    audio_start = sdp.index("m=audio")
    video_start = sdp.index("m=video")
    # Cut the audio section out, whether it comes before or after the video.
    end = video_start if audio_start < video_start else len(sdp)
    without_audio = sdp[:audio_start] + sdp[end:]
    without_audio = without_audio.replace(" 0 1", " 1").replace("BUNDLE 0", "BUNDLE")

    with pytest.raises(InvalidOffer, match="no audio"):
        validate_offer(without_audio)


async def test_an_audio_only_offer_is_refused_when_video_is_required(
    source_media: Path,
) -> None:
    sdp = await _client_offer(source_media, video=False)

    with pytest.raises(InvalidOffer, match="no video"):
        validate_offer(sdp)
    assert validate_offer(sdp, limits=OfferLimits(require_video=False)).audio_codecs


async def test_thousands_of_candidates_or_huge_offers_are_refused(source_media: Path) -> None:
    sdp = await _client_offer(source_media)
    candidate = next(line for line in sdp.splitlines() if line.startswith("a=candidate:"))
    flooded = sdp.replace(candidate, "\r\n".join([candidate] * 2000))

    with pytest.raises(InvalidOffer, match="larger than"):
        validate_offer(flooded)
    with pytest.raises(InvalidOffer, match=r"\d{4} ICE candidates; at most 64"):
        validate_offer(flooded, limits=OfferLimits(max_bytes=10_000_000))


async def test_an_answer_is_not_an_offer(source_media: Path) -> None:
    with pytest.raises(InvalidOffer, match="expected an SDP offer"):
        validate_offer(await _client_offer(source_media), "answer")
