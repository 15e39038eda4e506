"""Board format 6: each party's area behind a Pedersen commitment (issue 18's last gap;
docs/board.md "Areas behind commitments"). The pure module, and the verifier's checks of a
format 6 export: the sums of commitments open to the published areas, and nothing else does."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.voting.test_verify_void import AREAS, HONEST, build, ps
from voting import commitments
from voting.board_format import FORMAT, RESULT_OPENINGS, make_entry
from voting.verify import check_area_opening, check_receipt, main, receipt_for_entry, verify_export

# --- the pure module ----------------------------------------------------------------------------


def test_h_is_on_the_curve_deterministic_and_not_g():
    counter, h = commitments.generator_h()
    x = hashlib.sha256(commitments.H_SEED + counter.to_bytes(4, "big")).digest()
    assert commitments.encode(h) == b"\x02" + x  # the first candidate that decodes
    for c in range(counter):  # every earlier candidate is off the curve
        earlier = hashlib.sha256(commitments.H_SEED + c.to_bytes(4, "big")).digest()
        with pytest.raises(ValueError):
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x02" + earlier)
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), commitments.encode(h))
    assert commitments.encode(h) != commitments.encode(commitments.G)
    assert commitments.encode(h).hex() == (
        "02e65803e59180ec325bdbb254c74d8e947fcec6a2b3138eef465c0b29ec9ad39f"
    )


def test_commitments_add_up_and_open_only_to_their_sum():
    areas = [9812, 5000, 12345]
    openings = [commitments.random_opening() for _ in areas]
    points = [commitments.commit(a, r) for a, r in zip(areas, openings, strict=True)]
    assert all(len(p) == commitments.POINT_SIZE for p in points)
    total = commitments.add_openings(openings)
    assert commitments.check_opening(points, sum(areas), total)
    assert not commitments.check_opening(points, sum(areas) + 1, total)  # a wrong area
    assert not commitments.check_opening(points, sum(areas), (total + 1) % commitments.ORDER)
    assert not commitments.check_opening(points[:2], sum(areas), total)  # one left out
    assert commitments.check_opening([points[0]], areas[0], openings[0])
    assert commitments.check_opening([], 0, 0)  # no ballot of a choice: area 0, opening 0


def test_commitment_hides_the_area_behind_its_opening():
    """The same area twice gives two unrelated points; equal areas do not show."""
    assert commitments.commit(9812, commitments.random_opening()) != commitments.commit(
        9812, commitments.random_opening()
    )


def test_a_commitment_off_the_curve_is_refused():
    bad = b"\x02" + hashlib.sha256(commitments.H_SEED + (0).to_bytes(4, "big")).digest()
    # find a candidate x that does not decode
    for c in range(1, 50):
        x = hashlib.sha256(b"off" + c.to_bytes(4, "big")).digest()
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x02" + x)
        except ValueError:
            bad = b"\x02" + x
            break
    with pytest.raises(commitments.CommitmentError):
        commitments.check_opening([bad], 0, 0)
    with pytest.raises(commitments.CommitmentError):
        commitments.check_opening([b"\x04" + bytes(32)], 0, 0)


def test_openings_round_trip_as_hex():
    r = commitments.random_opening()
    assert commitments.parse_opening(commitments.opening_hex(r)) == r
    assert commitments.parse_opening("ff" * 32) is None  # not below the order
    assert commitments.parse_opening("AB" * 32) is None  # not lowercase


# --- the verifier -------------------------------------------------------------------------------


OPENINGS = {p: commitments.random_opening() for p in AREAS}


@pytest.fixture
def export():
    return build(HONEST, fmt=FORMAT, openings=OPENINGS)


def test_a_format_6_export_verifies_and_carries_no_area_per_party_or_entry(export):
    report = verify_export(export)
    assert report.ok, report.problems
    assert export["format"] == "gongzhi-board/6"
    assert all(set(p) == {"pseudonym", "commitment"} for p in export["electorate"]["parties"])
    assert all("area" not in e for e in export["entries"])
    assert set(export["result"][RESULT_OPENINGS]) == {"agree", "oppose", "abstain"}
    # p1 agrees (its reinstated ballot), p3 abstains, p2 voided: the figures open to that
    assert export["result"]["agree"]["area"] == "100.00"
    assert export["result"]["abstain"]["area"] == "60.00"
    assert export["result"]["oppose"]["area"] == "0.00"
    text = json.dumps(export)
    assert "80.00" not in text  # p2's area is nowhere (it did not take part)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["result"]["agree"].update(area="101.00"),
            "the agree area in the result (101.00 m²) is not what the area commitments",
        ),
        (
            lambda d: d["result"][RESULT_OPENINGS].update(
                agree=commitments.opening_hex(commitments.random_opening())
            ),
            "the agree area in the result (100.00 m²) is not what the area commitments",
        ),
        (  # the areas of p1 (agree) and p3 (abstain) swapped between the choices
            lambda d: (
                d["result"]["agree"].update(area="60.00"),
                d["result"]["abstain"].update(area="100.00"),
                d["result"][RESULT_OPENINGS].update(
                    agree=d["result"][RESULT_OPENINGS]["abstain"],
                    abstain=d["result"][RESULT_OPENINGS]["agree"],
                ),
            ),
            "the agree area in the result (60.00 m²) is not what the area commitments",
        ),
        (
            lambda d: d["electorate"].update(area="240.01"),
            "signs another vote setup",
        ),
        (
            lambda d: d["electorate"]["parties"][0].update(
                commitment=base64.b64encode(
                    commitments.commit(AREAS["p1"], commitments.random_opening())
                ).decode()
            ),
            "signs another vote setup",
        ),
        (
            lambda d: d["result"][RESULT_OPENINGS].pop("oppose"),
            "result.openings does not give one opening for each of",
        ),
        (
            lambda d: d["entries"][0].update(area="100.00"),
            "entry at position 0 has an unknown key 'area'",
        ),
    ],
    ids=[
        "area",
        "opening",
        "moved",
        "total-area",
        "commitment",
        "missing-opening",
        "area-in-entry",
    ],
)
def test_tampering_fails_with_a_clear_message(export, change, words):
    bad = copy.deepcopy(export)
    change(bad)
    report = verify_export(bad)
    assert not report.ok
    assert words in report.problems[0], report.problems


def test_commitments_that_do_not_add_up_to_the_signed_area_fail(monkeypatch):
    """A portal that committed to other areas than the total it publishes (and signed both)
    is caught by the sum of the commitments, before any recount."""
    from tests.voting import test_verify_void as builder

    honest_total = sum(AREAS.values())
    real = builder.committed_electorate_json
    monkeypatch.setattr(builder, "AREAS", {**AREAS, "p2": AREAS["p2"] + 1})
    monkeypatch.setattr(
        builder,
        "committed_electorate_json",
        lambda parties, _area, opening: real(parties, honest_total, opening),
    )
    report = verify_export(build(HONEST, fmt=FORMAT, openings=OPENINGS))
    assert not report.ok
    assert "commitments do not add up to the electorate's area 240.00" in report.problems[0]


def test_receipt_opening_checks_against_the_published_commitment(export, tmp_path, capsys):
    entry = export["entries"][3]  # p3's abstention
    code = receipt_for_entry(entry)["code"]
    assert check_receipt(export, code)[0]
    ok, message = check_area_opening(export, code, "60.00", commitments.opening_hex(OPENINGS["p3"]))
    assert ok and "opens to 60.00 m²" in message
    wrong_area = check_area_opening(export, code, "60.01", commitments.opening_hex(OPENINGS["p3"]))
    assert not wrong_area[0] and "does not open to 60.01 m²" in wrong_area[1]
    wrong_opening = commitments.opening_hex(OPENINGS["p1"])
    assert not check_area_opening(export, code, "60.00", wrong_opening)[0]
    path = tmp_path / "board.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    args = [str(path), "--receipt", code, "--area", "60.00"]
    assert main([*args, "--opening", commitments.opening_hex(OPENINGS["p3"])]) == 0
    assert "OK: the area commitment of this entry's party opens to 60.00 m²" in (
        capsys.readouterr().out
    )
    assert main([*args, "--opening", wrong_opening]) == 1
    assert "FAIL: the area commitment" in capsys.readouterr().out


def test_make_entry_without_area_is_a_format_6_entry():
    entry = make_entry(
        n=0,
        pseudonym=ps("p1"),
        area=None,
        sealed_choice=b"x",
        channel="online",
        time="2026-11-28T10:00:00+08:00",
    )
    assert "area" not in entry and entry["heads"] == 1


# --- the portal: open, cast, the receipt's opening, the count and the export -------------------


@pytest.fixture
def estate(world):
    from tests.factories import add_units

    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "90.00", "B"),
            ("1-103", "80.00", "C"),
            ("1-104", "60.00", "D"),
        ],
    )
    return e


@pytest.mark.django_db
def test_the_receipts_opening_checks_against_the_published_commitment(client, estate):
    """The owner reads the opening on "My vote" while the vote runs; after the count the
    export's commitment of their entry's party opens to their registered area with it, a wrong
    opening or area does not, and the page no longer has it (the portal erased it)."""
    import re
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import translation

    from tests.voting.factories import link_user, open_vote, party
    from voting import board, services
    from voting.models import BoardEntry, VoteElector

    vote = open_vote(estate)
    assert vote.export_format == FORMAT and vote.areas_committed
    owner = link_user(party(estate, "A"))
    for label, choice in (("A", "agree"), ("B", "agree"), ("C", "oppose")):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    client.force_login(owner)
    url = reverse("voting:my_vote", args=[vote.pk])
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "面积承诺打开值" in page and "（100.00 平方米）" in page, page[page.find("<main") :]
    opening = re.search(r'<code class="hash">([0-9a-f]{64})</code>\s*</p>', page).group(1)
    stored = VoteElector.objects.get(vote=vote, party=party(estate, "A"))
    assert bytes(stored.opening).hex() == opening
    assert commitments.commit(10000, int(opening, 16)) == bytes(stored.commitment)
    code = BoardEntry.objects.get(vote=vote, n=0).receipt

    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later, queue_export=False)
    vote.refresh_from_db()
    data = board.board_export(vote)
    assert verify_export(data).ok
    assert data["result"]["agree"]["area"] == "190.00"
    ok, message = check_area_opening(data, code, "100.00", opening)
    assert ok, message
    assert not check_area_opening(data, code, "90.00", opening)[0]  # B's area: no
    other = commitments.opening_hex(commitments.random_opening())
    assert not check_area_opening(data, code, "100.00", other)[0]
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert opening not in page and "面积承诺打开值" not in page
    # The receipt page checks it too, from the published copy of the electorate.
    receipt = reverse("voting:receipt")
    form = {"vote": vote.pk, "code": code, "area": "100.00", "opening": opening}
    checked = client.post(receipt, form).content.decode()
    assert "您的面积与承诺值相符" in checked and "不符" not in checked
    checked = client.post(receipt, {**form, "area": "90.00"}).content.decode()
    assert "您的面积与承诺值不符" in checked
    checked = client.post(receipt, {**form, "opening": other}).content.decode()
    assert "您的面积与承诺值不符" in checked
    checked = client.post(receipt, {**form, "opening": ""}).content.decode()
    assert "请同时填写面积和打开值" in checked


@pytest.mark.django_db
def test_the_count_refuses_when_a_stored_opening_no_longer_opens(estate):
    """An opening (or a commitment) changed in the database after open: the count checks each
    choice's sum before publishing it, and refuses rather than publish a result the verifier
    would reject."""
    from datetime import timedelta

    from tests.voting.factories import open_vote, party
    from voting import services
    from voting.models import VoteElector, VoteStatus

    vote = open_vote(estate)
    for label, choice in (("A", "agree"), ("B", "oppose")):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    VoteElector.objects.filter(vote=vote, party=party(estate, "A")).update(
        opening=commitments.random_opening().to_bytes(32, "big")
    )
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    with pytest.raises(services.VoteError) as exc:
        services.vote_count(vote=vote, now=later, queue_export=False)
    assert exc.value.code == "board_mismatch"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and not vote.result
