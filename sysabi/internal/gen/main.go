// Command gen generates ../../zsyscalls.go, the system call tables of
// package sysabi.
//
// It is run by "go generate" in the sysabi directory:
//
//	//go:generate go run ./internal/gen
//
// The syscall numbers and names come from golang.org/x/sys/unix
// (zsysnum_linux_amd64.go, zsysnum_linux_386.go, zsysnum_linux_arm64.go) in
// the module cache, at the version required by go.mod. The number of
// arguments of each system call comes from internal/gen/arity.txt, a list
// of "name nargs [arch]" lines derived from the kernel's prototypes (see
// the comments in that file). Table names that differ from the name of the
// kernel function implementing them (for example x86_64 "stat", which is
// sys_newstat) are mapped by the aliases below, transcribed from the
// kernel's arch/x86/entry/syscalls/syscall_64.tbl, syscall_32.tbl and
// include/uapi/asm-generic/unistd.h.
//
// Flags:
//
//	-o file      output file (default zsyscalls.go)
//	-arity file  arity data (default internal/gen/arity.txt)
//	-xsys dir    root of the golang.org/x/sys module (default: ask "go list -m")
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// arch describes one architecture the tables are generated for.
type arch struct {
	name   string // AUDIT_ARCH name as printed by sysabi.Arch.String
	ident  string // Go identifier suffix
	goarch string // x/sys/unix file suffix
}

var arches = []arch{
	{name: "x86_64", ident: "X86_64", goarch: "amd64"},
	{name: "i386", ident: "I386", goarch: "386"},
	{name: "aarch64", ident: "AArch64", goarch: "arm64"},
}

// skip lists x/sys/unix SYS_ constants that are not system calls.
var skip = map[string]map[string]bool{
	// SYS_ARCH_SPECIFIC_SYSCALL is the base of the arch-specific range of
	// asm-generic/unistd.h, not a system call.
	"aarch64": {"arch_specific_syscall": true},
}

// renames maps x/sys/unix names (lowercased, without SYS_) to the names the
// kernel's syscall tables use, where the two differ. Older x/sys versions
// called arm64's __NR3264_fstatat (79) SYS_FSTATAT; the kernel (and strace)
// call it newfstatat on 64-bit architectures.
var renames = map[string]map[string]string{
	"aarch64": {"fstatat": "newfstatat"},
}

