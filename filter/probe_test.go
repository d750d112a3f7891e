package filter

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/seize-dev/seize/sysabi"
)

// buildProbe compiles testdata/sysprobe.c, a program without a C library,
// for arch (x86_64 or, with cc -m32, i386) into a temporary directory. It
// skips the test when the machine cannot build or run it, but fails if cc
// exists and cannot build the native x86_64 probe.
func buildProbe(t *testing.T, arch sysabi.Arch) string {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("sysprobe runs on x86_64 Linux only")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no cc to build testdata/sysprobe.c")
	}
	out := filepath.Join(t.TempDir(), "sysprobe-"+arch.String())
	args := []string{"-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector",
		"-fno-pie", "-no-pie", "-fno-builtin", "-O1", "-Wall", "-Werror", "-o", out, "testdata/sysprobe.c"}
	if arch == sysabi.ArchI386 {
		args = append([]string{"-m32"}, args...)
	}
	if msg, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		if arch == sysabi.ArchI386 {
			t.Skipf("cc cannot build i386 programs: %v: %s", err, firstLine(msg))
		}
		t.Fatalf("cc %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return out
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}

// probeNumbers returns every named system call number of arch that the
// probe may call. x86_64's uretprobe and uprobe are left out: outside a
// probe trampoline the kernel answers them with SIGILL before seccomp runs.
func probeNumbers(arch sysabi.Arch) []uint64 {
	var nrs []uint64
	for n := uint64(0); n < maxNr; n++ {
		name := sysabi.SyscallName(arch, n)
		if strings.HasPrefix(name, "syscall_") || name == "uretprobe" || name == "uprobe" {
			continue
		}
		nrs = append(nrs, n)
	}
	return nrs
}

func numberArgs(nrs []uint64) []string {
	args := make([]string, len(nrs))
	for i, n := range nrs {
		args[i] = strconv.FormatUint(n, 10)
	}
	return args
}

// encodeFilter returns the program as the kernel's struct sock_filter
// array (native, here little-endian, byte order).
func encodeFilter(raw []bpf.RawInstruction) []byte {
	var b bytes.Buffer
	for _, r := range raw {
		var rec [8]byte
		binary.LittleEndian.PutUint16(rec[0:], r.Op)
		rec[2], rec[3] = r.Jt, r.Jf
		binary.LittleEndian.PutUint32(rec[4:], r.K)
		b.Write(rec[:])
	}
	return b.Bytes()
}

// runFilterProbe installs raw in a child of the probe, which calls every
// number in nrs with the arguments (-1, 0, 0, 0, 0, 0), and returns each
// call's result (a negative errno on failure).
func runFilterProbe(t *testing.T, probe string, raw []bpf.RawInstruction, nrs []uint64) map[uint64]int64 {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "filter.bin")
	if err := os.WriteFile(file, encodeFilter(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(probe, append([]string{"filter", file}, numberArgs(nrs)...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sysprobe filter: %v: %s", err, firstLine(stderr.Bytes()))
	}
	res := make(map[uint64]int64)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			t.Fatalf("sysprobe filter: bad line %q", sc.Text())
		}
		n, err1 := strconv.ParseUint(f[0], 10, 64)
		r, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("sysprobe filter: bad line %q", sc.Text())
		}
		res[n] = r
	}
	if len(res) != len(nrs) {
		t.Fatalf("sysprobe filter: %d results for %d calls", len(res), len(nrs))
	}
	return res
}
