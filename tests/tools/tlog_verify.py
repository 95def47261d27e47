#!/usr/bin/env python3
"""An independent verifier of a ujikom transparency log, in Python 3 standard library only.

Written from the specifications, not from the C code:
  RFC 9162 section 2.1 (Merkle tree hash, inclusion and consistency proof verification),
  RFC 8032 section 5.1 (Ed25519 verification),
  c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-tiles, c2sp.org/tlog-proof.

Checks a log laid out as static files (see tlog_fixture.c): the checkpoint signatures under
the verifier key, every tile against the entry bundles and the tiles below it, the root
recomputed from the tiles, an inclusion proof for every entry, and the consistency of the
older checkpoint with the newer one. Then it forges a few things and checks they are caught.

Usage:
  tlog_verify.py DIR                  verify a log directory
  tlog_verify.py --fixture PROGRAM    write a log with PROGRAM into a temporary directory
                                      (two sizes) and verify it
  tlog_verify.py --service URL DIR [VKEY]
                                      download the log a ujikom service publishes at URL
                                      (its /log/ base) into DIR, then verify it: the
                                      checkpoint under VKEY (default: DIR/key as served),
                                      every tile, the root, every DIR/proof/<serial>.tlog-proof
                                      (its entry must be that certificate's issuance), and
                                      the consistency of DIR/checkpoint.old when present
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

# --- Ed25519 verification (RFC 8032, section 5.1.7) ---

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decompress(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
G = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % P)


def ed25519_verify(pub, msg, sig):
    if len(pub) != 32 or len(sig) != 64:
        return False
    a = _decompress(pub)
    r = _decompress(sig[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % L
    return _equal(_mul(s, G), _add(r, _mul(k, a)))


# --- signed notes (c2sp.org/signed-note) ---


class Invalid(Exception):
    pass


def b64decode_strict(s):
    try:
        raw = base64.b64decode(s, validate=True)
    except Exception as e:
        raise Invalid("bad base64: %r" % s) from e
    if base64.b64encode(raw).decode() != s:
        raise Invalid("non-canonical base64: %r" % s)
    return raw


def parse_vkey(text):
    parts = text.split("+", 2)  # the name has no "+", the base64 key may
    if len(parts) != 3:
        raise Invalid("verifier key must be name+keyid+key")
    name, keyid_hex, key64 = parts
    if not name or any(c.isspace() for c in name) or len(keyid_hex) != 8:
        raise Invalid("bad verifier key name or key ID")
    raw = b64decode_strict(key64)
    if len(raw) != 33 or raw[0] != 0x01:
        raise Invalid("verifier key is not Ed25519")
    keyid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if keyid.hex() != keyid_hex:
        raise Invalid("verifier key ID does not match")
    return name, keyid, raw[1:]


def open_note(msg, vkey):
    """Returns the note text when a signature by vkey verifies; raises Invalid otherwise."""
    name, keyid, pub = vkey
    try:
        s = msg.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("note is not UTF-8") from e
    if any(ord(c) < 0x20 and c != "\n" for c in s):
        raise Invalid("note has a control character")
    split = msg.rfind(b"\n\n")
    if split < 0 or not msg.endswith(b"\n"):
        raise Invalid("note has no signature block")
    text, sigs = msg[: split + 1], msg[split + 2 :]
    good = 0
    for line in sigs.decode().split("\n")[:-1]:
        if not line.startswith("\u2014 "):
            raise Invalid("bad signature line")
        signame, _, sig64 = line[2:].partition(" ")
        raw = b64decode_strict(sig64)
        if len(raw) < 5:
            raise Invalid("short signature")
        if signame != name or raw[:4] != keyid:
            continue
        if not ed25519_verify(pub, text, raw[4:]):
            raise Invalid("signature by the log key does not verify")
        good += 1
    if good == 0:
        raise Invalid("no signature by the log key")
    return text


def parse_checkpoint(text):
    lines = text.decode().split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise Invalid("checkpoint has fewer than three lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Invalid("bad checkpoint origin or size")
    rootb = b64decode_strict(root)
    if len(rootb) != 32:
        raise Invalid("checkpoint root is not 32 bytes")
    return origin, int(size), rootb


# --- RFC 9162 ---


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    """RFC 9162 MTH over leaf hashes (iterative form of the recursive definition)."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, first_hash, second, second_hash, path):
    """RFC 9162 section 2.1.4.2 (0 < first < second)."""
    if not (0 < first < second) or not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


