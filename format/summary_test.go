package format

import (
	"bytes"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

func TestSummaryTable(t *testing.T) {
	var s Summary
	x := sysabi.ArchX86_64
	s.Add(x, 0, "read", time.Millisecond, false)
	s.Add(x, 0, "read", time.Millisecond, false)
	s.Add(x, 257, "openat", 500*time.Microsecond, true)
	s.Add(x, 3, "close", 0, false)
	var b bytes.Buffer
	if err := s.WriteTable(&b, SortTime); err != nil {
		t.Fatal(err)
	}
	want := "% time     seconds  usecs/call     calls    errors syscall\n" +
		"------ ----------- ----------- --------- --------- ----------------\n" +
		" 80.00    0.002000        1000         2           read\n" +
		" 20.00    0.000500         500         1         1 openat\n" +
		"  0.00    0.000000           0         1           close\n" +
		"------ ----------- ----------- --------- --------- ----------------\n" +
		"100.00    0.002500         625         4         1 total\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}

	// Columns grow as strace's do: a long name, many calls, long times;
	// an i386 table follows under its heading.
	var big Summary
	for i := 0; i < 1234567; i += 1000 {
		big.Add(x, 203, "sched_setaffinity_with_a_long_name", 12*time.Second, i%2000 == 0)
	}
	big.Add(sysabi.ArchI386, 3, "read", time.Millisecond, false)
	b.Reset()
	big.WriteTable(&b, SortCalls)
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "% time      seconds  usecs/call     calls    errors syscall" ||
		lines[1] != "------ ------------ ----------- --------- --------- -----------------------------------" {
		t.Errorf("wide table header:\n%s", strings.Join(lines[:2], "\n"))
	}
	if lines[5] != "System call usage summary for 32 bit mode:" {
		t.Errorf("line 5 %q, want the i386 heading", lines[5])
	}
}

func TestSortBy(t *testing.T) {
	for s, want := range map[string]SortBy{"time": SortTime, "calls": SortCalls, "count": SortCalls, "errors": SortErrors,
		"name": SortName, "syscall": SortName, "nothing": SortNothing, "max-time": SortMaxTime, "avg_time": SortAvgTime} {
		if got, ok := ParseSortBy(s); !ok || got != want {
			t.Errorf("ParseSortBy(%q) = %v %v", s, got, ok)
		}
	}
	if _, ok := ParseSortBy("bogus"); ok {
		t.Error("bogus accepted")
	}
}

func TestJSONWriter(t *testing.T) {
	var b bytes.Buffer
	j := NewJSON(&b)
	c := &Syscall{Pid: 7, Tid: 8, Name: "openat", Nr: 257, Arch: sysabi.ArchX86_64, Raw: [6]uint64{0xffffff9c, 0x1000, 0},
		NRaw: 3, Args: []byte(`AT_FDCWD, "x", O_RDONLY`), Result: "-1 ENOENT (No such file or directory)", Ret: -2, Errno: 2,
		Status: "failed", Start: t0, Dur: 1500 * time.Nanosecond}
	j.Unfinished(c)
	c.Resumed = true
	j.Syscall(c)
	var si ptrace.SigInfo
	si.Signo = int32(syscall.SIGCHLD)
	si.Code = 1
	j.Signal(t0, 7, 8, syscall.SIGCHLD, &si)
	j.Exit(t0, 7, 8, ptrace.Status(3<<8))
	j.Exit(t0, 7, 8, ptrace.Status(int(syscall.SIGKILL)))
	j.Attached(t0, 7, 9, 8, "thread")
	j.Exec(t0, 7, 7, 9, "/bin/true", "true")
	j.Flush()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		checkSafeJSON(t, l, []byte(l))
	}
	var o map[string]any
	json.Unmarshal([]byte(lines[1]), &o)
	for k, want := range map[string]any{"v": 1.0, "kind": "syscall", "pid": 7.0, "tid": 8.0, "name": "openat", "ret": -2.0,
		"errno": "ENOENT", "errno_code": 2.0, "dur": 1.5e-6, "resumed": true, "status": "failed", "arch": "x86_64"} {
		if o[k] != want {
			t.Errorf("%s = %v, want %v", k, o[k], want)
		}
	}
	if raw := o["args_raw"].([]any); len(raw) != 3 || raw[0] != "0xffffff9c" || raw[2] != "0" {
		t.Errorf("args_raw %v", raw)
	}
	if !strings.HasPrefix(lines[0], `{"v":1,"kind":"unfinished","time":`) || strings.Contains(lines[0], `"ret"`) {
		t.Errorf("unfinished: %s", lines[0])
	}
	for i, want := range []string{`"si_code":"CLD_EXITED"`, `"kind":"exit"`, `"kind":"killed"`, `"how":"thread","parent":8`, `"old_tid":9,"exe":"/bin/true"`} {
		if !strings.Contains(lines[i+2], want) {
			t.Errorf("line %d %s lacks %s", i+2, lines[i+2], want)
		}
	}
}

func TestPerfettoWriter(t *testing.T) {
	var b bytes.Buffer
	p := NewPerfetto(&b)
	p.ProcessBegin(t0, 7, "start")
	p.Name(7, 7, "prog")
	p.NewTask(t0.Add(time.Millisecond), t0.Add(time.Millisecond), 7, 7, 7, 8, "thread")
	p.Syscall(&Syscall{Pid: 7, Tid: 8, Name: "read", Args: []byte(`0, "\33"`), Result: "1", Status: "successful",
		Start: t0.Add(2 * time.Millisecond), Dur: 1500 * time.Nanosecond})
	p.Stopped(t0.Add(3*time.Millisecond), 7, 8, syscall.SIGTSTP)
	p.Flush()
	// Truncated: the format allows a missing "]".
	if !json.Valid(append(bytes.TrimSuffix(b.Bytes(), []byte(",\n")), ']')) {
		t.Errorf("flushed trace plus ] is not JSON:\n%s", b.String())
	}
	p.Close(t0.Add(4 * time.Millisecond))
	var evs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &evs); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	checkSafeJSON(t, "perfetto", b.Bytes())
	var phases []string
	for _, e := range evs {
		phases = append(phases, e["ph"].(string))
		if e["ph"] == "X" && e["name"] == "read" {
			if e["ts"] != 2000.0 || e["dur"] != 1.5 || e["tid"] != 8.0 {
				t.Errorf("read slice %v", e)
			}
		}
		if e["ph"] == "X" && e["name"] == "stopped (SIGTSTP)" && e["dur"] != 1000.0 {
			t.Errorf("stop slice %v, want 1 ms ended by Close", e)
		}
	}
	if got := strings.Join(phases, ""); got != "bMMsifXXe" {
		t.Errorf("phases %s", got)
	}
}

// TestJSONNoAllocs: once its buffer has grown, the JSON writer writes a
// syscall object, strings and structures included, without allocating.
func TestJSONNoAllocs(t *testing.T) {
	var b bytes.Buffer
	j := NewJSON(&b)
	c := &Syscall{Pid: 7, Tid: 8, Name: "newfstatat", Nr: 262, Arch: sysabi.ArchX86_64, NRaw: 4,
		Args:   []byte(`AT_FDCWD, "/etc/\33passwd"..., {st_mode=S_IFREG|0644, st_size=3, ...}, [INT TERM], 0`),
		Result: "0", Status: "successful", Start: t0, Dur: time.Microsecond}
	n := testing.AllocsPerRun(1000, func() {
		b.Reset()
		j.Syscall(c)
		j.Flush()
	})
	if n != 0 {
		t.Errorf("%v allocations per syscall object", n)
	}
}
