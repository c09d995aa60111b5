"""The interviewer's voice profile: a few speaker embeddings of the user's own voice, one
per occasion (a microphone, a room, a day), kept in listenwell's own folder
(`listenwell.userdata.profile_path()`, 0600). Never audio: lists of numbers.

Made by `listenwell check` (when there is none yet) or `listenwell enroll` (15 s from the
microphone, or a clip), refreshed from an interview whose interviewer is known
(`enroll --from DIR`: the microphone channel of a two-channel recording, or the turns of a
transcript the user corrected). Attribution then verifies each stretch of speech against
the known voice (diarize/verify.py) instead of guessing from the voices alone.

Each occasion is kept as recorded and cut to the telephone band (band.py): a phone call
is compared with the voice as a phone line would carry it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field
from typing_extensions import NotRequired, TypedDict  # pydantic needs it on Python < 3.12

from listenwell import userdata
from listenwell.errors import UserError
from listenwell.transcribe.audio import SAMPLE_RATE

from .band import is_narrowband, phone_band
from .channels import active_seconds
from .diarize.models import EMBEDDING

MIN_SPEECH_S = 5.0  # less speech than this makes an unsteady embedding
MAX_OCCASIONS = 8  # occasions kept (the oldest goes first)
# A new occasion must sound like the profile: real same-person clips of 10-15 s scored
# 0.46-0.95 across takes and microphones, different people at most 0.31 (docs/speakers.md)
SAME_PERSON = 0.40

Band = Literal["wide", "phone"]


@dataclass
class Voice:
    """One occasion's voice, as voice_from_audio() measures it."""

    embedding: np.ndarray  # L2-normalised, of the audio as it was
    speech_s: float
    band: Band = "wide"  # "phone": the audio itself was narrowband
    phone: np.ndarray | None = None  # wideband audio cut to the telephone band


@dataclass
class Entry:
    """The voice on one occasion, in one band."""

    embedding: np.ndarray  # L2-normalised
    source: str  # what it was made from, in words
    created: str  # ISO date and time
    speech_s: float
    band: Band = "wide"


@dataclass
class VoiceProfile:
    entries: list[Entry] = field(default_factory=list)
    model: str = EMBEDDING  # the embedding model the entries were made with

    @property
    def matrix(self) -> np.ndarray:
        return np.stack([e.embedding for e in self.entries]).astype(np.float32)

    @property
    def has_phone_band(self) -> bool:
        return any(e.band == "phone" for e in self.entries)

    @property
    def occasions(self) -> int:
        return len({(e.source, e.created) for e in self.entries})

    def for_recording(self, narrowband: bool) -> np.ndarray:
        """The embeddings to compare a recording with: on a narrowband one (a phone call)
        every entry, telephone-band ones included; else those as recorded (all, for a
        profile made only from phone calls)."""
        wide = [e.embedding for e in self.entries if e.band == "wide"]
        if narrowband or not wide:
            return self.matrix
        return np.stack(wide).astype(np.float32)

    @property
    def id(self) -> str:
        """Changes whenever an entry is added or replaced (transcripts say which was used)."""
        h = hashlib.sha256(self.model.encode())
        for e in self.entries:
            h.update(np.asarray(e.embedding, np.float32).tobytes())
        return h.hexdigest()[:10]

    @property
    def usable(self) -> bool:
        return self.model == EMBEDDING and bool(self.entries)

    def similarity(self, emb: np.ndarray, narrowband: bool = False) -> np.ndarray:
        """Cosine similarity of each row of `emb` (L2-normalised) to the profile: to the
        nearest of its occasions (for a narrowband recording, in either band)."""
        return (np.atleast_2d(emb) @ self.for_recording(narrowband).T).max(axis=1)

    def summary(self) -> dict:
        """What the transcript records about the profile it used."""
        return {"id": self.id, "created": min(e.created for e in self.entries),
                "updated": max(e.created for e in self.entries), "occasions": self.occasions,
                "sources": list(dict.fromkeys(e.source for e in self.entries))}


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


class _EntryMeta(TypedDict):
    source: str
    created: str
    speech_s: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    band: NotRequired[Band]  # absent in profiles of earlier versions: "wide"


class _ProfileMeta(TypedDict):
    """The `meta` of voice-profile.npz (its `embeddings` are one row per entry)."""

    model: str
    entries: Annotated[list[_EntryMeta], Field(min_length=1, max_length=64)]


def load_profile(path: Path | None = None) -> VoiceProfile | None:
    """The profile at `path` (default: the user's), or None when there is none or it is
    damaged (read_profile() says how)."""
    try:
        return read_profile(path)
    except UserError:
        return None


