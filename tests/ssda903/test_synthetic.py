"""The synthetic SSDA903 history (`hearth.ssda903.synthetic`) at a small scale: its invariants
(no overlapping episodes, an X1 ending followed by an episode the same day, a new period only
after a real ending, valid codes), its shape, that it is deterministic, and that it runs once."""

from collections import defaultdict
from datetime import date

import pytest

from hearth.people.models import Child
from hearth.placements import codes
from hearth.ssda903 import synthetic
from hearth.ssda903.models import ChildReturn, Episode

END = date(2026, 3, 31)


@pytest.fixture
def history(wigan):
    return synthetic.make_history(wigan, children=400, years=4, end=END, seed=3)


def _by_child(authority):
    episodes = defaultdict(list)
    for episode in Episode.objects.filter(authority=authority).order_by("child_id", "decom"):
        episodes[episode.child_id].append(episode)
    return episodes


@pytest.mark.django_db
def test_writes_children_returns_and_imported_episodes(wigan, history):
    assert history.children == Child.objects.filter(authority=wigan).count() > 400
    assert history.child_returns == ChildReturn.objects.filter(child__authority=wigan).count()
    assert history.episodes == Episode.objects.filter(authority=wigan).count()
    assert not Episode.objects.filter(authority=wigan).exclude(source="imported").exists()
    child = Child.objects.get(authority=wigan, reference=history.references[0])
    assert (child.first_name, child.last_name) == ("Synthetic", child.reference)
    open_now = Episode.objects.filter(authority=wigan, dec__isnull=True).count()
    assert open_now == history.looked_after_at_end
    assert 300 <= open_now <= 500  # about the 400 asked for
    assert history.first_day == date(2022, 4, 1)
    # Every child's care reaches into the window.
    assert (
        not Child.objects.filter(authority=wigan)
        .exclude(episodes__dec__isnull=True)
        .exclude(episodes__dec__gte=history.first_day)
        .exists()
    )


@pytest.mark.django_db
def test_episodes_follow_the_returns_rules(wigan, history):
    for child_id, episodes in _by_child(wigan).items():
        first = episodes[0]
        assert first.rne == "S", child_id
        for before, after in zip(episodes, episodes[1:], strict=False):
            assert before.dec is not None and before.dec <= after.decom  # no overlaps
            if before.rec == "X1":
                assert after.decom == before.dec  # X1: the next begins the same day
                assert after.rne in ("P", "L", "T", "U", "B")
            else:
                assert after.rne == "S"  # a new period only after a real ending
        assert all(episode.dec is not None for episode in episodes[:-1])
        for episode in episodes:
            assert episode.decom <= END
            assert episode.place in codes.PLACE_KNOWN
            if episode.decom >= date(2025, 4, 1):  # the 2025-26 codes
                assert episode.place in codes.PLACE
            assert episode.ls in codes.LEGAL_STATUS
            assert episode.rne in codes.RNE
            assert episode.rec in codes.REC or (episode.rec == "" and episode.dec is None)
            assert episode.reason_place_change in codes.REASON_PLACE_CHANGE or (
                episode.reason_place_change == ""
            )
            if episode.dec is None:  # rule 233: no reason on an open episode
                assert episode.reason_place_change == ""
            if episode.place in codes.NO_PROVIDER_PLACES:
                assert episode.place_provider == ""
                assert episode.reason_place_change == ""  # rule 226
            else:
                assert episode.place_provider in codes.PLACE_PROVIDER
            if episode.ls == "V3":
                assert episode.rne == "S" and episode.dec is not None


@pytest.mark.django_db
def test_its_shape_is_the_national_one(wigan, history):
    on_end = Episode.objects.filter(authority=wigan, dec__isnull=True)
    places = list(on_end.values_list("place", flat=True))
    fostering = sum(place in codes.FOSTERING_PLACES for place in places) / len(places)
    assert 0.6 <= fostering <= 0.85
    assert any(place in ("K2", "R1") for place in places)
    rne = set(Episode.objects.filter(authority=wigan).values_list("rne", flat=True))
    assert {"S", "P", "L"} <= rne
    recs = set(Episode.objects.filter(authority=wigan).values_list("rec", flat=True))
    assert {"X1", "E4A"} <= recs
    assert ChildReturn.objects.filter(child__authority=wigan, uasc=True).exists()


def test_the_same_seed_makes_the_same_history():
    def make(seed):
        return synthetic.generate(
            children=200, years=3, end=END, seed=seed, home_posts=["WN1 1AA", "WN2 2AB"],
            away_posts=["M1 1AE"], urns=["SC123456"],
        )  # fmt: skip

    assert make(1) == make(1)
    assert make(1) != make(2)


@pytest.mark.django_db
def test_runs_once_for_a_council(wigan, history):
    with pytest.raises(ValueError, match="already has synthetic children"):
        synthetic.make_history(wigan, children=50, years=1, end=END)


@pytest.mark.django_db
def test_reviews_missing_and_social_workers_fall_inside_care(wigan, history):
    from hearth.ssda903.models import MissingEpisode, Review, SocialWorkerEpisode

    assert history.reviews == Review.objects.filter(authority=wigan).count() > history.children
    assert history.missing == MissingEpisode.objects.filter(authority=wigan).count() > 0
    assert history.sw_episodes == SocialWorkerEpisode.objects.filter(authority=wigan).count() > 0
    episodes = _by_child(wigan)
    born = dict(Child.objects.filter(authority=wigan).values_list("pk", "date_of_birth"))

    def in_care(child_id, day):
        return any(e.decom <= day and (e.dec is None or day <= e.dec) for e in episodes[child_id])

    for review in Review.objects.filter(authority=wigan):
        assert history.first_day <= review.reviewed_on <= END
        assert in_care(review.child_id, review.reviewed_on), review.child_id
        under_four = review.reviewed_on < synthetic._years_on(born[review.child_id], 4)
        assert (review.participation == "PN0") == under_four  # rule 167
    runs = defaultdict(list)
    for missing in MissingEpisode.objects.filter(authority=wigan).order_by("started_on"):
        assert in_care(missing.child_id, missing.started_on)
        assert in_care(missing.child_id, missing.ended_on)
        runs[missing.child_id].append(missing)
    for times in runs.values():  # a child's times missing never overlap
        for before, after in zip(times, times[1:], strict=False):
            assert before.ended_on < after.started_on
    for worker in SocialWorkerEpisode.objects.filter(authority=wigan):
        assert in_care(worker.child_id, worker.started_on)
        assert worker.social_worker_id.startswith("SW")
        assert worker.reason in ("FCONTA", "LEFTRL", "TSPROC", "MANAGE", "ORGRST", "OTHERS")
