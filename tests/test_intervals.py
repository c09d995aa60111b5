"""The interval algebra and the talk-time definition everything else is built on."""

from __future__ import annotations

import pytest

from listenwell import intervals as iv


def test_merge_sorts_unites_and_bridges():
    assert iv.merge([(5, 6), (0, 2), (1, 3)]) == [(0, 3), (5, 6)]
    assert iv.merge([(0, 1), (1.4, 2)], bridge=0.5) == [(0, 2)]
    assert iv.merge([(0, 1), (1.6, 2)], bridge=0.5) == [(0, 1), (1.6, 2)]
    assert iv.merge([(3, 3), (4, 2)]) == []  # empty and reversed intervals are dropped


def test_total_intersect_subtract_crop_gaps():
    a = [(0, 4), (6, 10)]
    b = [(2, 7)]
    assert iv.total(a) == 8
    assert iv.total([(0, 4), (2, 6)]) == 6  # overlap counted once
    assert iv.intersect(a, b) == [(2, 4), (6, 7)]
    assert iv.subtract(a, b) == [(0, 2), (7, 10)]
    assert iv.crop(a, 3, 8) == [(3, 4), (6, 8)]
    assert iv.gaps(a, 0, 12) == [(4, 6), (10, 12)]
    assert iv.overlap((0, 5), (4, 9)) == 1 and iv.overlap((0, 1), (2, 3)) == 0


def test_talk_time_bridges_short_pauses_and_counts_overlap_for_both():
    talk = iv.talk_time({
        "a": [(0, 2), (2.4, 4)],  # a 0.4 s pause is still talking: 4 s
        "b": [(10, 12), (13, 14), (3, 5)],  # a 1 s pause is not; 3-4 overlaps a: both count
    })
    assert talk == {"a": pytest.approx(4.0), "b": pytest.approx(5.0)}
    share = iv.shares(talk)
    assert share["a"] == pytest.approx(4 / 9) and sum(share.values()) == pytest.approx(1.0)
    assert iv.shares({"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