def read_profile(path: Path | None = None) -> VoiceProfile | None:
    """The profile at `path` (default: the user's), None when there is none; UserError
    naming the file and the problem when it is damaged. A profile of an earlier version
    (one embedding, interviewer.npy) is read as one occasion."""
    from pydantic import ValidationError

    from listenwell.records import field_error, type_adapter

    path = path or userdata.profile_path()
    damaged = f"{path}: a damaged voice profile ({{}}); `listenwell enroll --delete`, then `listenwell enroll` makes a new one"
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = type_adapter(_ProfileMeta).validate_json(str(z["meta"]))
            emb = np.asarray(z["embeddings"], np.float32)
    except FileNotFoundError:
        pass
    except ValidationError as e:
        raise UserError(damaged.format(field_error(e))) from None
    except (ValueError, OSError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
        raise UserError(damaged.format(f"unreadable: {type(e).__name__}")) from None
    else:
        if emb.ndim != 2 or len(emb) != len(meta["entries"]) or not np.isfinite(emb).all():
            raise UserError(damaged.format(f"embeddings of shape {emb.shape} for {len(meta['entries'])} occasion(s)"))
        return VoiceProfile([Entry(emb[i], m["source"], m["created"], m["speech_s"], m.get("band", "wide"))
                             for i, m in enumerate(meta["entries"])], meta["model"])
    legacy = path.with_name(userdata.LEGACY_PROFILE)
    try:
        v = np.load(legacy, allow_pickle=False)
    except (FileNotFoundError, ValueError, OSError):
        return None
    if v.ndim != 1 or not np.isfinite(v).all():
        return None
    when = datetime.fromtimestamp(legacy.stat().st_mtime, timezone.utc).astimezone().isoformat(timespec="seconds")
    model = EMBEDDING if len(v) == 192 else "unknown"
    return VoiceProfile([Entry(v / (np.linalg.norm(v) + 1e-9), "enrolled with an earlier version", when, 0.0)], model)


def save_profile(profile: VoiceProfile, path: Path | None = None) -> Path:
    path = path or userdata.profile_path()
    meta = {"model": profile.model,
            "entries": [{"source": e.source, "created": e.created, "speech_s": round(e.speech_s, 1), "band": e.band}
                        for e in profile.entries]}
    buf = io.BytesIO()
    np.savez(buf, embeddings=profile.matrix, meta=np.array(json.dumps(meta)))
    userdata.write_private(path, buf.getvalue())
    return path


def delete_profile(path: Path | None = None) -> list[Path]:
    """Remove the profile (and an earlier version's); the paths removed."""
    path = path or userdata.profile_path()
    gone = []
    for p in (path, path.with_name(userdata.LEGACY_PROFILE)):
        if p.is_file():
            p.unlink()
            gone.append(p)
    return gone


def voice_from_audio(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Voice:
    """The voice of a clip of one person, as recorded and (when wideband) cut to the
    telephone band. Raises UserError when the clip holds too little speech."""
    audio = np.asarray(audio, dtype=np.float32)
    speech_s = active_seconds(audio, sample_rate)
    if speech_s < MIN_SPEECH_S:
        raise UserError(f"only {speech_s:.1f} s of speech found (need {MIN_SPEECH_S:.0f} s); "
                        "speak closer to the microphone and try again")
    from .diarize import embed

    if is_narrowband(audio, sample_rate):
        return Voice(embed(audio, sample_rate), speech_s, "phone")
    return Voice(embed(audio, sample_rate), speech_s, "wide", embed(phone_band(audio, sample_rate), sample_rate))


def add_occasion(profile: VoiceProfile | None, voice: Voice, source: str,
                 check_same: bool = True) -> tuple[VoiceProfile, float | None]:
    """The profile with one more occasion (the oldest dropped past MAX_OCCASIONS), and how
    close the new voice is to the profile as it was (None for a new profile). A voice
    unlike the profile is refused (another person's voice, or the wrong channel)."""
    when = _now()
    new = [Entry(np.asarray(voice.embedding, np.float32), source, when, voice.speech_s, voice.band)]
    if voice.phone is not None:
        new.append(Entry(np.asarray(voice.phone, np.float32), source, when, voice.speech_s, "phone"))
    if profile is None or not profile.usable:
        return VoiceProfile(new), None
    sim = float(profile.similarity(new[0].embedding, narrowband=voice.band == "phone")[0])
    if check_same and sim < SAME_PERSON:
        raise UserError(f"this voice does not sound like your profile (similarity {sim:.2f}, the same person "
                        f"scores above {SAME_PERSON}); if it is you, start again with `listenwell enroll --delete`")
    return VoiceProfile(_last_occasions([*profile.entries, *new]), profile.model), sim


def _last_occasions(entries: list[Entry]) -> list[Entry]:
    keep = set(list(dict.fromkeys((e.source, e.created) for e in entries))[-MAX_OCCASIONS:])
    return [e for e in entries if (e.source, e.created) in keep]
