package main

// The self-test: it builds small synthetic logs in the published layout (entry bundles, hash tiles,
// event lines, a signed and cosigned checkpoint, a trust policy) and checks that tlogcheck accepts
// them and refuses each kind of damage. Run with tools/tlogcheck/build (TLOGCHECK_TEST=1) or
// GO111MODULE=off GOPATH=/usr/share/gocode go test ./tools/tlogcheck/

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// testWitness is a generated witness key.
type testWitness struct {
	name string
	priv ed25519.PrivateKey
	vkey string
}

// newWitness generates a witness key named name and its vkey.
func newWitness(t *testing.T, name string) testWitness {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key := append([]byte{0x04}, pub...)
	id := sha256.Sum256(append([]byte(name+"\n"), key...))
	return testWitness{name, priv, fmt.Sprintf("%s+%x+%s", name, id[:4], base64.StdEncoding.EncodeToString(key))}
}

// cosign returns w's tlog-cosignature/v1 signature line over the note text.
func (w testWitness) cosign(text string, ts uint64) string {
	blob := make([]byte, 12)
	h := sha256.Sum256(append([]byte(w.name+"\n\x04"), w.priv.Public().(ed25519.PublicKey)...))
	copy(blob, h[:4])
	binary.BigEndian.PutUint64(blob[4:], ts)
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, text)
	blob = append(blob, ed25519.Sign(w.priv, []byte(msg))...)
	return "— " + w.name + " " + base64.StdEncoding.EncodeToString(blob) + "\n"
}

// world holds the keys shared by the logs of one test.
type world struct {
	t         *testing.T
	log       note.Signer
	logVkey   string
	witnesses []testWitness
}