# --- c2sp.org/tlog-tiles ---


def tile_path(level, n, width):
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    elems = ["x%03d" % g for g in groups[:-1]] + ["%03d" % groups[-1]]
    path = "tile/%s/%s" % (level, "/".join(elems))
    if width < 256:
        path += ".p/%d" % width
    return path


def read_tile(base, level, n, width):
    with open(os.path.join(base, tile_path(level, n, width)), "rb") as f:
        data = f.read()
    if len(data) != 32 * width:
        raise Invalid("tile %s has the wrong length" % tile_path(level, n, width))
    return [data[i : i + 32] for i in range(0, len(data), 32)]


def read_bundle(base, n, width):
    with open(os.path.join(base, tile_path("entries", n, width)), "rb") as f:
        data = f.read()
    entries, pos = [], 0
    while pos < len(data):
        if len(data) - pos < 2:
            raise Invalid("truncated bundle")
        ln = int.from_bytes(data[pos : pos + 2], "big")
        if len(data) - pos - 2 < ln:
            raise Invalid("truncated bundle")
        entries.append(data[pos + 2 : pos + 2 + ln])
        pos += 2 + ln
    if len(entries) != width:
        raise Invalid("bundle %d has %d entries, not %d" % (n, len(entries), width))
    return entries


def tiles_of_level(size, level):
    hashes = size >> (8 * level)
    full, partial = divmod(hashes, 256)
    out = [(level, i, 256) for i in range(full)]
    if partial:
        out.append((level, full, partial))
    return out


def load_log(base, size):
    """Reads every tile and bundle of a tree of `size` entries and checks them against each
    other. Returns (entries, leaf hashes, root computed from the tiles)."""
    entries, leaves = [], []
    for _, n, w in tiles_of_level(size, 0):
        bundle = read_bundle(base, n, w)
        tile = read_tile(base, 0, n, w)
        for e, h in zip(bundle, tile):
            if leaf_hash(e) != h:
                raise Invalid("entry %d does not hash to its level-0 tile" % len(entries))
            entries.append(e)
            leaves.append(h)
    if len(leaves) != size:
        raise Invalid("the tiles hold %d entries, the checkpoint says %d" % (len(leaves), size))
    # Each hash of a level-l tile (l >= 1) is the MTH of a full tile at level l-1.
    level = 1
    while size >> (8 * level):
        for _, n, w in tiles_of_level(size, level):
            tile = read_tile(base, level, n, w)
            for i, h in enumerate(tile):
                below = read_tile(base, level - 1, n * 256 + i, 256)
                if mth(below) != h:
                    raise Invalid("tile %s hash %d is not the MTH of the tile below" %
                                  (tile_path(level, n, w), i))
        level += 1
    # The root from the tiles alone: per level, the full subtrees the partial tiles hold.
    root = root_from_tiles(base, size)
    if root != mth(leaves):
        raise Invalid("the root from the tiles differs from the MTH of all entries")
    return entries, leaves, root


