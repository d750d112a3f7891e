package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// docPage is the user documentation whose examples TestSnapshotDocExample
// produces.
const docPage = "../../docs/snapshot.md"

// TestSnapshotDocExample runs the examples of docs/snapshot.md and
// compares their output, normalised (pids, addresses, times, inode
// numbers, the program's path), with the page, so that the page cannot
// drift from what seize prints. SEIZE_UPDATE_DOCS=1 rewrites the examples
// in the page instead.
func TestSnapshotDocExample(t *testing.T) {
	tracee := testprog.Tracee(t)
	sp := startSnapProg(t)
	time.Sleep(500 * time.Millisecond)
	text := snapshot(t, strconv.Itoa(sp.p.Pid))
	rd := testprog.Start(t, "read")
	inCall(t, rd.Pid, 0)
	time.Sleep(200 * time.Millisecond)
	js := snapshot(t, "--format", "json", strconv.Itoa(rd.Pid))

	n := newDocNormaliser(tracee)
	textBlock := "```\n$ seize snapshot " + n.id(strconv.Itoa(sp.p.Pid)) + "\n" + n.text(text) + "```\n"
	n = newDocNormaliser(tracee)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(n.json(js)), "", "  "); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	jsonBlock := "```\n$ seize snapshot --format json " + n.id(strconv.Itoa(rd.Pid)) + "\n" + strings.TrimSuffix(pretty.String(), "\n") + "\n```\n"

	page, err := os.ReadFile(docPage)
	if err != nil {
		t.Fatal(err)
	}
	updated := string(page)
	for _, ex := range []struct{ name, block string }{{"text", textBlock}, {"json", jsonBlock}} {
		begin := "<!-- example " + ex.name + ": written by TestSnapshotDocExample -->\n"
		end := "<!-- end of example " + ex.name + " -->"
		i, j := strings.Index(updated, begin), strings.Index(updated, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no %q ... %q", docPage, begin, end)
		}
		if got := updated[i+len(begin) : j]; got != ex.block {
			if os.Getenv("SEIZE_UPDATE_DOCS") == "1" {
				updated = updated[:i+len(begin)] + ex.block + updated[j:]
				continue
			}
			t.Errorf("the %s example of %s differs from seize's output (normalised); run with SEIZE_UPDATE_DOCS=1 to update it. seize printed:\n%s\nthe page has:\n%s", ex.name, docPage, lastLines(ex.block, 20), lastLines(got, 20))
		}
	}
	if updated != string(page) {
		if err := os.WriteFile(docPage, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", docPage)
	}
}

// docNormaliser replaces what changes from run to run by stable values,
// each distinct value by the same stand-in everywhere.
type docNormaliser struct {
	tracee string
	ids    map[string]string
	addrs  map[uint64]uint64
	inodes map[string]string
	durs   int
}

func newDocNormaliser(tracee string) *docNormaliser {
	return &docNormaliser{tracee: tracee, ids: map[string]string{}, addrs: map[uint64]uint64{}, inodes: map[string]string{}}
}

// id maps a pid or tid: 4242, 4244, 4245, ... in order of appearance.
func (n *docNormaliser) id(s string) string {
	if v, ok := n.ids[s]; ok {
		return v
	}
	v := strconv.Itoa(4242 + len(n.ids))
	n.ids[s] = v
	return v
}

// addr maps an address, keeping its region: the program's (0x55...,
// 0x56...) or the libraries' and stacks' (0x7f...).
func (n *docNormaliser) addr(v uint64) uint64 {
	if w, ok := n.addrs[v]; ok {
		return w
	}
	base := uint64(0x7f3a5c000000)
	if v < 0x700000000000 {
		base = 0x55d0c4200000
	}
	w := base + uint64(len(n.addrs))*0x10a30 // layout-independent: a changed test program must not change the page
	n.addrs[v] = w
	return w
}

func (n *docNormaliser) inode(s string) string {
	if v, ok := n.inodes[s]; ok {
		return v
	}
	v := strconv.Itoa(81620 + 2*len(n.inodes))
	n.inodes[s] = v
	return v
}

var (
	reDocHex    = regexp.MustCompile(`0x[0-9a-f]{9,}`)
	reDocInode  = regexp.MustCompile(`(pipe|socket):\[(\d+)\]`)
	reDocSymOff = regexp.MustCompile(`(sn_spin_loop)\+0x[0-9a-f]+`)
)

// common replaces what both renderings share.
func (n *docNormaliser) common(s string) string {
	s = strings.ReplaceAll(s, n.tracee, "/usr/local/bin/tracee")
	s = reDocInode.ReplaceAllStringFunc(s, func(m string) string {
		sm := reDocInode.FindStringSubmatch(m)
		return sm[1] + ":[" + n.inode(sm[2]) + "]"
	})
	s = reDocHex.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.ParseUint(m[2:], 16, 64)
		return fmt.Sprintf("%#x", n.addr(v))
	})
	return reDocSymOff.ReplaceAllString(s, "${1}+0x15")
}

var (
	reTextHeader = regexp.MustCompile(`^process (\d+) \((.*)\), (.*), at .*, held [\d.]+ ms$`)
	reTextRow    = regexp.MustCompile(`^ *(\d+)( .{15} .{12} )( *)(\d+\.\d{3}s|-|\?)(  .*)$`)
	// Durations of the example's rows: about the half second the test
	// waits, each thread having gone to sleep a little later.
	docDurs = []string{"0.503s", "0.503s", "0.502s", "0.502s", "0.502s", "0.501s", "0.501s"}
)

func (n *docNormaliser) text(s string) string {
	lines := traceLines(n.common(s))
	for i, l := range lines {
		if m := reTextHeader.FindStringSubmatch(l); m != nil {
			lines[i] = fmt.Sprintf("process %s (%s), %s, at 2025-03-14 15:09:26.535897, held 3.912 ms", n.id(m[1]), m[2], m[3])
			continue
		}
		if m := reTextRow.FindStringSubmatch(l); m != nil && i > 1 {
			d := m[4]
			if strings.HasSuffix(d, "s") {
				d = docDurs[n.durs%len(docDurs)]
				n.durs++
			}
			lines[i] = fmt.Sprintf("%7s%s%s%s%s", n.id(m[1]), m[2], m[3], d, m[5])
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

var (
	reJSONID   = regexp.MustCompile(`"(pid|tid)":(\d+)`)
	reJSONInt  = regexp.MustCompile(`"int":(\d{10,})`)
	reJSONTime = regexp.MustCompile(`"(time|held|off_cpu)":[\d.]+`)
	reJSONOff  = regexp.MustCompile(`"offset":"0x[0-9a-f]+"`)
)

func (n *docNormaliser) json(s string) string {
	s = n.common(s)
	s = reJSONID.ReplaceAllStringFunc(s, func(m string) string {
		sm := reJSONID.FindStringSubmatch(m)
		return `"` + sm[1] + `":` + n.id(sm[2])
	})
	s = reJSONInt.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.ParseUint(reJSONInt.FindStringSubmatch(m)[1], 10, 64)
		return `"int":` + strconv.FormatUint(n.addr(v), 10)
	})
	s = reJSONTime.ReplaceAllStringFunc(s, func(m string) string {
		switch k := reJSONTime.FindStringSubmatch(m)[1]; k {
		case "time":
			return `"time":1741964966.535897`
		case "held":
			return `"held":0.001102374`
		default:
			return `"off_cpu":0.201318554`
		}
	})
	return reJSONOff.ReplaceAllString(s, `"offset":"0x1b55"`)
}