// newWorld generates the log key parledger/test and two witnesses.
func newWorld(t *testing.T) *world {
	skey, vkey, err := note.GenerateKey(rand.Reader, "parledger/test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t, signer, vkey, []testWitness{newWitness(t, "witness.example/a"), newWitness(t, "witness.example/b")}}
}

// lines returns n canonical event lines like {"a":i,"hash":"<hex>","s":salt,"z":2}.
func lines(n int, salt string) []string {
	out := make([]string, n)
	for i := range out {
		h := sha256.Sum256([]byte(fmt.Sprintf(`{"a":%d,"s":"%s","z":2}`, i, salt)))
		out[i] = fmt.Sprintf(`{"a":%d,"hash":"%x","s":"%s","z":2}`+"\n", i, h[:], salt)
	}
	return out
}

// write publishes the events as a log in dir, with cosignatures by the first cosigners witnesses,
// and returns the checkpoint's text.
func (wd *world) write(dir string, events []string, cosigners int) string {
	t := wd.t
	put := func(path string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stored []tlog.Hash
	var bundle, evs []byte
	for i, line := range events {
		var e [32]byte
		stored, e = store(t, stored, i, line)
		bundle = append(append(bundle, 0, 32), e[:]...)
		evs = append(evs, line...)
		if (i+1)%256 == 0 || i+1 == len(events) {
			// Go's tile path for level -1 is tile/8/data/N; tlog-tiles writes tile/entries/N.
			tile := tlog.Tile{H: 8, L: -1, N: int64(i / 256), W: i%256 + 1}
			p := strings.TrimPrefix(tile.Path(), "tile/8/data/")
			put("tile/entries/"+p, bundle)
			put("events/"+p, evs)
			bundle, evs = nil, nil
		}
	}
	size := int64(len(events))
	for _, tile := range tlog.NewTiles(8, 0, size) {
		data, err := tlog.ReadTileData(tile, hashes(stored))
		if err != nil {
			t.Fatal(err)
		}
		put("tile/"+strings.TrimPrefix(tile.Path(), "tile/8/"), data)
	}
	root, err := tlog.TreeHash(size, hashes(stored))
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("parledger/test\n%d\n%s\nparledger-results cycle-1 %x\n", size, base64.StdEncoding.EncodeToString(root[:]), root[:])
	msg, err := note.Sign(&note.Note{Text: text}, wd.log)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wd.witnesses[:cosigners] {
		msg = append(msg, w.cosign(text, 1700000000)...)
	}
	put("checkpoint", msg)
	return text
}

// policy writes a trust policy for the events' genesis with quorum q and returns its path.
func (wd *world) policy(dir string, events []string, q int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# test policy\nparledger-trust-policy/1\n\nledger test\ngenesis %s\nlog %s\n", events[0][strings.Index(events[0], `"hash":"`)+8:][:64], wd.logVkey)
	for _, w := range wd.witnesses {
		fmt.Fprintf(&b, "witness %s\n", w.vkey)
	}
	fmt.Fprintf(&b, "quorum %d\n", q)
	p := filepath.Join(dir, "trust-policy.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		wd.t.Fatal(err)
	}
	return p
}

// expect runs tlogcheck and checks its exit code and that the output holds each of want.
func expect(t *testing.T, code int, want []string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	got := run(args, &out)
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if got != code || t.Failed() {
		t.Fatalf("tlogcheck %s: exit %d, want %d; output:\n%s", strings.Join(args, " "), got, code, out.String())
	}
	t.Logf("tlogcheck %s: exit %d\n%s", strings.Join(args, " "), got, out.String())
}

// edit applies f to the file at path under dir.
func edit(t *testing.T, dir, path string, f func([]byte) []byte) {
	p := filepath.Join(dir, filepath.FromSlash(path))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, f(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGoodLogs(t *testing.T) {
	wd := newWorld(t)
	for _, n := range []int{1, 255, 256, 257, 70000} {
		dir := t.TempDir()
		evs := lines(n, "s")
		wd.write(dir, evs, 2)
		expect(t, 0, []string{fmt.Sprintf("OK: parledger/test %d entries", n), "2 of 2 witnesses cosign (quorum 2)"},
			"--policy", wd.policy(t.TempDir(), evs, 2), dir)
	}
}

func TestServedOverHTTPWithMirror(t *testing.T) {
	wd := newWorld(t)
	big, small := t.TempDir(), t.TempDir()
	evs := lines(600, "s")
	wd.write(big, evs, 2)
	wd.write(small, evs[:300], 1)
	srv := httptest.NewServer(http.FileServer(http.Dir(big)))
	defer srv.Close()
	expect(t, 0, []string{"is a prefix of", "OK: parledger/test 600 entries", "OK: parledger/test 300 entries, root", "1 of 2"},
		"--policy", wd.policy(t.TempDir(), evs, 1), srv.URL+"/", small)
}

func TestUnknownSignerIgnored(t *testing.T) {
	wd := newWorld(t)
	dir, evs := t.TempDir(), lines(257, "s")
	text := wd.write(dir, evs, 2)
	other := newWitness(t, "stranger.example")
	edit(t, dir, "checkpoint", func(b []byte) []byte { return append(b, other.cosign(text, 5)...) })
	expect(t, 0, []string{`ignoring a signature by "stranger.example"`, "OK:"}, "--policy", wd.policy(t.TempDir(), evs, 2), dir)
}

func TestDamageIsRefused(t *testing.T) {
	flip := func(i int) func([]byte) []byte {
		return func(b []byte) []byte { b[i] ^= 1; return b }
	}
	cases := []struct {
		name, path string
		quorum     int
		cosigners  int
		change     func(t *testing.T, wd *world, dir, text string)
		want       string
	}{
		{"level-0 tile byte", "tile/0/000", 2, 2, nil, "tile/0/000 differs"},
		{"level-1 partial tile byte", "tile/1/000.p/1", 2, 2, nil, "tile/1/000.p/1 differs"},
		{"entry changed", "tile/entries/001.p/1", 2, 2, nil, "checkpoint root"},
		{"event line changed", "events/001.p/1", 2, 2, nil, "events/001.p/1: line 1"},
		{"cosignature corrupted", "", 2, 2, func(t *testing.T, wd *world, dir, text string) {
			line := wd.witnesses[1].cosign(text, 1700000000)
			blob, _ := base64.StdEncoding.DecodeString(strings.Fields(line)[2])
			blob[40] ^= 1 // a byte of the Ed25519 signature
			bad := "— " + wd.witnesses[1].name + " " + base64.StdEncoding.EncodeToString(blob) + "\n"
			edit(t, dir, "checkpoint", func(b []byte) []byte { return bytes.Replace(b, []byte(line), []byte(bad), 1) })
		}, "cosignature by policy witness witness.example/b: signature does not verify"},
		{"quorum not met", "", 2, 1, nil, "1 of 2 witnesses cosign, quorum is 2"},
		{"log signature by another key", "", 2, 2, func(t *testing.T, wd *world, dir, text string) {
			skey, _, _ := note.GenerateKey(rand.Reader, "parledger/test")
			s, _ := note.NewSigner(skey)
			msg, _ := note.Sign(&note.Note{Text: text}, s)
			os.WriteFile(filepath.Join(dir, "checkpoint"), msg, 0o644)
		}, "no valid signature by the policy's log key"},
		{"partial tile missing", "", 2, 2, func(t *testing.T, wd *world, dir, text string) {
			os.Remove(filepath.Join(dir, "tile", "0", "001.p", "1"))
		}, "tile/0/001.p/1: missing"},
		{"genesis differs", "", 2, 2, func(t *testing.T, wd *world, dir, text string) {
			wd.write(dir, lines(257, "other"), 2)
		}, "not the policy's genesis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wd := newWorld(t)
			dir, evs := t.TempDir(), lines(257, "s")
			text := wd.write(dir, evs, c.cosigners)
			if c.path != "" {
				edit(t, dir, c.path, flip(20))
			}
			if c.change != nil {
				c.change(t, wd, dir, text)
			}
			expect(t, 1, []string{"FAILED: ", c.want}, "--policy", wd.policy(t.TempDir(), evs, c.quorum), dir)
		})
	}
}

func TestForkIsReported(t *testing.T) {
	wd := newWorld(t)
	a, b := t.TempDir(), t.TempDir()
	evs := lines(300, "s")
	wd.write(a, evs, 2)
	wd.write(b, append(append([]string{}, evs[:200]...), lines(257, "fork")[200:]...), 2)
	expect(t, 1, []string{"FAILED: fork: " + b + " has size 257"}, "--policy", wd.policy(t.TempDir(), evs, 2), a, b)
}

func TestBadUsageAndPolicy(t *testing.T) {
	expect(t, 2, []string{"usage:"}, "somewhere")
	p := filepath.Join(t.TempDir(), "policy")
	os.WriteFile(p, []byte("parledger-trust-policy/1\nledger test\nmirror x\n"), 0o644)
	expect(t, 2, []string{`unknown item "mirror"`}, "--policy", p, t.TempDir())
}

// store adds the hashes entry i (the event line's hash) adds to the tree's stored hashes.
func store(t *testing.T, stored []tlog.Hash, i int, line string) ([]tlog.Hash, [32]byte) {
	var e [32]byte
	hex.Decode(e[:], []byte(line[strings.Index(line, `"hash":"`)+8:][:64]))
	hs, err := tlog.StoredHashes(int64(i), e[:], hashes(stored))
	if err != nil {
		t.Fatal(err)
	}
	return append(stored, hs...), e
}

// rootOf is the Merkle root of the first n event lines.
func rootOf(t *testing.T, events []string, n int) tlog.Hash {
	var stored []tlog.Hash
	for i, line := range events[:n] {
		stored, _ = store(t, stored, i, line)
	}
	root, err := tlog.TreeHash(int64(n), hashes(stored))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// withHandover adds to the policy at path a log-handover line: `by` hands parledger/test over to
// newVkey at size n (FORMAT.md, Log key rotation).
func withHandover(t *testing.T, path string, by note.Signer, newVkey string, n int, root tlog.Hash) {
	text := fmt.Sprintf("ParLedger log key handover\nparledger/test\n%s\n%d\n%s\n", newVkey, n, base64.StdEncoding.EncodeToString(root[:]))
	msg, err := note.Sign(&note.Note{Text: text}, by)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	data = append(data, "log-handover "+base64.StdEncoding.EncodeToString(msg)+"\n"...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLogKeyRotation(t *testing.T) {
	wd := newWorld(t)
	old := wd.log
	skey, newVkey, _ := note.GenerateKey(rand.Reader, "parledger/test")
	next, _ := note.NewSigner(skey)
	stranger := newWorld(t).log
	evs := lines(300, "r")
	policy := wd.policy(t.TempDir(), evs, 2)
	withHandover(t, policy, old, newVkey, 290, rootOf(t, evs, 290))

	wd.log = next
	rotated := t.TempDir()
	wd.write(rotated, evs, 2)
	expect(t, 0, []string{"OK: parledger/test 300 entries"}, "--policy", policy, rotated)

	wd.log = old
	retired := t.TempDir()
	wd.write(retired, evs, 2)
	expect(t, 1, []string{"does not sign tree size 300"}, "--policy", policy, retired)

	forged := wd.policy(t.TempDir(), evs, 2)
	withHandover(t, forged, stranger, newVkey, 290, rootOf(t, evs, 290))
	expect(t, 2, []string{"not signed by the log key before it"}, "--policy", forged, rotated)

	wrongRoot := wd.policy(t.TempDir(), evs, 2)
	withHandover(t, wrongRoot, old, newVkey, 300, rootOf(t, evs, 299))
	expect(t, 1, []string{"another root than the log key handover"}, "--policy", wrongRoot, rotated)
}
