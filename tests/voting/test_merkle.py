"""voting.merkle against RFC 9162 (CT v2) section 2.1 and the published CT test vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

# The 8-leaf reference tree of Certificate Transparency, as published in
# transparency-dev/merkle proof/verify_test.go (commit 02194e9afb6c1d95b5381350007963aa70fff472:
# `leaves`, `roots`, `inclusionProofs`, `consistencyProofs`); the leaves and roots are also
# google/certificate-transparency cpp/merkletree/merkle_tree_test.cc (commit
# 0e901cacd1388fa16f78b184612f6cd16e5ceec1: `kInputs`, `kSHA256Roots`). Inclusion vectors there
# use 1-based leaf numbers; they are converted to 0-based indices below.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
# (0-based index, tree size, PATH)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, PROOF)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

CT_HASHES = [leaf_hash(e) for e in CT_LEAVES]


def _hex(hashes):
    return [h.hex() for h in hashes]


# Reference implementation: the recursive definitions of RFC 9162 section 2.1, transcribed
# literally (slow, obviously right), to compare the level-array tree against.
def _k(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d):
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m, d):
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m, d, b):
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def _leaves(n, salt=b""):
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


def _flip(h, bit=0):
    b = bytearray(h)
    b[bit // 8] ^= 1 << (bit % 8)
    return bytes(b)


def test_hash_prefixes():
    """RFC 9162 s2.1.1: leaf = SHA-256(0x00||d), node = SHA-256(0x01||l||r), MTH({}) = SHA-256()."""
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_ct_reference_roots():
    """RFC 9162 s2.1.1 MTH for sizes 0..8 of the CT reference tree
    (transparency-dev/merkle proof/verify_test.go `roots`, sha256EmptyTreeHash)."""
    tree = MerkleTree(CT_HASHES)
    for size, want in CT_ROOTS.items():
        assert root(CT_HASHES[:size]).hex() == want, size
        assert tree.root(size).hex() == want, size


def test_ct_reference_roots_by_append():
    """RFC 9162 s2.1.1: a tree grown by append has the same reference roots at every size."""
    tree = MerkleTree()
    assert tree.root() == EMPTY_ROOT
    for size, h in enumerate(CT_HASHES, start=1):
        assert tree.append(h) == size - 1
        assert tree.root().hex() == CT_ROOTS[size]


@pytest.mark.parametrize("index,size,path", CT_INCLUSION)
def test_ct_reference_inclusion(index, size, path):
    """RFC 9162 s2.1.3.1 PATH and s2.1.3.2 verification on the CT reference vectors
    (transparency-dev/merkle proof/verify_test.go `inclusionProofs`)."""
    assert _hex(inclusion_proof(index, CT_HASHES[:size])) == path
    assert _hex(MerkleTree(CT_HASHES).inclusion_proof(index, size)) == path
    proof = [bytes.fromhex(p) for p in path]
    want = bytes.fromhex(CT_ROOTS[size])
    assert verify_inclusion(CT_HASHES[index], index, size, proof, want)
    # The corruptions that reference test applies all fail.
    bad = [
        (CT_HASHES[index], index + 1, size, proof, want),
        (CT_HASHES[index], index ^ 2, size, proof, want),
        (CT_HASHES[index], index, size * 2, proof, want),
        (CT_HASHES[index], index, size // 2, proof, want),
        (leaf_hash(b"WrongLeaf"), index, size, proof, want),
        (CT_HASHES[index], index, size, proof, EMPTY_ROOT),
        (CT_HASHES[index], index, size, proof + [want], want),
        (CT_HASHES[index], index, size, [want] + proof, want),
        (CT_HASHES[index], index, size, proof + [b""], want),
    ]
    if index:
        bad.append((CT_HASHES[index], index - 1, size, proof, want))
    if proof:
        bad.append((CT_HASHES[index], index, size, proof[:-1], want))
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = _flip(wrong[i], 3)
        bad.append((CT_HASHES[index], index, size, wrong, want))
    for args in bad:
        assert not verify_inclusion(*args), args[1:3]


@pytest.mark.parametrize("old,new,proof", CT_CONSISTENCY)
def test_ct_reference_consistency(old, new, proof):
    """RFC 9162 s2.1.4.1 PROOF and s2.1.4.2 verification on the CT reference vectors
    (transparency-dev/merkle proof/verify_test.go `consistencyProofs`)."""
    assert _hex(consistency_proof(old, CT_HASHES[:new])) == proof
    assert _hex(MerkleTree(CT_HASHES).consistency_proof(old, new)) == proof
    p = [bytes.fromhex(h) for h in proof]
    r1, r2 = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, r1, r2, p)
    if not p:
        return
    bad = [
        (old - 1, new, r1, r2, p),
        (old + 1, new, r1, r2, p),
        (old ^ 2, new, r1, r2, p),
        (old, new * 2, r1, r2, p),
        (old, new // 2, r1, r2, p),
        (old, new, EMPTY_ROOT, r2, p),
        (old, new, r1, EMPTY_ROOT, p),
        (old, new, r2, r1, p),
        (old, new, r1, r2, []),
        (old, new, r1, r2, p + [r1]),
        (old, new, r1, r2, p + [r2]),
        (old, new, r1, r2, [r1] + p),
        (old, new, r1, r2, [p[0]] + p),
        (old, new, r1, r2, p[:-1]),
    ]
    for i in range(len(p)):
        wrong = list(p)
        wrong[i] = _flip(wrong[i], 4)
        bad.append((old, new, r1, r2, wrong))
    for args in bad:
        assert not verify_consistency(*args), args[:2]


def test_consistency_edge_cases():
    """RFC 9162 s2.1.4.2 edge sizes as the reference verifier treats them: equal sizes need equal
    roots and no proof; the empty tree is a prefix of any tree; shrinking is never consistent."""
    r1, r2 = bytes.fromhex(CT_ROOTS[1]), bytes.fromhex(CT_ROOTS[2])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 1, EMPTY_ROOT, r1, [])
    assert verify_consistency(1, 1, r1, r1, [])
    assert not verify_consistency(1, 1, r1, r2, [])
    assert not verify_consistency(1, 1, r1, r1, [EMPTY_ROOT])
    assert not verify_consistency(0, 1, EMPTY_ROOT, r1, [EMPTY_ROOT])
    assert not verify_consistency(2, 1, r2, r1, [])
    assert not verify_consistency(1, 2, r1, r2, [])
    assert not verify_consistency(-1, 2, r1, r2, [CT_HASHES[1]])


def test_inclusion_edge_cases():
    """RFC 9162 s2.1.3.2 step 1: an index at or past the tree size, or a malformed hash, fails."""
    h = leaf_hash(b"data")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(h, 1, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], h)
    assert root_from_inclusion_proof(h, 0, 1, []) == h
    with pytest.raises(ValueError):
        MerkleTree([h]).inclusion_proof(1)
    with pytest.raises(ValueError):
        MerkleTree([h]).root(2)
    with pytest.raises(ValueError):
        MerkleTree([b"short"])


def test_every_proof_up_to_70_matches_rfc_recursion_and_verifies():
    """RFC 9162 s2.1.3 and s2.1.4 for every tree size 1..70: the level-array tree gives exactly
    the PATH, PROOF and MTH of the RFC's recursive definitions, for every index and every
    0 < m <= n, and each proof verifies."""
    hashes = _leaves(70)
    tree = MerkleTree(hashes)
    for n in range(1, 71):
        d = hashes[:n]
        r = ref_mth(d)
        assert tree.root(n) == r
        for i in range(n):
            p = tree.inclusion_proof(i, n)
            assert p == ref_path(i, d)
            assert verify_inclusion(d[i], i, n, p, r)
        for m in range(1, n + 1):
            p = tree.consistency_proof(m, n)
            assert p == ref_subproof(m, d, True)
            assert verify_consistency(m, n, tree.root(m), r, p)


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 70),
    data=st.data(),
    salt=st.binary(max_size=8),
)
def test_tampered_inclusion_fails(n, data, salt):
    """RFC 9162 s2.1.3.2: a proof verifies only for its own leaf, index, size and root; any
    flipped bit in the leaf, the proof or the root, or a wrong index, makes it fail."""
    hashes = _leaves(n, salt)
    tree = MerkleTree(hashes)
    i = data.draw(st.integers(0, n - 1))
    proof = tree.inclusion_proof(i)
    r = tree.root()
    assert verify_inclusion(hashes[i], i, n, proof, r)
    bit = data.draw(st.integers(0, 255))
    assert not verify_inclusion(_flip(hashes[i], bit), i, n, proof, r)
    assert not verify_inclusion(hashes[i], i, n, proof, _flip(r, bit))
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1))
        wrong = list(proof)
        wrong[j] = _flip(wrong[j], bit)
        assert not verify_inclusion(hashes[i], i, n, wrong, r)
    other = data.draw(st.integers(0, n - 1).filter(lambda x: x != i)) if n > 1 else None
    if other is not None:
        assert not verify_inclusion(hashes[i], other, n, proof, r)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(2, 70), data=st.data(), salt=st.binary(max_size=8))
def test_tampered_consistency_fails(n, data, salt):
    """RFC 9162 s2.1.4.2: a consistency proof verifies only for its sizes and roots; a flipped bit
    in the proof or either root, or a changed old leaf, makes it fail."""
    hashes = _leaves(n, salt)
    tree = MerkleTree(hashes)
    m = data.draw(st.integers(1, n - 1))
    proof = tree.consistency_proof(m)
    r1, r2 = tree.root(m), tree.root()
    assert verify_consistency(m, n, r1, r2, proof)
    bit = data.draw(st.integers(0, 255))
    j = data.draw(st.integers(0, len(proof) - 1))
    wrong = list(proof)
    wrong[j] = _flip(wrong[j], bit)
    assert not verify_consistency(m, n, r1, r2, wrong)
    assert not verify_consistency(m, n, _flip(r1, bit), r2, proof)
    assert not verify_consistency(m, n, r1, _flip(r2, bit), proof)
    # A history rewrite: the old tree had a different leaf somewhere before m.
    k = data.draw(st.integers(0, m - 1))
    rewritten = MerkleTree(hashes[:k] + [leaf_hash(b"forged")] + hashes[k + 1 :])
    assert not verify_consistency(m, n, rewritten.root(m), r2, proof)
    assert not verify_consistency(m, n, rewritten.root(m), r2, rewritten.consistency_proof(m))


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(st.binary(max_size=20), max_size=40))
def test_append_equals_bulk(entries):
    """RFC 9162 s2.1.1: growing a tree leaf by leaf gives the same MTH as building it at once,
    and the MTH of each prefix equals the RFC recursion."""
    hashes = [leaf_hash(e) for e in entries]
    grown = MerkleTree()
    for h in hashes:
        grown.append(h)
    bulk = MerkleTree(hashes)
    for size in range(len(hashes) + 1):
        assert grown.root(size) == bulk.root(size) == ref_mth(hashes[:size])
