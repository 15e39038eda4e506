"""voting.sealing: the board's crypto helpers (DOMAIN.md section 1, Verifiability)."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from voting import sealing
from voting.sealing import (
    CHOICE_PAD,
    ENVELOPE_BYTES,
    SEALED_BYTES,
    ChoiceOpener,
    ChoiceSealer,
    SealingError,
    ballot_context,
    canonical_json,
    derive_key,
    generate_vote_keypair,
    normalize_receipt_code,
    open_choice,
    party_pseudonym,
    receipt_code,
    seal_choice,
    sign_tree_head,
    signing_public_key,
    tree_head_message,
    unwrap_private_key,
    verify_tree_head,
    vote_public_key,
    wrap_private_key,
)

CHOICES = ("agree", "oppose", "abstain")


# --- canonical JSON ---


def test_canonical_json_is_sorted_compact_utf8():
    """Canonical JSON (design, RFC 8785 style): sorted keys, no whitespace, raw UTF-8."""
    data = {"b": [1, "中", None, True], "a": {"y": 2, "x": "1.50"}}
    assert canonical_json(data) == '{"a":{"x":"1.50","y":2},"b":[1,"中",null,true]}'.encode()
    assert canonical_json(json.loads(canonical_json(data))) == canonical_json(data)


@pytest.mark.parametrize(
    "bad", [1.5, {"area": 98.12}, [float("nan")], {1: "x"}, b"bytes", {"s": "\ud800"}, {1, 2}]
)
def test_canonical_json_refuses_floats_and_non_json(bad):
    """Canonical JSON admits ints and strings only as scalars (no floats: areas are strings)."""
    with pytest.raises(ValueError):
        canonical_json(bad)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
        max_leaves=20,
    )
)
def test_canonical_json_roundtrips(value):
    """Canonical JSON: decoding and re-encoding gives the same bytes (one encoding per value)."""
    encoded = canonical_json(value)
    assert canonical_json(json.loads(encoded.decode("utf-8"))) == encoded


# --- sealing a choice (HPKE, RFC 9180) ---


@pytest.mark.parametrize("choice", CHOICES)
def test_seal_open_roundtrip(choice):
    """HPKE (RFC 9180) base mode: a sealed choice opens with the vote key and its own context."""
    private, public = generate_vote_keypair()
    context = ballot_context("vote-1", "pseudo-a")
    sealed = seal_choice(choice, public, context=context)
    assert open_choice(sealed, private, context=context) == choice
    assert vote_public_key(private) == public


def test_sealed_choice_hides_choice_and_its_length():
    """Secrecy until close (DOMAIN s1): the ciphertext contains no clear choice, is randomised,
    and has the same length for every choice (padding to CHOICE_PAD)."""
    _, public = generate_vote_keypair()
    context = ballot_context("vote-1", "pseudo-a")
    lengths = set()
    for choice in CHOICES:
        a = seal_choice(choice, public, context=context)
        b = seal_choice(choice, public, context=context)
        assert a != b
        for text in CHOICES:
            assert text.encode() not in a
            assert text.encode() not in base64.b64encode(a)
        lengths.add(len(a))
    assert len(lengths) == 1


def test_wrong_context_fails():
    """HPKE info binds vote id + pseudonym: a sealed choice cannot move to another entry."""
    private, public = generate_vote_keypair()
    sealed = seal_choice("agree", public, context=ballot_context("vote-1", "pseudo-a"))
    for other in (ballot_context("vote-1", "pseudo-b"), ballot_context("vote-2", "pseudo-a"), b""):
        with pytest.raises(SealingError):
            open_choice(sealed, private, context=other)


def test_wrong_key_or_tampered_bytes_fail():
    """HPKE AEAD: another vote's key, a flipped byte or a truncated ciphertext does not open."""
    private, public = generate_vote_keypair()
    other_private, _ = generate_vote_keypair()
    context = ballot_context("vote-1", "pseudo-a")
    sealed = seal_choice("oppose", public, context=context)
    with pytest.raises(SealingError):
        open_choice(sealed, other_private, context=context)
    for i in (0, 4, 35, 4 + ENVELOPE_BYTES - 1, 4 + ENVELOPE_BYTES, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[i] ^= 1
        with pytest.raises(SealingError):
            open_choice(bytes(tampered), private, context=context)
    with pytest.raises(SealingError):
        open_choice(sealed[:-1], private, context=context)
    with pytest.raises(SealingError):
        open_choice(b"", private, context=context)


def test_data_key_serves_a_bounded_number_of_ballots():
    """A data key (and its envelope) is shared by at most ``max_uses`` ballots of one sealer; the
    next ballot gets a fresh data key sealed to the vote key."""
    private, public = generate_vote_keypair()
    sealer = ChoiceSealer(public, max_uses=3)
    sealed = [sealer.seal("agree", context=ballot_context("v", f"p{i}")) for i in range(7)]
    envelopes = [s[4 : 4 + ENVELOPE_BYTES] for s in sealed]
    assert envelopes[0] == envelopes[1] == envelopes[2]
    assert envelopes[3] == envelopes[4] == envelopes[5] != envelopes[0]
    assert envelopes[6] not in envelopes[:6]
    assert {len(s) for s in sealed} == {SEALED_BYTES}
    opener = ChoiceOpener(private)
    assert [opener.open(s, context=ballot_context("v", f"p{i}")) for i, s in enumerate(sealed)] == [
        "agree"
    ] * 7


def test_data_key_expires_after_max_age():
    """A data key older than ``max_age`` seconds is not used again."""
    _, public = generate_vote_keypair()
    sealer = ChoiceSealer(public, max_age=0.0)
    a = sealer.seal("agree", context=b"c")
    b = sealer.seal("agree", context=b"c")
    assert a[4 : 4 + ENVELOPE_BYTES] != b[4 : 4 + ENVELOPE_BYTES]


def test_opener_opens_each_envelope_once(monkeypatch):
    """Counting cost: one HPKE open per data key, then only AES-GCM per ballot."""
    private, public = generate_vote_keypair()
    sealer = ChoiceSealer(public, max_uses=50)
    sealed = [sealer.seal("oppose", context=ballot_context("v", f"p{i}")) for i in range(120)]
    calls = []
    decrypt = sealing.HPKE_SUITE.decrypt

    class CountingSuite:
        def decrypt(self, *args, **kwargs):
            calls.append(1)
            return decrypt(*args, **kwargs)

    monkeypatch.setattr(sealing, "HPKE_SUITE", CountingSuite())
    opener = ChoiceOpener(private)
    for i, s in enumerate(sealed):
        assert opener.open(s, context=ballot_context("v", f"p{i}")) == "oppose"
    assert len(calls) == 3


def test_swapped_envelope_does_not_open():
    """A ballot moved under another data key's envelope (valid for the same vote) fails."""
    private, public = generate_vote_keypair()
    context = ballot_context("v", "p")
    a = ChoiceSealer(public).seal("agree", context=context)
    b = ChoiceSealer(public).seal("agree", context=context)
    mixed = a[:4] + b[4 : 4 + ENVELOPE_BYTES] + a[4 + ENVELOPE_BYTES :]
    with pytest.raises(SealingError):
        open_choice(mixed, private, context=context)


def test_forked_process_draws_its_own_data_key():
    """After fork, a web process does not keep sealing with its parent's data key."""
    import os

    _, public = generate_vote_keypair()
    parent = seal_choice("agree", public, context=b"c")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.write(w, seal_choice("agree", public, context=b"c")[4 : 4 + ENVELOPE_BYTES])
        os._exit(0)
    os.waitpid(pid, 0)
    child_envelope = os.read(r, 1024)
    assert child_envelope and child_envelope != parent[4 : 4 + ENVELOPE_BYTES]


def test_ballot_context_is_unambiguous():
    """The context encodes vote id and pseudonym so no two pairs give the same bytes."""
    assert ballot_context("ab", "c") != ballot_context("a", "bc")
    assert ballot_context("a", "b") != ballot_context("b", "a")


def test_seal_refuses_bad_choices():
    """A choice is 1..CHOICE_PAD UTF-8 bytes without NUL (else padding would be ambiguous)."""
    _, public = generate_vote_keypair()
    for bad in ("", "a\x00", "x" * (CHOICE_PAD + 1)):
        with pytest.raises(ValueError):
            seal_choice(bad, public, context=b"c")


# --- the private key at rest (AES-GCM) ---


def test_wrap_unwrap_roundtrip_and_tamper():
    """Vote key at rest (design): AES-256-GCM under a settings key; tampering, a wrong key or
    another vote's context is refused."""
    private, _ = generate_vote_keypair()
    key = derive_key("a settings secret of enough length", "vote-key-wrap")
    blob = wrap_private_key(private, key, context=b"vote-1")
    assert private not in blob
    assert unwrap_private_key(blob, key, context=b"vote-1") == private
    assert wrap_private_key(private, key, context=b"vote-1") != blob  # random nonce
    with pytest.raises(SealingError):
        unwrap_private_key(blob, key, context=b"vote-2")
    with pytest.raises(SealingError):
        unwrap_private_key(blob, bytes(32), context=b"vote-1")
    for i in (5, 20, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[i] ^= 0x80
        with pytest.raises(SealingError):
            unwrap_private_key(bytes(tampered), key, context=b"vote-1")
    with pytest.raises(SealingError):
        unwrap_private_key(b"junk", key)
    with pytest.raises(ValueError):
        wrap_private_key(private, b"short")


def test_derive_key_separates_purposes():
    """HKDF (RFC 5869): one settings secret gives independent keys per purpose."""
    a = derive_key(b"s" * 32, "vote-key-wrap")
    b = derive_key(b"s" * 32, "pseudonym")
    assert len(a) == len(b) == 32 and a != b
    assert derive_key(b"s" * 32, "pseudonym") == b
    with pytest.raises(ValueError):
        derive_key(b"short", "x")


# --- pseudonyms ---


def test_pseudonym_stable_keyed_and_per_vote():
    """Party pseudonym (design): HMAC-SHA256, stable per (vote, party), unlinkable across votes,
    and different under another secret."""
    secret = b"k" * 32
    p = party_pseudonym(secret, "vote-1", "party-7")
    assert re.fullmatch(r"[0-9a-f]{64}", p)
    assert p == party_pseudonym(secret, "vote-1", "party-7")
    assert p != party_pseudonym(secret, "vote-2", "party-7")
    assert p != party_pseudonym(secret, "vote-1", "party-8")
    assert p != party_pseudonym(b"j" * 32, "vote-1", "party-7")
    assert party_pseudonym(secret, "vote-1", "7") != party_pseudonym(secret, "vote-17", "")


# --- signed tree heads (Ed25519) ---


def _head():
    return {
        "vote": "vote-1",
        "size": 10,
        "root": "ab" * 32,
        "time": "2026-11-24T10:00:00+08:00",
        "manifest": "cd" * 32,
    }


def test_tree_head_signature_verifies():
    """Signed tree head (DOMAIN s1, after RFC 9162 s4.10): Ed25519 over the canonical head."""
    key = Ed25519PrivateKey.generate()
    head = _head()
    signature = sign_tree_head(key, head)
    assert len(base64.b64decode(signature)) == 64
    assert verify_tree_head(signing_public_key(key), head, signature)
    # A "signature" key in the head itself is ignored, so heads can carry their signature.
    assert verify_tree_head(signing_public_key(key), {**head, "signature": signature}, signature)


@pytest.mark.parametrize(
    "field,value",
    [("vote", "vote-2"), ("size", 11), ("root", "cd" * 32), ("time", "x"), ("manifest", "00" * 32)],
)
def test_tree_head_tamper_fails(field, value):
    """Signed tree head: changing any signed field breaks the signature."""
    key = Ed25519PrivateKey.generate()
    head = _head()
    signature = sign_tree_head(key, head)
    assert not verify_tree_head(signing_public_key(key), {**head, field: value}, signature)


def test_tree_head_wrong_key_or_garbage_fails():
    """Signed tree head: another key, a flipped signature bit, or malformed input is refused."""
    key = Ed25519PrivateKey.generate()
    head = _head()
    signature = sign_tree_head(key, head)
    other = signing_public_key(Ed25519PrivateKey.generate())
    assert not verify_tree_head(other, head, signature)
    raw = bytearray(base64.b64decode(signature))
    raw[0] ^= 1
    assert not verify_tree_head(signing_public_key(key), head, base64.b64encode(raw).decode())
    assert not verify_tree_head(signing_public_key(key), head, "not base64!")
    assert not verify_tree_head(b"short", head, signature)
    assert not verify_tree_head(signing_public_key(key), {**head, "extra": 1}, signature)
    with pytest.raises(ValueError):
        tree_head_message({"vote": "v"})


# --- receipt codes ---


def test_receipt_code_format():
    """Receipt (DOMAIN s1): 10 Crockford base32 characters (no I, L, O, U), as XXXXX-XXXXX,
    a function of the entry hash."""
    h = hashlib.sha256(b"entry").digest()
    code = receipt_code(h)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", code)
    assert code == receipt_code(h)
    assert code != receipt_code(hashlib.sha256(b"other").digest())
    assert receipt_code(bytes(32)) == "00000-00000"
    assert receipt_code(b"\xff" * 32) == "ZZZZZ-ZZZZZ"
    with pytest.raises(ValueError):
        receipt_code(b"short")


def test_receipt_code_normalization():
    """Receipt codes typed by hand: case, spaces and dashes ignored; O->0, I/L->1 (Crockford)."""
    h = hashlib.sha256(b"entry").digest()
    code = receipt_code(h)
    assert normalize_receipt_code(code.lower().replace("-", " ")) == code
    assert normalize_receipt_code("oooo0-iiill") == "00000-11111"
    assert normalize_receipt_code("ABCDE-FGHJ") is None
    assert normalize_receipt_code("ABCDE-FGHJU") is None
