"""The Merkle tree of the events (RFC 9162): leaf and node hashes, the frontier, roots and inclusion proofs."""

import hashlib


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(event_hash):
    return hashlib.sha256(b"\x00" + event_hash).digest()


class Frontier:
    """The RFC 9162 root of leaves appended one at a time, keeping only the complete subtrees."""

    def __init__(self):
        self.stack, self.size = [], 0

    def append(self, leaf):
        self.stack.append(leaf)
        self.size += 1
        size = self.size
        while size % 2 == 0:
            right = self.stack.pop()
            self.stack.append(node_hash(self.stack.pop(), right))
            size //= 2

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        root = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            root = node_hash(left, root)
        return root


def root_from_inclusion(index, size, leaf, proof):
    """The root an RFC 9162 inclusion proof leads to (section 2.1.3.2), or None."""
    if index >= size:
        return None
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            node = node_hash(sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return node if sn == 0 else None


def prefix_root(hashes, size):
    """The RFC 9162 root of the first `size` events, from their 32-byte hashes."""
    frontier = Frontier()
    for index in range(size):
        frontier.append(leaf_hash(bytes(hashes[32 * index:32 * index + 32])))
    return frontier.root()
