"""links.gcpolicy: the collector's settings while links are checked, and their restoring."""

from __future__ import annotations

import gc

from clawdemy_site.links.gcpolicy import YOUNG_THRESHOLD, lean_gc


def test_lean_gc_freezes_raises_the_threshold_and_restores_both() -> None:
    threshold, frozen_before = gc.get_threshold(), gc.get_freeze_count()

    with lean_gc():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, threshold[1], threshold[2])
        frozen = gc.get_freeze_count()
        assert frozen > frozen_before
        made = [[n] for n in range(1000)]  # containers the outer use did not freeze
        with lean_gc():
            assert gc.get_freeze_count() >= frozen + len(made)
        # The inner use neither restores the threshold nor unfreezes.
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() >= frozen + len(made)

    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen_before
