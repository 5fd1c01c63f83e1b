// Command tlogcheck is an independent verifier of a ParLedger log published as C2SP tlog-tiles.
//
// It shares no code with ParLedger: it recomputes the Merkle tree from the entry bundles with
// golang.org/x/mod/sumdb/tlog, compares every hash tile and the checkpoint's root with it, checks
// the checkpoint's log signature and witness cosignatures against a trust policy, checks every event
// line against its entry, and, given several sources of one log, that none is a fork of another.
//
// Usage: tlogcheck --policy trust-policy.txt SOURCE [SOURCE...]
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	tileWidth    = 256 // entries per bundle and hashes per tile (tlog-tiles height 8)
	maxCheckpt   = 64 << 10
	maxEvents    = 256<<20 + 256 // 256 lines of at most 1 MiB each
	policyHeader = "parledger-trust-policy/1"
)

// witness is a policy witness's C2SP tlog-cosignature/v1 Ed25519 key.
type witness struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

// policy is a parsed trust policy.
type policy struct {
	ledger    string
	genesis   tlog.Hash
	log       note.Verifier
	keys      []logKey // log first, then each handover's new key (FORMAT.md, Log key rotation)
	witnesses map[string]witness
	quorum    int
}

// logKey is one key of the log and the tree sizes it signs: from through `through` (-1: no end).
type logKey struct {
	verifier      note.Verifier
	from, through int64
	root          *tlog.Hash // the root at `from` that the handover names (nil for the first key)
}

const handoverTitle = "ParLedger log key handover"

// handoverChain checks each handover (base64 of its signed note) against the key before it and
// returns the log's keys in order.
func handoverChain(first note.Verifier, handovers []string) ([]logKey, error) {
	keys := []logKey{{verifier: first, from: 0, through: -1}}
	for i, encoded := range handovers {
		prev := &keys[len(keys)-1]
		raw, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil || base64.StdEncoding.EncodeToString(raw) != encoded {
			return nil, fmt.Errorf("log-handover %d: not canonical base64", i+1)
		}
		n, err := note.Open(raw, note.VerifierList(prev.verifier))
		if err != nil {
			return nil, fmt.Errorf("log-handover %d: not signed by the log key before it: %v", i+1, err)
		}
		lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
		if len(lines) != 5 || lines[0] != handoverTitle || lines[1] != first.Name() {
			return nil, fmt.Errorf("log-handover %d: not a handover of %s", i+1, first.Name())
		}
		next, err := note.NewVerifier(lines[2])
		if err != nil || next.Name() != first.Name() {
			return nil, fmt.Errorf("log-handover %d: the new key is not an Ed25519 key named %s", i+1, first.Name())
		}
		for _, k := range keys {
			if k.verifier.KeyHash() == next.KeyHash() {
				return nil, fmt.Errorf("log-handover %d: returns to a key used before", i+1)
			}
		}
		size, err := strconv.ParseInt(lines[3], 10, 64)
		if err != nil || size <= prev.from || strconv.FormatInt(size, 10) != lines[3] {
			return nil, fmt.Errorf("log-handover %d: size %q does not come after %d", i+1, lines[3], prev.from)
		}
		root, err := base64.StdEncoding.DecodeString(lines[4])
		if err != nil || len(root) != 32 {
			return nil, fmt.Errorf("log-handover %d: bad root %q", i+1, lines[4])
		}
		var h tlog.Hash
		copy(h[:], root)
		prev.through = size
		keys = append(keys, logKey{verifier: next, from: size, through: -1, root: &h})
	}
	return keys, nil
}

// tree is what one source was found to hold once checked.
type tree struct {
	source string
	origin string
	size   int64
	root   tlog.Hash
	hashes []tlog.Hash // all stored hashes, in tlog storage order
	cosign int
}

// fetch reads the file at a path under a source, refusing more than limit bytes.
type fetch func(path string, limit int64) ([]byte, error)

// hashes is a tlog.HashReader over stored hashes computed here.
type hashes []tlog.Hash