// aliases maps, per architecture, a syscall table name to the name of the
// kernel function (sys_NAME) that implements it, when they differ.
var aliases = map[string]map[string]string{
	// arch/x86/entry/syscalls/syscall_64.tbl
	"x86_64": {
		"stat":     "newstat",
		"fstat":    "newfstat",
		"lstat":    "newlstat",
		"sendfile": "sendfile64",
		"uname":    "newuname",
		"umount2":  "umount",
		"_sysctl":  "sysctl",
	},
	// arch/x86/entry/syscalls/syscall_32.tbl
	"i386": {
		"time":                         "time32",
		"lchown":                       "lchown16",
		"oldstat":                      "stat",
		"umount":                       "oldumount",
		"setuid":                       "setuid16",
		"getuid":                       "getuid16",
		"stime":                        "stime32",
		"oldfstat":                     "fstat",
		"utime":                        "utime32",
		"setgid":                       "setgid16",
		"getgid":                       "getgid16",
		"geteuid":                      "geteuid16",
		"getegid":                      "getegid16",
		"umount2":                      "umount",
		"oldolduname":                  "olduname",
		"setreuid":                     "setreuid16",
		"setregid":                     "setregid16",
		"getrlimit":                    "old_getrlimit",
		"getgroups":                    "getgroups16",
		"setgroups":                    "setgroups16",
		"select":                       "old_select",
		"oldlstat":                     "lstat",
		"readdir":                      "old_readdir",
		"mmap":                         "old_mmap",
		"fchown":                       "fchown16",
		"stat":                         "newstat",
		"lstat":                        "newlstat",
		"fstat":                        "newfstat",
		"olduname":                     "uname",
		"uname":                        "newuname",
		"adjtimex":                     "adjtimex_time32",
		"setfsuid":                     "setfsuid16",
		"setfsgid":                     "setfsgid16",
		"_llseek":                      "llseek",
		"_newselect":                   "select",
		"_sysctl":                      "sysctl",
		"sched_rr_get_interval":        "sched_rr_get_interval_time32",
		"nanosleep":                    "nanosleep_time32",
		"setresuid":                    "setresuid16",
		"getresuid":                    "getresuid16",
		"setresgid":                    "setresgid16",
		"getresgid":                    "getresgid16",
		"rt_sigtimedwait":              "rt_sigtimedwait_time32",
		"pread64":                      "ia32_pread64",
		"pwrite64":                     "ia32_pwrite64",
		"chown":                        "chown16",
		"ugetrlimit":                   "getrlimit",
		"mmap2":                        "mmap_pgoff",
		"truncate64":                   "ia32_truncate64",
		"ftruncate64":                  "ia32_ftruncate64",
		"lchown32":                     "lchown",
		"getuid32":                     "getuid",
		"getgid32":                     "getgid",
		"geteuid32":                    "geteuid",
		"getegid32":                    "getegid",
		"setreuid32":                   "setreuid",
		"setregid32":                   "setregid",
		"getgroups32":                  "getgroups",
		"setgroups32":                  "setgroups",
		"fchown32":                     "fchown",
		"setresuid32":                  "setresuid",
		"getresuid32":                  "getresuid",
		"setresgid32":                  "setresgid",
		"getresgid32":                  "getresgid",
		"chown32":                      "chown",
		"setuid32":                     "setuid",
		"setgid32":                     "setgid",
		"setfsuid32":                   "setfsuid",
		"setfsgid32":                   "setfsgid",
		"readahead":                    "ia32_readahead",
		"futex":                        "futex_time32",
		"io_getevents":                 "io_getevents_time32",
		"fadvise64":                    "ia32_fadvise64",
		"timer_settime":                "timer_settime32",
		"timer_gettime":                "timer_gettime32",
		"clock_settime":                "clock_settime32",
		"clock_gettime":                "clock_gettime32",
		"clock_getres":                 "clock_getres_time32",
		"clock_nanosleep":              "clock_nanosleep_time32",
		"utimes":                       "utimes_time32",
		"fadvise64_64":                 "ia32_fadvise64_64",
		"mq_timedsend":                 "mq_timedsend_time32",
		"mq_timedreceive":              "mq_timedreceive_time32",
		"futimesat":                    "futimesat_time32",
		"pselect6":                     "pselect6_time32",
		"ppoll":                        "ppoll_time32",
		"sync_file_range":              "ia32_sync_file_range",
		"utimensat":                    "utimensat_time32",
		"fallocate":                    "ia32_fallocate",
		"timerfd_settime":              "timerfd_settime32",
		"timerfd_gettime":              "timerfd_gettime32",
		"recvmmsg":                     "recvmmsg_time32",
		"clock_adjtime":                "clock_adjtime32",
		"io_pgetevents":                "io_pgetevents_time32",
		"clock_gettime64":              "clock_gettime",
		"clock_settime64":              "clock_settime",
		"clock_adjtime64":              "clock_adjtime",
		"clock_getres_time64":          "clock_getres",
		"clock_nanosleep_time64":       "clock_nanosleep",
		"timer_gettime64":              "timer_gettime",
		"timer_settime64":              "timer_settime",
		"timerfd_gettime64":            "timerfd_gettime",
		"timerfd_settime64":            "timerfd_settime",
		"utimensat_time64":             "utimensat",
		"pselect6_time64":              "pselect6",
		"ppoll_time64":                 "ppoll",
		"io_pgetevents_time64":         "io_pgetevents",
		"recvmmsg_time64":              "recvmmsg",
		"mq_timedsend_time64":          "mq_timedsend",
		"mq_timedreceive_time64":       "mq_timedreceive",
		"semtimedop_time64":            "semtimedop",
		"rt_sigtimedwait_time64":       "rt_sigtimedwait",
		"futex_time64":                 "futex",
		"sched_rr_get_interval_time64": "sched_rr_get_interval",
	},
	// include/uapi/asm-generic/unistd.h (64-bit: __SC_3264 picks the
	// second function)
	"aarch64": {
		"fstat":     "newfstat",
		"sendfile":  "sendfile64",
		"fadvise64": "fadvise64_64",
		"umount2":   "umount",
		"uname":     "newuname",
	},
}

