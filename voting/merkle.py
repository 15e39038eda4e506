"""Merkle tree hashing, inclusion and consistency proofs of RFC 9162 (Certificate Transparency
version 2.0), section 2.1, for the vote bulletin boards (DOMAIN.md section 1, Verifiability).

Implemented here directly from RFC 9162 on ``hashlib.sha256`` (standard library only):
pymerkle is not installed in the project venv, and the project does not take on a dependency for
some 200 lines whose every output is checked against the published Certificate Transparency test
vectors (``tests/voting/test_merkle.py``).

Definitions (RFC 9162 section 2.1.1), with ``k`` the largest power of two smaller than ``n``::

    MTH({})        = SHA-256()                                  (the empty string)
    MTH({d(0)})    = SHA-256(0x00 || d(0))                      leaf_hash
    MTH(D[n])      = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) node_hash

The tree functions here take *leaf hashes* (``leaf_hash(entry)`` of each entry), not entries.

Speed: ``MerkleTree`` keeps one array per level holding the hash of every *complete* subtree
(size ``2**h``, aligned to ``2**h``), ``n >> h`` of them at level ``h``: about ``2n`` hashes in
all, built level by level in ``O(n)`` and extended by ``append`` in amortised ``O(1)``. Any
subtree hash ``MTH(D[a:b])`` that RFC 9162's recursion needs, for the tree or any earlier size
of it, is a complete subtree read from the levels, or a right-edge subtree combined from at most
``log2(n)`` of them. So a root, an inclusion path (PATH) or a consistency proof (PROOF) of any
size up to ``n`` costs ``O(log(n)**2)`` hashes at most, microseconds. The module-level
``root``/``inclusion_proof``/``consistency_proof`` functions build a tree each call (``O(n)``);
keep a ``MerkleTree`` to answer many proofs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 section 2.1.1: the hash of a leaf is SHA-256(0x00 || entry)."""
    return _sha256(b"\x00" + bytes(entry)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 section 2.1.1: an interior node is SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be a {HASH_SIZE}-byte SHA-256 hash")
    return bytes(value)


class MerkleTree:
    """An append-only RFC 9162 Merkle tree over leaf hashes, with every complete subtree cached.

    ``levels[h][j]`` is ``MTH(D[j*2**h : (j+1)*2**h])``; ``levels[0]`` is the leaf hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        level = [_check_hash(h, "a leaf hash") for h in leaf_hashes]
        self._levels: list[list[bytes]] = [level]
        while len(level) >= 2:
            # Complete pairs only; an odd last node is not a complete subtree one level up.
            level = [
                _sha256(b"\x01" + level[i] + level[i + 1]).digest()
                for i in range(0, len(level) - 1, 2)
            ]
            self._levels.append(level)

    def __len__(self) -> int:
        return len(self._levels[0])

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash at the end; returns its index. Amortised O(1) hashes."""
        levels = self._levels
        node = _check_hash(leaf_hash, "a leaf hash")
        levels[0].append(node)
        index = len(levels[0]) - 1
        height = 0
        while index & 1:  # the node just completed a pair: its parent is complete too
            node = node_hash(levels[height][index - 1], node)
            height += 1
            index >>= 1
            if height == len(levels):
                levels.append([])
            levels[height].append(node)
        return len(levels[0]) - 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for h in leaf_hashes:
            self.append(h)

    def _size(self, size: int | None) -> int:
        n = len(self._levels[0])
        if size is None:
            return n
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= n:
            raise ValueError(f"tree size {size!r} is outside 0..{n}")
        return size

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range RFC 9162's recursion produces (start aligned)."""
        width = end - start
        if width <= 0:
            raise ValueError("empty subtree")
        height = width.bit_length() - 1
        if width == 1 << height and start & (width - 1) == 0:
            return self._levels[height][start >> height]
        k = _split(width)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all); SHA-256() for the empty tree."""
        size = self._size(size)
        if size == 0:
            return EMPTY_ROOT
        return self.subtree_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 section 2.1.3.1 PATH(index, D[size]): sibling hashes, leaf to root."""
        size = self._size(size)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
            raise ValueError(f"leaf index {index!r} is outside 0..{size - 1}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self.subtree_hash(start + k, end))
                end = start + k
            else:
                path.append(self.subtree_hash(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 section 2.1.4.1 PROOF(old_size, D[new_size]); empty if old_size is 0 or
        equal to new_size."""
        new_size = self._size(new_size)
        if not isinstance(old_size, int) or isinstance(old_size, bool):
            raise ValueError(f"old size {old_size!r} is not an integer")
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} is outside 0..{new_size}")
        if old_size in (0, new_size):
            return []
        # SUBPROOF(m, D[start:end], b), unrolled: descend, collecting siblings root-side first.
        proof: list[bytes] = []
        m, start, end, complete = old_size, 0, new_size, True
        while m != end - start:
            k = _split(end - start)
            if m <= k:
                proof.append(self.subtree_hash(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree_hash(start, start + k))
                start += k
                m -= k
                complete = False
        if not complete:
            proof.append(self.subtree_hash(start, end))
        proof.reverse()
        return proof


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """RFC 9162 section 2.1.1 MTH over the given leaf hashes."""
    return MerkleTree(leaf_hashes).root()


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 section 2.1.3.1 PATH(index, D[n]) over the given leaf hashes."""
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 section 2.1.4.1 PROOF(old_size, D[n]) over the given leaf hashes."""
    return MerkleTree(leaf_hashes).consistency_proof(old_size)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """RFC 9162 section 2.1.3.2 steps 1-4: the root the path leads to, or None if the path
    cannot belong to a tree of that size."""
    if not (_is_hash(leaf_hash) and _is_size(index) and _is_size(size)) or index >= size:
        return None
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if not _is_hash(p) or sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: does ``proof`` show leaf ``index`` of a ``size``-leaf tree with
    hash ``leaf_hash`` under ``root``?"""
    got = root_from_inclusion_proof(leaf_hash, index, size, proof)
    return got is not None and _is_hash(root) and got == bytes(root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: does ``proof`` show that the ``old_size`` tree with
    ``old_root`` is a prefix of the ``new_size`` tree with ``new_root``?

    RFC 9162 defines proofs for ``0 < old_size < new_size``. The edge cases follow the
    reference implementation (transparency-dev/merkle): equal sizes need equal roots and an
    empty proof; the empty tree (its root SHA-256() checked here) is a prefix of every tree,
    with an empty proof."""
    if not (_is_size(old_size) and _is_size(new_size) and _is_hash(old_root)):
        return False
    if not _is_hash(new_root) or old_size > new_size:
        return False
    proof = list(proof)
    if not all(_is_hash(p) for p in proof):
        return False
    old_root, new_root = bytes(old_root), bytes(new_root)
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    # Step 1: an empty path fails.
    if not proof:
        return False
    # Step 2: if old_size is an exact power of 2, prepend old_root to the path.
    if old_size & (old_size - 1) == 0:
        proof.insert(0, old_root)
    # Steps 3-4.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = bytes(proof[0])
    # Step 6.
    for c in proof[1:]:
        c = bytes(c)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return sn == 0 and fr == old_root and sr == new_root