// ReadHashes returns the stored hashes at the given storage indexes.
func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(h)) {
			return nil, fmt.Errorf("stored hash %d not computed", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

func main() { os.Exit(run(os.Args[1:], os.Stdout)) }

// report prints ok and FAILED lines and remembers whether anything failed.
type report struct {
	out    io.Writer
	failed bool
}

// check prints "ok  <src>: <ok>" when err is nil, else "FAILED: <src>: <err>"; it returns err == nil.
func (r *report) check(src string, err error, ok string, a ...interface{}) bool {
	if err != nil {
		r.failed = true
		fmt.Fprintf(r.out, "FAILED: %s: %v\n", src, err)
		return false
	}
	fmt.Fprintf(r.out, "ok  %s: %s\n", src, fmt.Sprintf(ok, a...))
	return true
}

// run checks every source against the policy, printing to out, and returns the exit code.
func run(args []string, out io.Writer) int {
	flags := flag.NewFlagSet("tlogcheck", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	policyPath := flags.String("policy", "", "the trust policy file")
	if flags.Parse(args) != nil || *policyPath == "" || flags.NArg() == 0 {
		fmt.Fprintln(out, "usage: tlogcheck --policy trust-policy.txt SOURCE [SOURCE...]  (SOURCE: a folder or an http(s) URL prefix)")
		return 2
	}
	pol, err := readPolicy(*policyPath)
	if err != nil {
		fmt.Fprintf(out, "FAILED: trust policy %s: %v\n", *policyPath, err)
		return 2
	}
	r := &report{out: out}
	var trees []*tree
	for _, src := range flags.Args() {
		if t := checkSource(src, pol, r); t != nil {
			trees = append(trees, t)
		}
	}
	for i, a := range trees {
		for _, b := range trees[i+1:] {
			small, large := a, b
			if small.size > large.size {
				small, large = large, small
			}
			if root, _ := treeHash(small.size, large.hashes); root != small.root {
				r.failed = true
				fmt.Fprintf(out, "FAILED: fork: %s has size %d root %s, but %s (size %d, root %s) has root %s at size %d\n",
					small.source, small.size, b64(small.root), large.source, large.size, b64(large.root), b64(root), small.size)
			} else {
				fmt.Fprintf(out, "ok  %s (size %d) is a prefix of %s (size %d)\n", small.source, small.size, large.source, large.size)
			}
		}
	}
	if r.failed {
		return 1
	}
	for _, t := range trees {
		fmt.Fprintf(out, "OK: %s %d entries, root %s, %d of %d witnesses cosign (quorum %d)\n",
			t.origin, t.size, b64(t.root), t.cosign, len(pol.witnesses), pol.quorum)
	}
	return 0
}

// checkSource runs every check on one source, reporting each, and returns its tree if all passed.
func checkSource(src string, pol *policy, r *report) *tree {
	read := reader(src)
	t, err := checkCheckpoint(src, read, pol, r.out)
	if err != nil {
		r.check(src, err, "")
		return nil
	}
	r.check(src, nil, "checkpoint of size %d signed by the log key, cosigned by %d of %d witnesses (quorum %d)",
		t.size, t.cosign, len(pol.witnesses), pol.quorum)
	entries, err := readEntries(read, t.size)
	if !r.check(src, err, "%d entries read from %d entry bundles", len(entries), (t.size+tileWidth-1)/tileWidth) {
		return nil
	}
	for i, e := range entries {
		stored, err := tlog.StoredHashes(int64(i), e[:], hashes(t.hashes))
		if err != nil {
			r.check(src, err, "")
			return nil
		}
		t.hashes = append(t.hashes, stored...)
	}
	var genesisErr, rootErr error
	if t.size > 0 && entries[0] != pol.genesis {
		genesisErr = fmt.Errorf("entry 0 is %x, not the policy's genesis %x", entries[0][:], pol.genesis[:])
	}
	all := r.check(src, genesisErr, "entry 0 is the policy's genesis")
	if root, _ := treeHash(t.size, t.hashes); root != t.root {
		rootErr = fmt.Errorf("checkpoint root %s, but the entries give %s", b64(t.root), b64(root))
	}
	all = r.check(src, rootErr, "the entries' Merkle root is the checkpoint's root") && all
	n, err := checkTiles(read, t)
	all = r.check(src, err, "%d hash tiles equal the tree recomputed from the entries", n) && all
	err = checkEvents(read, entries)
	all = r.check(src, err, "%d event lines hash to their entries", len(entries)) && all
	if !all {
		return nil
	}
	return t
}

// readPolicy parses a parledger-trust-policy/1 file, refusing unknown, missing or repeated items.
func readPolicy(path string) (*policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 64<<10 {
		return nil, errors.New("over 64 KiB")
	}
	p := &policy{witnesses: map[string]witness{}, quorum: -1}
	var logKey string
	var handovers []string
	header, seen := false, map[string]bool{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			if line != policyHeader {
				return nil, fmt.Errorf("line %d: first line must be %q", n+1, policyHeader)
			}
			header = true
			continue
		}
		key, value, _ := strings.Cut(line, " ")
		if seen[key] && key != "witness" && key != "log-handover" {
			return nil, fmt.Errorf("line %d: repeated %q", n+1, key)
		}
		seen[key] = true
		switch key {
		case "ledger":
			p.ledger = value
		case "genesis":
			h, err := hex.DecodeString(value)
			if err != nil || len(h) != 32 || value != strings.ToLower(value) {
				return nil, fmt.Errorf("line %d: genesis must be 64 lowercase hex digits", n+1)
			}
			copy(p.genesis[:], h)
		case "log":
			if p.log, err = note.NewVerifier(value); err != nil {
				return nil, fmt.Errorf("line %d: log key: %v", n+1, err)
			}
			logKey = value
		case "log-handover":
			handovers = append(handovers, value)
		case "witness":
			w, err := parseWitness(value)
			if err != nil {
				return nil, fmt.Errorf("line %d: witness key: %v", n+1, err)
			}
			if _, dup := p.witnesses[w.name]; dup {
				return nil, fmt.Errorf("line %d: witness %q named twice", n+1, w.name)
			}
			p.witnesses[w.name] = w
		case "quorum":
			if p.quorum, err = strconv.Atoi(value); err != nil || p.quorum < 0 {
				return nil, fmt.Errorf("line %d: quorum must be a number ≥ 0", n+1)
			}
		default:
			return nil, fmt.Errorf("line %d: unknown item %q", n+1, key)
		}
	}
	switch {
	case !header:
		return nil, fmt.Errorf("no %q line", policyHeader)
	case p.ledger == "" || logKey == "" || !seen["genesis"] || p.quorum < 0:
		return nil, errors.New("needs one each of ledger, genesis, log and quorum")
	case p.log.Name() != "parledger/"+p.ledger:
		return nil, fmt.Errorf("log key is named %q, not parledger/%s", p.log.Name(), p.ledger)
	case p.quorum > len(p.witnesses):
		return nil, fmt.Errorf("quorum %d exceeds the %d witnesses", p.quorum, len(p.witnesses))
	}
	if p.keys, err = handoverChain(p.log, handovers); err != nil {
		return nil, err
	}
	return p, nil
}

// parseWitness parses a witness vkey <name>+<8 hex key ID>+<base64(0x04 ‖ 32-byte Ed25519 key)>.
func parseWitness(vkey string) (witness, error) {
	name, rest, _ := strings.Cut(vkey, "+")
	idHex, keyB64, _ := strings.Cut(rest, "+")
	key, err := base64.StdEncoding.DecodeString(keyB64)
	if err != nil || len(key) != 33 || key[0] != 0x04 || len(idHex) != 8 || name == "" ||
		strings.ContainsAny(name, " +\n") {
		return witness{}, errors.New("not a <name>+<8 hex>+<base64(0x04 ‖ Ed25519 key)> vkey")
	}
	id, err := strconv.ParseUint(idHex, 16, 32)
	if err != nil || uint32(id) != witnessKeyID(name, key[1:]) {
		return witness{}, errors.New("key ID does not match the name and key")
	}
	return witness{name: name, id: uint32(id), pub: ed25519.PublicKey(key[1:])}, nil
}

// witnessKeyID is SHA-256(name ‖ "\n" ‖ 0x04 ‖ pub)[:4] as a big-endian number.
func witnessKeyID(name string, pub []byte) uint32 {
	h := sha256.Sum256(append(append([]byte(name+"\n"), 0x04), pub...))
	return binary.BigEndian.Uint32(h[:4])
}

// checkCheckpoint reads, opens and parses the checkpoint and counts its witness cosignatures.
func checkCheckpoint(src string, read fetch, pol *policy, out io.Writer) (*tree, error) {
	msg, err := read("checkpoint", maxCheckpt)
	if err != nil {
		return nil, err
	}
	verifiers := make([]note.Verifier, len(pol.keys))
	for i, k := range pol.keys {
		verifiers[i] = k.verifier
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: no valid signature by the policy's log key %s: %v", pol.log.Name(), err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return nil, errors.New("checkpoint: fewer than 3 lines")
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return nil, errors.New("checkpoint: an empty extension line")
		}
	}
	t := &tree{source: src, origin: lines[0]}
	if t.origin != pol.log.Name() {
		return nil, fmt.Errorf("checkpoint: origin %q is not the log key's name %q", t.origin, pol.log.Name())
	}
	t.size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || t.size < 0 || strconv.FormatInt(t.size, 10) != lines[1] {
		return nil, fmt.Errorf("checkpoint: bad tree size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return nil, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	copy(t.root[:], root)
	if err := checkKeyForSize(pol, n.Sigs, t); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range n.UnverifiedSigs {
		w, known := pol.witnesses[s.Name]
		if !known {
			fmt.Fprintf(out, "    %s: ignoring a signature by %q, not a policy witness\n", src, s.Name)
			continue
		}
		if err := verifyCosignature(w, s, n.Text); err != nil {
			return nil, fmt.Errorf("checkpoint: cosignature by policy witness %s: %v", w.name, err)
		}
		seen[w.name] = true
		fmt.Fprintf(out, "ok  %s: cosignature by witness %s\n", src, w.name)
	}
	t.cosign = len(seen)
	if t.cosign < pol.quorum {
		return nil, fmt.Errorf("checkpoint: %d of %d witnesses cosign, quorum is %d", t.cosign, len(pol.witnesses), pol.quorum)
	}
	return t, nil
}

// checkKeyForSize requires a verified log signature by the key whose sizes cover the tree's, and the
// handover's root at a handover's size.
func checkKeyForSize(pol *policy, sigs []note.Signature, t *tree) error {
	for _, k := range pol.keys {
		if k.root != nil && k.from == t.size && *k.root != t.root {
			return fmt.Errorf("checkpoint: size %d has another root than the log key handover at that size", t.size)
		}
	}
	for _, s := range sigs {
		for _, k := range pol.keys {
			if s.Hash == k.verifier.KeyHash() && t.size >= k.from && (k.through < 0 || t.size <= k.through) {
				return nil
			}
		}
	}
	return fmt.Errorf("checkpoint: signed by a log key of the policy that does not sign tree size %d (retired before it, or taking over only later)", t.size)
}

// verifyCosignature checks a tlog-cosignature/v1 signature line by w over the note text.
func verifyCosignature(w witness, s note.Signature, text string) error {
	blob, err := base64.StdEncoding.DecodeString(s.Base64)
	if err != nil || len(blob) != 4+8+ed25519.SignatureSize {
		return errors.New("not a 76-byte cosignature")
	}
	if id := binary.BigEndian.Uint32(blob); id != w.id {
		return fmt.Errorf("key ID %08x, the policy's is %08x", id, w.id)
	}
	ts := binary.BigEndian.Uint64(blob[4:])
	if ts > math.MaxInt64 {
		return fmt.Errorf("timestamp %d out of range", ts)
	}
	msg := "cosignature/v1\ntime " + strconv.FormatUint(ts, 10) + "\n" + text
	if !ed25519.Verify(w.pub, []byte(msg), blob[12:]) {
		return errors.New("signature does not verify")
	}
	return nil
}

// readEntries reads every entry bundle for the tree size and returns the entries.
func readEntries(read fetch, size int64) ([]tlog.Hash, error) {
	capacity := size
	if capacity > 1<<20 { // a forged huge size fails on a missing bundle, not in make
		capacity = 1 << 20
	}
	entries := make([]tlog.Hash, 0, capacity)
	for n := int64(0); n*tileWidth < size; n++ {
		w := bundleWidth(n, size)
		path := "tile/entries/" + tilePath(n, w)
		data, err := read(path, int64(w)*34)
		if err != nil {
			return nil, err
		}
		for i := 0; i < w; i++ {
			if len(data) < 2 || binary.BigEndian.Uint16(data) != 32 || len(data) < 34 {
				return nil, fmt.Errorf("%s: entry %d is not a 32-byte entry with its length", path, i)
			}
			var e tlog.Hash
			copy(e[:], data[2:34])
			entries, data = append(entries, e), data[34:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("%s: %d bytes after its %d entries", path, len(data), w)
		}
	}
	return entries, nil
}

// checkTiles compares every hash tile the tree size implies with the recomputed tree.
func checkTiles(read fetch, t *tree) (int, error) {
	count := 0
	for level := 0; t.size>>(8*uint(level)) > 0; level++ {
		width := t.size >> (8 * uint(level)) // hashes at this tile level
		for n := int64(0); n*tileWidth < width; n++ {
			w := bundleWidth(n, width)
			tile := tlog.Tile{H: 8, L: level, N: n, W: w}
			want, err := tlog.ReadTileData(tile, hashes(t.hashes))
			if err != nil {
				return count, err
			}
			path := fmt.Sprintf("tile/%d/%s", level, tilePath(n, w))
			got, err := read(path, tileWidth*32)
			if err != nil {
				return count, err
			}
			if !bytes.Equal(got, want) {
				return count, fmt.Errorf("%s differs from the tree recomputed from the entries", path)
			}
			count++
		}
	}
	return count, nil
}

// checkEvents checks that each events bundle holds one line per entry whose hash is that entry.
func checkEvents(read fetch, entries []tlog.Hash) error {
	for n := int64(0); n*tileWidth < int64(len(entries)); n++ {
		w := bundleWidth(n, int64(len(entries)))
		path := "events/" + tilePath(n, w)
		data, err := read(path, maxEvents)
		if err != nil {
			return err
		}
		lines := strings.SplitAfter(string(data), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) != w || !strings.HasSuffix(string(data), "\n") {
			return fmt.Errorf("%s: %d lines (the last ending in newline: %v), want %d", path, len(lines), strings.HasSuffix(string(data), "\n"), w)
		}
		for i, line := range lines {
			if err := checkEventLine(line, entries[n*tileWidth+int64(i)]); err != nil {
				return fmt.Errorf("%s: line %d (entry %d): %v", path, i+1, n*tileWidth+int64(i), err)
			}
		}
	}
	return nil
}

// checkEventLine checks that the line's top-level "hash" is the entry and that SHA-256 of the line
// without that member is the entry too.
func checkEventLine(line string, entry tlog.Hash) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	want := `"` + hex.EncodeToString(entry[:]) + `"`
	if string(obj["hash"]) != want {
		return fmt.Errorf("hash member %s is not the entry %s", obj["hash"], want)
	}
	member := `,"hash":` + want
	if strings.Count(line, member) != 1 {
		return fmt.Errorf("%s does not occur exactly once", member)
	}
	if h := sha256.Sum256([]byte(strings.Replace(strings.TrimSuffix(line, "\n"), member, "", 1))); h != entry {
		return fmt.Errorf("the line without its hash hashes to %x", h[:])
	}
	return nil
}

// bundleWidth is the width of bundle or tile n at a level holding count items.
func bundleWidth(n, count int64) int {
	if rest := count - n*tileWidth; rest < tileWidth {
		return int(rest)
	}
	return tileWidth
}

// tilePath encodes N in 3-digit groups (x001/x234/067) and, for a partial width, adds .p/<W>.
func tilePath(n int64, w int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	if w != tileWidth {
		s += fmt.Sprintf(".p/%d", w)
	}
	return s
}

// reader returns a function reading a path (at most limit bytes) under a folder or URL prefix.
func reader(src string) fetch {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		prefix := strings.TrimSuffix(src, "/") + "/"
		client := &http.Client{Timeout: 30 * time.Second}
		return func(path string, limit int64) ([]byte, error) {
			resp, err := client.Get(prefix + path)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("%s: HTTP %s", prefix+path, resp.Status)
			}
			return readLimited(resp.Body, path, limit)
		}
	}
	return func(path string, limit int64) ([]byte, error) {
		f, err := os.Open(filepath.Join(src, filepath.FromSlash(path)))
		if err != nil {
			return nil, fmt.Errorf("%s: missing or unreadable: %v", path, err)
		}
		defer f.Close()
		return readLimited(f, path, limit)
	}
}

// readLimited reads r, refusing more than limit bytes.
func readLimited(r io.Reader, path string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("over %d bytes", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return data, nil
}

// treeHash is the RFC 9162 root of the first n leaves (SHA-256 of nothing for an empty tree).
func treeHash(n int64, stored []tlog.Hash) (tlog.Hash, error) {
	if n == 0 {
		return sha256.Sum256(nil), nil
	}
	return tlog.TreeHash(n, hashes(stored))
}

// b64 is a hash in standard base64.
func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
