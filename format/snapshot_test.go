package format

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/seize-dev/seize/sysabi"
)

func testSnapshot() *Snapshot {
	return &Snapshot{
		Pid: 42, Comm: "srv\x1b", Exe: "/bin/srv",
		Time: time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.Local),
		Held: 1234567 * time.Nanosecond,
		Threads: []SnapshotThread{
			{Tid: 42, Comm: "srv", State: 'S', OffCPU: 1503 * time.Millisecond, Held: true, IP: 0x7f00, SP: 0x7ff0,
				Syscall: &Syscall{Name: "read", Nr: 0, Arch: sysabi.ArchX86_64, Raw: [6]uint64{3, 0x1000, 64}, NRaw: 3, Args: []byte("3</etc/passwd>, 0x1000, 64")}},
			{Tid: 43, Comm: "worker", State: 'R', OffCPU: -1, Held: true, IP: 0x55f0, SP: 0x7ff8,
				Code: &CodeLocation{File: "/bin/srv", Offset: 0x5f0, Symbol: "spin", SymOff: 0x10}},
			{Tid: 44, Comm: "io", State: 'D', OffCPU: -1, IP: 0x7f10, Wchan: "io_schedule",
				Syscall: &Syscall{Name: "fsync", Nr: 74, Arch: sysabi.ArchX86_64, Raw: [6]uint64{5}, NRaw: 1, Args: []byte("5")}},
			{Tid: 45, Comm: "gone", State: 'Z', OffCPU: -1, Note: "exited"},
		},
	}
}

// TestSnapshotText pins the table down: columns, the header, the
// remarks, and escaping of names.
func TestSnapshotText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSnapshotText(&b, testSnapshot()); err != nil {
		t.Fatal(err)
	}
	want := `process 42 (srv\x1b), 4 threads, at 2025-03-14 15:09:26.535897, held 1.235 ms
    TID NAME            STATE             FOR  WHERE
     42 srv             sleeping       1.503s  read(3</etc/passwd>, 0x1000, 64)
     43 worker          running             -  user space, ip 0x55f0 in spin+0x10 (/bin/srv)
     44 io              disk-sleep          ?  fsync(5)  [not stopped: read from /proc, in kernel io_schedule]
     45 gone            zombie              -  exited
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestSnapshotJSON: one valid object of printable ASCII, with the fields
// of docs/snapshot.md.
func TestSnapshotJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSnapshotJSON(&b, testSnapshot()); err != nil {
		t.Fatal(err)
	}
	for _, c := range b.Bytes()[:b.Len()-1] {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("byte %#x in the JSON", c)
		}
	}
	var v struct {
		V       int     `json:"v"`
		Comm    string  `json:"comm"`
		Held    float64 `json:"held"`
		Threads []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if v.V != 1 || v.Comm != "srv\x1b" || v.Held != 0.001234567 || len(v.Threads) != 4 {
		t.Errorf("header: %+v", v)
	}
	th := v.Threads
	if th[0]["off_cpu"] != 1.503 || th[0]["syscall"].(map[string]any)["text"] != "read(3</etc/passwd>, 0x1000, 64)" {
		t.Errorf("thread 0: %v", th[0])
	}
	if _, ok := th[1]["off_cpu"]; ok || th[1]["code"].(map[string]any)["symbol"] != "spin" || th[1]["syscall"] != nil {
		t.Errorf("thread 1: %v", th[1])
	}
	if th[2]["held"] != false || th[2]["wchan"] != "io_schedule" || th[2]["state_name"] != "disk-sleep" {
		t.Errorf("thread 2: %v", th[2])
	}
	if _, ok := th[3]["ip"]; ok || th[3]["note"] != "exited" {
		t.Errorf("thread 3: %v", th[3])
	}
}