def root_from_tiles(base, size):
    """Combines, right to left, the subtree hashes of each level's partial tile."""
    parts = []  # (start index, number of leaves, hash), left to right
    for level in reversed(range(8)):
        hashes = size >> (8 * level)
        w = hashes % 256
        if not w:
            continue
        tile = read_tile(base, level, hashes // 256, w)
        pos = 0
        for bit in reversed(range(8)):
            if w & (1 << bit):
                sub = tile[pos : pos + (1 << bit)]
                parts.append(mth(sub))
                pos += 1 << bit
    if not parts:
        return hashlib.sha256(b"").digest()
    root = parts[-1]
    for h in reversed(parts[:-1]):
        root = node_hash(h, root)
    return root


# --- c2sp.org/tlog-proof ---


def parse_proof(data):
    text = data.decode()
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise Invalid("proof has no blank line")
    lines = head.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Invalid("bad proof header")
    i = 1
    if lines[i].startswith("extra "):
        b64decode_strict(lines[i][6:])
        i += 1
    if not lines[i].startswith("index "):
        raise Invalid("no index line")
    idx = lines[i][6:]
    if not idx.isdigit() or (idx != "0" and idx.startswith("0")):
        raise Invalid("bad index")
    hashes = [b64decode_strict(h) for h in lines[i + 1 :]]
    if any(len(h) != 32 for h in hashes):
        raise Invalid("proof hash is not 32 bytes")
    return int(idx), hashes, checkpoint.encode()


# --- the checks ---


def verify_dir(base, quiet=False):
    with open(os.path.join(base, "vkey")) as f:
        vkey = parse_vkey(f.read().strip())
    with open(os.path.join(base, "checkpoint"), "rb") as f:
        cp_msg = f.read()
    origin, size, root = parse_checkpoint(open_note(cp_msg, vkey))
    if origin != vkey[0]:
        raise Invalid("checkpoint origin is not the log's name")
    entries, leaves, tiles_root = load_log(base, size)
    if tiles_root != root:
        raise Invalid("root recomputed from the tiles differs from the checkpoint")
    # Every inclusion proof given (the fixture writes one for every entry or every k-th).
    opened = {}
    proven = sorted(int(e.name.split(".")[0]) for e in os.scandir(os.path.join(base, "proof")))
    if not proven or proven[-1] != size - 1:
        raise Invalid("no inclusion proof for the last entry")
    for i in proven:
        with open(os.path.join(base, "proof", "%d.tlog-proof" % i), "rb") as f:
            index, path, cp = parse_proof(f.read())
        if cp not in opened:
            opened[cp] = parse_checkpoint(open_note(cp, vkey))
        _, psize, proot = opened[cp]
        if index != i or not verify_inclusion(leaf_hash(entries[i]), i, psize, path, proot):
            raise Invalid("inclusion proof of entry %d does not verify" % i)
    # Consistency with the older checkpoint.
    with open(os.path.join(base, "checkpoint.old"), "rb") as f:
        _, size1, root1 = parse_checkpoint(open_note(f.read(), vkey))
    with open(os.path.join(base, "consistency")) as f:
        cproof = [b64decode_strict(line) for line in f.read().split("\n") if line]
    if size1 < size and not verify_consistency(size1, root1, size, root, cproof):
        raise Invalid("consistency proof %d -> %d does not verify" % (size1, size))
    if mth(leaves[:size1]) != root1:
        raise Invalid("the older checkpoint's root is not the MTH of the first entries")
    if root_from_tiles(base, size1) != root1:
        raise Invalid("the older root from the older partial tiles differs")
    if not quiet:
        print("log %s: %d entries, root %s: signature, tiles, %d inclusion proofs and "
              "consistency from %d verified" % (origin, size, base64.b64encode(root).decode(),
                                                len(proven), size1))
    return vkey, size, root, size1, root1, cproof, leaves


# --- a live ujikom service (docs/transparency-log.md, "The service's log") ---


def subproof(m, hashes, complete):
    """SUBPROOF(m, D[n], b) of RFC 9162 section 2.1.4.1, over leaf hashes."""
    n = len(hashes)
    if m == n:
        return [] if complete else [mth(hashes)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, hashes[:k], complete) + [mth(hashes[k:])]
    return subproof(m - k, hashes[k:], False) + [mth(hashes[:k])]


def parse_entry(data):
    """A ujikom.certlog/v1 entry: its fields as a dict (strict line order)."""
    lines = data.decode("ascii").split("\n")
    if lines[0] != "ujikom.certlog/v1" or lines[-1] != "":
        raise Invalid("not a ujikom.certlog/v1 entry")
    fields = [tuple(line.split(" ", 1)) for line in lines[1:-1]]
    names = [f[0] for f in fields]
    common = ["event", "serial", "time", "kid", "subsector", "scheme", "issued", "expires"]
    tail = ["credential", "token"] if fields and fields[0] == ("event", "issue") else ["reason"]
    if names != common + tail or any(len(f) != 2 or not f[1] for f in fields):
        raise Invalid("entry fields are not %s" % (common + tail))
    return dict(fields)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        if r.status != 200:
            raise Invalid("%s: HTTP %d" % (url, r.status))
        return r.read()


def download(url, base):
    """Saves the checkpoint, key, every tile and entry bundle the checkpoint needs."""
    url = url.rstrip("/")
    os.makedirs(base, exist_ok=True)
    cp = fetch(url + "/checkpoint")
    with open(os.path.join(base, "checkpoint"), "wb") as f:
        f.write(cp)
    with open(os.path.join(base, "key"), "wb") as f:
        f.write(fetch(url + "/key"))
    size = int(cp.split(b"\n")[1])
    level, paths = 0, []
    while size >> (8 * level):
        paths += [tile_path(lv, n, w) for lv, n, w in tiles_of_level(size, level)]
        level += 1
    paths += [tile_path("entries", n, w) for _, n, w in tiles_of_level(size, 0)]
    for p in paths:
        os.makedirs(os.path.dirname(os.path.join(base, p)), exist_ok=True)
        with open(os.path.join(base, p), "wb") as f:
            f.write(fetch(url + "/" + p))
    return len(paths)


def verify_service_dir(base, vkey_text=None):
    if vkey_text is None:
        with open(os.path.join(base, "key")) as f:
            vkey_text = f.read().strip()
    vkey = parse_vkey(vkey_text)
    with open(os.path.join(base, "checkpoint"), "rb") as f:
        origin, size, root = parse_checkpoint(open_note(f.read(), vkey))
    if origin != vkey[0]:
        raise Invalid("checkpoint origin is not the log's key name")
    entries, leaves, tiles_root = load_log(base, size)
    if tiles_root != root:
        raise Invalid("root recomputed from the tiles differs from the checkpoint")
    parsed = [parse_entry(e) for e in entries]
    issued = {e["serial"]: i for i, e in enumerate(parsed) if e["event"] == "issue"}
    if len(issued) != sum(1 for e in parsed if e["event"] == "issue"):
        raise Invalid("a serial is issued twice in the log")
    proofs = 0
    proof_dir = os.path.join(base, "proof")
    for name in sorted(os.listdir(proof_dir)) if os.path.isdir(proof_dir) else []:
        serial = name[: -len(".tlog-proof")]
        with open(os.path.join(proof_dir, name), "rb") as f:
            data = f.read()
        index, path, cp = parse_proof(data)
        extra = [line for line in data.decode().split("\n\n")[0].split("\n")
                 if line.startswith("extra ")]
        if len(extra) != 1:
            raise Invalid("proof of %s carries no entry" % serial)
        entry = b64decode_strict(extra[0][6:])
        e = parse_entry(entry)
        if e["event"] != "issue" or e["serial"] != serial or issued.get(serial) != index:
            raise Invalid("proof of %s is not for its issuance entry" % serial)
        _, psize, proot = parse_checkpoint(open_note(cp, vkey))
        if not verify_inclusion(leaf_hash(entry), index, psize, path, proot):
            raise Invalid("inclusion proof of %s does not verify" % serial)
        proofs += 1
    old = os.path.join(base, "checkpoint.old")
    size1 = None
    if os.path.exists(old):
        with open(old, "rb") as f:
            _, size1, root1 = parse_checkpoint(open_note(f.read(), vkey))
        if size1 > size:
            raise Invalid("the log shrank")
        if size1 > 0 and size1 < size:
            cproof = subproof(size1, leaves, True)
            if not verify_consistency(size1, root1, size, root, cproof):
                raise Invalid("consistency %d -> %d does not verify" % (size1, size))
            if verify_consistency(size1, root1, size, root, cproof[1:]):
                raise Invalid("a truncated consistency proof verified")
        if mth(leaves[:size1]) != root1:
            raise Invalid("the older checkpoint is not a prefix of this log")
    print("service log %s: %d entries (%d issued), signature, tiles, root, %d inclusion proofs%s "
          "verified" % (origin, size, len(issued), proofs,
                        "" if size1 is None else ", consistency from %d" % size1))
    for serial in sorted(issued):
        print("issued %s at %d" % (serial, issued[serial]))


def expect_invalid(what, fn):
    try:
        fn()
    except Invalid:
        return
    raise SystemExit("FAIL: the verifier accepted %s" % what)


def self_test_known_vectors():
    # golang.org/x/mod/sumdb/note (note_test.go): a known key and signed note.
    vkey = parse_vkey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    msg = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n\n"
           "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
           "qfqdngotpRZb6KE6RyyBwJnAM=\n").encode()
    open_note(msg, vkey)
    expect_invalid("a changed note", lambda: open_note(msg.replace(b"cryptography", b"cryptogrbphy"), vkey))
    # RFC 6962 / 9162 roots of the CT test leaves (transparency-dev/merkle, Apache-2.0).
    inputs = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
              bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
    want8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    if mth([leaf_hash(x) for x in inputs]).hex() != want8:
        raise SystemExit("FAIL: MTH of the RFC test leaves")


