"""Is the interviewer getting better? Three habits followed across interviews in date order.

- Letting them talk: the interviewee's share of speech, against the target.
- Keeping the promise: minutes over the time promised (0 or less = kept).
- First things first: were the priority-1 questions asked before the others?

Each habit is judged from the first interview to the last (with fewer than two
interviews there is no trend); the verdict sums them up in one sentence.
"""

from __future__ import annotations

from typing import Any

# Changes smaller than these are noise, not progress.
SHARE_STEP = 0.03
MINUTES_STEP = 1.0


def _pct(x: float) -> str:
    return f"{round(100 * x)} %"


def trend(interviews: list[dict[str, Any]]) -> dict[str, Any]:
    """Trend points (one per interview, date order), per-habit directions and a sentence."""
    points = [{"key": i["key"], "label": i["label"], "date": i.get("date"),
               "interviewee_share": i.get("interviewee_share"), "target_share": i.get("target_share"),
               "over_min": i.get("over_min"), "planned_min": i.get("planned_min"),
               "actual_min": i.get("actual_min"), "priority_first": i.get("priority_first")}
              for i in interviews]
    out: dict[str, Any] = {"points": points, "share": None, "time": None, "priority": None}
    if len(points) < 2:
        out["verdict"] = "too few"
        out["sentence"] = ("One interview so far: the trend of your interviewing (the interviewee's "
                           "share, time kept, priority questions first) needs at least two.")
        return out
    parts, ups, downs = [], 0, 0

    shares = [p["interviewee_share"] for p in points if p["interviewee_share"] is not None]
    if len(shares) >= 2:
        delta = shares[-1] - shares[0]
        way = "up" if delta >= SHARE_STEP else "down" if delta <= -SHARE_STEP else "steady"
        target = next((p["target_share"] for p in reversed(points) if p["target_share"]), None)
        out["share"] = way
        verb = {"up": "rose", "down": "fell", "steady": "held"}[way]
        text = (f"the interviewee's share {verb} from {_pct(shares[0])} to {_pct(shares[-1])}"
                if way != "steady" else f"the interviewee's share held at about {_pct(shares[-1])}")
        if target:
            text += f" (target {_pct(target)})"
        parts.append(text)
        ups += way == "up"
        downs += way == "down"

    overs = [p["over_min"] for p in points if p["over_min"] is not None]
    if len(overs) >= 2:
        kept = sum(1 for o in overs if o <= 0)
        # minutes over the promise: finishing 5 or 1 minute early both keep it
        late = [max(0.0, o) for o in overs]
        delta = late[-1] - late[0]
        if late[-1] == 0 and late[0] > 0 or delta <= -MINUTES_STEP:
            way = "up"
        elif late[-1] > 0 and late[0] == 0 or delta >= MINUTES_STEP:
            way = "down"
        else:
            way = "steady"
        out["time"] = way
        last = "on time" if overs[-1] <= 0 else f"{overs[-1]:.1f} min over"
        parts.append(f"you kept to the promised time in {kept} of {len(overs)} (last: {last})")
        ups += way == "up"
        downs += way == "down"

    firsts = [p["priority_first"] for p in points if p["priority_first"] is not None]
    if len(firsts) >= 2:
        way = "up" if firsts[-1] and not firsts[0] else "down" if firsts[0] and not firsts[-1] else "steady"
        out["priority"] = way
        last = "including the last" if firsts[-1] else "but not in the last"
        parts.append(f"priority questions came first in {sum(firsts)} of {len(firsts)}, {last}")
        ups += way == "up"
        downs += way == "down"

    if not parts:
        out["verdict"] = "unknown"
        out["sentence"] = "The reports hold no talk-time, time or priority figures to compare."
        return out
    if ups and not downs:
        verdict, lead = "better", "you are getting better"
    elif downs and not ups:
        verdict, lead = "worse", "you are slipping"
    elif ups and downs:
        verdict, lead = "mixed", "a mixed picture"
    else:
        verdict, lead = "steady", "you are holding steady"
    span = f"{points[0]['date']} to {points[-1]['date']}" if points[0]["date"] and points[-1]["date"] else ""
    head = f"Across {len(points)} interviews" + (f" ({span})" if span else "")
    out["verdict"] = verdict
    out["sentence"] = f"{head}, {lead}: " + "; ".join(parts) + "."
    return out
