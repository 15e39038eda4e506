"""Trustees hold a vote's key (issue 18): the pure key custody of ``voting.trustees``.

k of n shares rebuild the vote's key and k - 1 do not; a key file opens only with its own
passphrase, for its own vote and trustee; a share opens only with its own trustee's key."""

import itertools
import json

import pytest

from voting import sealing, trustees
from voting.trustees import TrusteeKeyError

PASSPHRASES = ["correct horse 1", "battery staple 2", "梧桐树下的小区三号楼甲"]


@pytest.fixture(scope="module")
def setup():
    vote_private, vote_public = sealing.generate_vote_keypair()
    keys = [
        trustees.make_trustee_keys(vote_id="42", trustee=i, passphrase=p)
        for i, p in enumerate(PASSPHRASES, start=1)
    ]
    sealed = trustees.split_vote_key(
        vote_private, vote_id="42", k=2, trustee_publics=[key.public for key in keys]
    )
    return vote_private, vote_public, keys, sealed


def _open(setup, number: int) -> bytes:
    _private, _public, keys, sealed = setup
    key = keys[number - 1]
    raw = trustees.read_key_file(
        key.key_file, PASSPHRASES[number - 1], vote_id="42", trustee=number, public=key.public
    )
    return trustees.open_share(sealed[number - 1], raw, vote_id="42", trustee=number)


def test_any_k_shares_rebuild_the_vote_key(setup):
    vote_private, vote_public, _keys, _sealed = setup
    shares = {n: _open(setup, n) for n in (1, 2, 3)}
    for pair in itertools.combinations((1, 2, 3), 2):
        rebuilt = trustees.combine([shares[n] for n in pair], k=2, vote_public=vote_public)
        assert rebuilt == vote_private
    assert trustees.combine(list(shares.values()), k=2, vote_public=vote_public) == vote_private


def test_a_ballot_sealed_to_the_vote_opens_with_the_rebuilt_key(setup):
    _private, vote_public, _keys, _sealed = setup
    context = sealing.ballot_context("42", "p-1")
    sealed_choice = sealing.seal_choice("agree", vote_public, context=context)
    rebuilt = trustees.combine([_open(setup, 1), _open(setup, 3)], k=2, vote_public=vote_public)
    assert sealing.open_choice(sealed_choice, rebuilt, context=context) == "agree"


def test_k_minus_one_shares_do_not_rebuild(setup):
    _private, vote_public, _keys, _sealed = setup
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.combine([_open(setup, 2)], k=2, vote_public=vote_public)
    assert caught.value.code == "too_few_shares"
    # Two copies of one share are one share.
    with pytest.raises(TrusteeKeyError):
        trustees.combine([_open(setup, 2), _open(setup, 2)], k=2, vote_public=vote_public)


def test_k_minus_one_shares_interpolated_as_if_enough_give_an_unrelated_key(setup):
    """Fed to Shamir's combine as if one were enough (k = 1 cannot be asked for), a single
    share of a 2-of-3 split yields a key the public-key check refuses."""
    _private, vote_public, _keys, _sealed = setup
    with pytest.raises(ValueError):
        trustees.combine([_open(setup, 1)], k=1, vote_public=vote_public)


def test_a_wrong_passphrase_is_refused(setup):
    _private, _public, keys, _sealed = setup
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.read_key_file(
            keys[0].key_file, "not the passphrase", vote_id="42", trustee=1, public=keys[0].public
        )
    assert caught.value.code == "wrong_passphrase"


def test_another_trustees_file_is_refused(setup):
    _private, _public, keys, _sealed = setup
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.read_key_file(
            keys[1].key_file, PASSPHRASES[1], vote_id="42", trustee=1, public=keys[0].public
        )
    assert caught.value.code == "other_trustee"


def test_a_file_of_another_vote_is_refused(setup):
    _private, _public, keys, _sealed = setup
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.read_key_file(
            keys[0].key_file, PASSPHRASES[0], vote_id="43", trustee=1, public=keys[0].public
        )
    assert caught.value.code == "other_vote"


def test_a_relabelled_file_does_not_open(setup):
    """Changing the trustee number written in the file breaks its authentication."""
    _private, _public, keys, _sealed = setup
    document = json.loads(keys[0].key_file)
    document["trustee"] = 2
    document["public"] = json.loads(keys[1].key_file)["public"]
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.read_key_file(
            json.dumps(document).encode(),
            PASSPHRASES[0],
            vote_id="42",
            trustee=2,
            public=keys[1].public,
        )
    assert caught.value.code == "wrong_passphrase"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[]", b'{"format": "other"}', b"not json"])
def test_what_is_not_a_key_file_is_refused(setup, content):
    _private, _public, keys, _sealed = setup
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.read_key_file(
            content, PASSPHRASES[0], vote_id="42", trustee=1, public=keys[0].public
        )
    assert caught.value.code == "not_a_key_file"


def test_a_share_opens_only_with_its_own_trustees_key(setup):
    _private, _public, keys, sealed = setup
    raw_two = trustees.read_key_file(
        keys[1].key_file, PASSPHRASES[1], vote_id="42", trustee=2, public=keys[1].public
    )
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.open_share(sealed[0], raw_two, vote_id="42", trustee=1)
    assert caught.value.code == "share_not_sealed_to_this_key"
    with pytest.raises(TrusteeKeyError):
        trustees.open_share(sealed[1], raw_two, vote_id="43", trustee=2)


def test_shares_of_another_vote_do_not_match(setup):
    _private, vote_public, _keys, _sealed = setup
    other_private, _other_public = sealing.generate_vote_keypair()
    keys = [
        trustees.make_trustee_keys(vote_id="7", trustee=i, passphrase="passphrase-" + str(i))
        for i in (1, 2)
    ]
    sealed = trustees.split_vote_key(
        other_private, vote_id="7", k=2, trustee_publics=[k.public for k in keys]
    )
    opened = []
    for number, (key, share) in enumerate(zip(keys, sealed, strict=True), start=1):
        raw = trustees.read_key_file(
            key.key_file,
            "passphrase-" + str(number),
            vote_id="7",
            trustee=number,
            public=key.public,
        )
        opened.append(trustees.open_share(share, raw, vote_id="7", trustee=number))
    with pytest.raises(TrusteeKeyError) as caught:
        trustees.combine(opened, k=2, vote_public=vote_public)
    assert caught.value.code == "shares_do_not_match"


def test_the_key_file_holds_no_key_in_clear_and_no_passphrase(setup):
    vote_private, _public, keys, sealed = setup
    for key, passphrase in zip(keys, PASSPHRASES, strict=True):
        assert passphrase.encode() not in key.key_file
        assert vote_private not in key.key_file
    for share in sealed:
        assert vote_private[:16] not in share and vote_private[16:] not in share


@pytest.mark.parametrize(("k", "n"), [(1, 3), (0, 2), (4, 3), (2, 1)])
def test_thresholds_below_two_or_above_n_are_refused(k, n):
    vote_private, _public = sealing.generate_vote_keypair()
    publics = [sealing.generate_vote_keypair()[1] for _ in range(n)]
    with pytest.raises(ValueError):
        trustees.split_vote_key(vote_private, vote_id="1", k=k, trustee_publics=publics)


def test_a_short_passphrase_is_refused():
    with pytest.raises(ValueError):
        trustees.make_trustee_keys(vote_id="1", trustee=1, passphrase="short")
