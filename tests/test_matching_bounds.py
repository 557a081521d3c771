"""Work per hit is bounded (issue 14, item 4): a description that repeats catalogue terms thousands of times
keeps a bounded number of hits per pattern, so the cost of a deal grows linearly with its text, never with
the square of its repetitions. Checked by counting, not by timing."""

from __future__ import annotations

from exportcheck.catalogue import shipped_catalogue
from exportcheck.engine.matcher import MAX_HITS_PER_WORD, compile_version, fields_of

CAT = shipped_catalogue()


def test_repeated_terms_keep_a_bounded_number_of_hits() -> None:
    version = CAT.versions["2023"]
    compiled = compile_version(version)
    clause = "personalised recommendation engine with user preference feed ranking; 推荐算法，用户画像。"
    fields = fields_of("engine", clause * 1500, [])
    found = compiled.find(fields)
    assert found, "the repeated text matches something"
    # one hit per clause would be 1,500+ per pattern part; the cap keeps it to a few dozen
    longest = max(len(hits) for hits in found.values())
    assert longest <= 3 * MAX_HITS_PER_WORD * 4, longest


def test_an_affirmative_mention_after_many_negated_ones_still_counts() -> None:
    """The cap is per kind of negation: 100 'no recommendation engine' cannot hide the one that is there."""
    version = CAT.versions["2023"]
    compiled = compile_version(version)
    text = "no recommendation engine; " * 100 + "we transfer the recommendation engine source code."
    found = compiled.find(fields_of("engine", text, []))
    assert any(not h.negated for hits in found.values() for h in hits)
