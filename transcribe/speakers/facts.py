"""What the transcript says about its speakers besides who they are: how many people were
expected and why, whether the user's voice profile was used and whom it recognised, and
how sure the talk shares are (a margin in percentage points, with its reasons).

Field names (transcript.json `speakers`, see docs/speakers.md):
- `people`, `people_from`: the most speakers allowed and where that came from ("default":
  an interview has two people; "plan": `[interview] people`; "--speakers": forced);
- `profile`: {"used": true, "id", "created", "updated", "occasions", "recognised": label or
  null, "similarity": {label: cosine}} or {"used": false, "reason": ...};
- `margin_pp`: how far a speaker's share may be from the truth (about 9 times in 10);
- `margin_reasons`: why it is wide ("no voice profile", "voices alike", "much overlap",
  "a voice heard only briefly", "little speech", "your voice not recognised",
  PHONE_WITHOUT_PROFILE_REASON and NO_PHONE_BAND_REASON).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from listenwell.intervals import intersect, talk_time, total
from listenwell.plan import DEFAULT_PEOPLE, Plan
from listenwell.records import Turn

from .profile import VoiceProfile

CHANNEL_MARGIN_PP = 1.7  # two channels: the worst share error on the synthetic calls (docs/speakers.md)
MUCH_OVERLAP = 0.10  # of the talk: above this, "much overlap"
LITTLE_SPEECH_S = 60.0  # less talk than this: "little speech" (each second is a big share)
NO_PROFILE_REASON = "no voice profile (`listenwell enroll` makes one)"
# On a phone line two voices embed almost alike: without a profile, held-out interviews
# over a phone line were up to 33 pp off (docs/speakers-diarization.md)
PHONE_WITHOUT_PROFILE_REASON = "a phone call without a voice profile: voices on a phone line sound alike"
# a profile made before profiles kept the telephone band (profile.py), on a phone call
NO_PHONE_BAND_REASON = "a phone call, and your voice profile has no telephone-band entry (`listenwell enroll` adds one)"


def people(plan: Plan | None, num_speakers: int | None) -> tuple[int, str]:
    """How many speakers may be found, and why."""
    if num_speakers:
        return num_speakers, "--speakers"
    if plan is not None and plan.people != DEFAULT_PEOPLE:
        return plan.people, "plan"
    return DEFAULT_PEOPLE, "default"


def by_profile(profile: VoiceProfile, voices: dict[str, tuple[np.ndarray, bool]],
               match: float) -> tuple[str | None, dict[str, float]]:
    """The label whose voice (embedding, and whether it is narrowband) is the profile's, if
    one reaches `match`, and each label's similarity: for speakers found by channel, where
    the diarizer did not compare."""
    sims = {k: round(float(profile.similarity(v / (np.linalg.norm(v) + 1e-9), narrow)[0]), 3)
            for k, (v, narrow) in voices.items() if v.shape == profile.matrix.shape[1:]}
    best = max(sims, key=sims.get) if sims else None
    return (best if best is not None and sims[best] >= match else None), sims


def profile_fact(profile: VoiceProfile | None, recognised: str | None, sims: dict[str, float],
                 mapping: dict[str, str], why_not: str = NO_PROFILE_REASON) -> dict[str, Any]:
    if profile is None:
        return {"used": False, "reason": why_not}
    return {"used": True, **profile.summary(), "recognised": mapping.get(recognised) if recognised else None,
            "similarity": {mapping.get(k, k): v for k, v in sims.items()}}


def margin(method: str, turns: list[Turn], diarized_pp: float | None, diarized_reasons: list[str],
           profile_used: bool, recognised: bool) -> tuple[float, list[str]]:
    """The margin of the talk shares and its reasons, for the transcript. The margin is the
    diarizer's (calibrated on the development set, diarize/certainty.py) or, for channels,
    the channel path's measured worst; the reasons name what makes it wide."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        spans.setdefault(t.speaker, []).append((t.start, t.end))
    talk = sum(talk_time(spans).values())
    labels = list(spans)
    both = sum(total(intersect(spans[a], spans[b])) for i, a in enumerate(labels) for b in labels[i + 1:])
    reasons = list(diarized_reasons)
    pp = CHANNEL_MARGIN_PP if method == "channels" else (diarized_pp or 0.0)
    if method != "channels":
        if not profile_used:
            reasons.insert(0, "no voice profile")
        elif not recognised:
            reasons.insert(0, "your voice not recognised")
    if talk > 0 and both / talk >= MUCH_OVERLAP:
        reasons.append("much overlap")
    if 0 < talk < LITTLE_SPEECH_S:
        reasons.append("little speech")
    return round(pp, 1), reasons