def self_test_forgeries(base, checked):
    vkey, size, root, size1, root1, cproof, leaves = checked
    with open(os.path.join(base, "checkpoint"), "rb") as f:
        cp = f.read()
    forged = cp.replace(b"\n%d\n" % size, b"\n%d\n" % (size + 1), 1)
    expect_invalid("a checkpoint with a changed size", lambda: open_note(forged, vkey))
    other = parse_vkey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    expect_invalid("a checkpoint under another key", lambda: open_note(cp, other))
    with open(os.path.join(base, "proof", "0.tlog-proof"), "rb") as f:
        index, path, _ = parse_proof(f.read())
    bad = [bytes([path[0][0] ^ 1]) + path[0][1:]] + path[1:]
    if verify_inclusion(leaves[0], 0, size, bad, root):
        raise SystemExit("FAIL: a changed inclusion proof verified")
    if verify_inclusion(leaves[1], 0, size, path, root):
        raise SystemExit("FAIL: an inclusion proof verified for the wrong entry")
    if size1 < size and verify_consistency(size1, root1, size, root, cproof[1:]):
        raise SystemExit("FAIL: a truncated consistency proof verified")
    if size1 < size and verify_consistency(size1, root, size, root, cproof):
        raise SystemExit("FAIL: a consistency proof verified against the wrong old root")


def main(argv):
    if len(argv) == 3 and argv[1] == "--fixture":
        self_test_known_vectors()
        tmp = tempfile.mkdtemp(prefix="tlog-verify-")
        try:
            # A log of 1,000 entries with an inclusion proof for every entry and an older
            # checkpoint inside a partial tile; then the size of the tlog-tiles example
            # (70,000: partial tiles on three levels), proofs for every 997th entry.
            for size1, size2, stride in (("300", "1000", "1"), ("1000", "70000", "997")):
                run = os.path.join(tmp, size2)
                subprocess.run([argv[2], run, size1, size2, stride], check=True)
                checked = verify_dir(run)
                self_test_forgeries(run, checked)
            print("ok")
        except Invalid as e:
            raise SystemExit("FAIL: %s" % e)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    if len(argv) in (4, 5) and argv[1] == "--service":
        try:
            download(argv[2], argv[3])
            verify_service_dir(argv[3], argv[4] if len(argv) == 5 else None)
        except Invalid as e:
            raise SystemExit("FAIL: %s" % e)
        return 0
    if len(argv) == 2:
        try:
            verify_dir(argv[1])
        except Invalid as e:
            raise SystemExit("FAIL: %s" % e)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