var sysRE = regexp.MustCompile(`^\s*SYS_([A-Z0-9_]+)\s*=\s*([0-9]+)\s*(//.*)?$`)

type entry struct {
	name  string
	nr    int
	nargs int
	known bool
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	out := flag.String("o", "zsyscalls.go", "output file")
	arityFile := flag.String("arity", filepath.Join("internal", "gen", "arity.txt"), "arity data file")
	xsys := flag.String("xsys", "", "root directory of the golang.org/x/sys module (default: from go list -m)")
	flag.Parse()

	dir, version, err := locateXSys(*xsys)
	if err != nil {
		log.Fatal(err)
	}
	generic, perArch, err := readArity(*arityFile)
	if err != nil {
		log.Fatal(err)
	}

	var buf bytes.Buffer
	buf.WriteString("// Code generated by \"go run ./internal/gen\"; DO NOT EDIT.\n\n")
	fmt.Fprintf(&buf, "// Sources: golang.org/x/sys %s unix/zsysnum_linux_{amd64,386,arm64}.go\n", version)
	buf.WriteString("// for names and numbers, internal/gen/arity.txt for argument counts.\n\n")
	buf.WriteString("package sysabi\n\n")

	for _, a := range arches {
		path := filepath.Join(dir, "unix", "zsysnum_linux_"+a.goarch+".go")
		entries, err := readSysnum(path, a.name)
		if err != nil {
			log.Fatal(err)
		}
		var missing []string
		for i := range entries {
			e := &entries[i]
			fn := e.name
			if al, ok := aliases[a.name][fn]; ok {
				fn = al
			}
			if n, ok := perArch[a.name][fn]; ok {
				e.nargs, e.known = n, true
			} else if n, ok := generic[fn]; ok {
				e.nargs, e.known = n, true
			} else {
				e.nargs = 6
				missing = append(missing, e.name)
			}
		}
		for tbl, fn := range aliases[a.name] {
			if _, ok := perArch[a.name][fn]; ok {
				continue
			}
			if _, ok := generic[fn]; !ok {
				log.Fatalf("%s: alias %s -> %s: no arity for %s", a.name, tbl, fn, fn)
			}
		}
		fmt.Fprintf(os.Stderr, "gen: %s: %d syscalls (highest %d), %d without arity: %s\n",
			a.name, len(entries), entries[len(entries)-1].nr, len(missing), strings.Join(missing, " "))
		writeArch(&buf, a, entries, missing)
	}

	src, err := format.Source(buf.Bytes())
	if err != nil {
		log.Fatalf("formatting output: %v", err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeArch(buf *bytes.Buffer, a arch, entries []entry, missing []string) {
	last := entries[len(entries)-1].nr
	fmt.Fprintf(buf, "// %s: %d system calls, numbers 0 to %d.\n", a.name, len(entries), last)
	if len(missing) > 0 {
		buf.WriteString(wrapComment("Without a known prototype (nargs 6): " + strings.Join(missing, ", ") + "."))
	}
	fmt.Fprintf(buf, "var sysent%s = [%d]sysent{\n", a.ident, last+1)
	for _, e := range entries {
		if e.known {
			fmt.Fprintf(buf, "\t%d: {%q, %d},\n", e.nr, e.name, e.nargs)
		} else {
			fmt.Fprintf(buf, "\t%d: {%q, %d}, // arity unknown\n", e.nr, e.name, e.nargs)
		}
	}
	buf.WriteString("}\n\n")

	byName := append([]entry(nil), entries...)
	sort.Slice(byName, func(i, j int) bool { return byName[i].name < byName[j].name })
	fmt.Fprintf(buf, "// sysnames%s lists the %s system calls sorted by name.\n", a.ident, a.name)
	fmt.Fprintf(buf, "var sysnames%s = [%d]sysname{\n", a.ident, len(byName))
	for _, e := range byName {
		fmt.Fprintf(buf, "\t{%q, %d},\n", e.name, e.nr)
	}
	buf.WriteString("}\n\n")
}

// wrapComment formats text as // comment lines of at most about 76
// characters.
func wrapComment(text string) string {
	var b strings.Builder
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 76 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// readSysnum parses an x/sys/unix zsysnum file.
func readSysnum(path, archName string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []entry
	seenNr := map[int]string{}
	seenName := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := sysRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name := strings.ToLower(m[1])
		if skip[archName][name] {
			continue
		}
		if r, ok := renames[archName][name]; ok {
			name = r
		}
		nr, err := strconv.Atoi(m[2])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if nr > 0xffff {
			return nil, fmt.Errorf("%s: %s: number %d too large", path, name, nr)
		}
		if prev, ok := seenNr[nr]; ok {
			return nil, fmt.Errorf("%s: %s and %s share number %d", path, prev, name, nr)
		}
		if seenName[name] {
			return nil, fmt.Errorf("%s: duplicate name %s", path, name)
		}
		seenNr[nr], seenName[name] = name, true
		entries = append(entries, entry{name: name, nr: nr})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no SYS_ constants found", path)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].nr < entries[j].nr })
	return entries, nil
}

// readArity parses arity.txt: "name nargs" or "name nargs arch" lines,
// '#' starts a comment.
func readArity(path string) (generic map[string]int, perArch map[string]map[string]int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, a := range arches {
		known[a.name] = true
	}
	generic = map[string]int{}
	perArch = map[string]map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 && len(f) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: want \"name nargs [arch]\"", path, i+1)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 || n > 6 {
			return nil, nil, fmt.Errorf("%s:%d: bad argument count %q", path, i+1, f[1])
		}
		m := generic
		if len(f) == 3 {
			if !known[f[2]] {
				return nil, nil, fmt.Errorf("%s:%d: unknown arch %q", path, i+1, f[2])
			}
			if perArch[f[2]] == nil {
				perArch[f[2]] = map[string]int{}
			}
			m = perArch[f[2]]
		}
		if _, dup := m[f[0]]; dup {
			return nil, nil, fmt.Errorf("%s:%d: duplicate entry for %s", path, i+1, f[0])
		}
		m[f[0]] = n
	}
	return generic, perArch, nil
}

// locateXSys returns the directory and version of the golang.org/x/sys
// module required by the main module.
func locateXSys(dir string) (string, string, error) {
	if dir != "" {
		_, version, _ := strings.Cut(filepath.Base(dir), "@")
		return dir, version, nil
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}\t{{.Version}}", "golang.org/x/sys").Output()
	if err == nil {
		d, v, _ := strings.Cut(strings.TrimSpace(string(out)), "\t")
		if d != "" {
			return d, v, nil
		}
	}
	// Fall back to GOMODCACHE and the version in go.mod.
	version, verr := xsysVersionFromGoMod()
	if verr != nil {
		return "", "", errors.Join(fmt.Errorf("go list -m golang.org/x/sys: %v", err), verr)
	}
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOMODCACHE: %v", err)
	}
	d := filepath.Join(strings.TrimSpace(string(cache)), "golang.org", "x", "sys@"+version)
	if _, err := os.Stat(d); err != nil {
		return "", "", err
	}
	return d, version, nil
}

// xsysVersionFromGoMod finds the golang.org/x/sys requirement in the
// nearest enclosing go.mod.
func xsysVersionFromGoMod() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				f := strings.Fields(line)
				if len(f) >= 2 && f[0] == "require" {
					f = f[1:]
				}
				if len(f) >= 2 && f[0] == "golang.org/x/sys" {
					return f[1], nil
				}
			}
			return "", fmt.Errorf("%s: no golang.org/x/sys requirement", filepath.Join(d, "go.mod"))
		}
		if filepath.Dir(d) == d {
			return "", errors.New("go.mod not found")
		}
	}
}
