package sysabi

import (
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// maxErrno is the highest errno value visible to user space on the
// supported architectures (EHWPOISON, include/uapi/asm-generic/errno.h).
const maxErrno = 133

// errnoNameFixes overrides names from unix.ErrnoName where strace and
// glibc's errno list use a different name for the same value.
var errnoNameFixes = map[int]string{
	95: "EOPNOTSUPP", // unix.ErrnoName says ENOTSUP, an alias
}

// errnoTextFixes overrides texts from unix.Errno.Error that do not match
// glibc's strerror.
var errnoTextFixes = map[int]string{
	133: "Memory page has hardware error", // missing from syscall's table
}

// errnoAliases are accepted by ErrnoNumber in addition to the names
// ErrnoName returns.
var errnoAliases = map[string]int{
	"EWOULDBLOCK": 11,
	"EDEADLOCK":   35,
	"ENOTSUP":     95,
}

type errnoEntry struct {
	name string
	text string
}

// kernelErrnos are the kernel-internal error codes of include/linux/errno.h
// (512 and up), which a tracer sees in syscall return values when a
// system call is interrupted by a signal. Texts are the ones strace prints;
// codes strace has no text for get glibc's "Unknown error N". Index
// e-512.
var kernelErrnos = [...]errnoEntry{
	{"ERESTARTSYS", "To be restarted if SA_RESTART is set"}, // 512
	{"ERESTARTNOINTR", "To be restarted"},                   // 513
	{"ERESTARTNOHAND", "To be restarted if no handler"},     // 514
	{"ENOIOCTLCMD", "Unknown error 515"},                    // 515
	{"ERESTART_RESTARTBLOCK", "Interrupted by signal"},      // 516
	{"EPROBE_DEFER", "Unknown error 517"},                   // 517
	{"EOPENSTALE", "Unknown error 518"},                     // 518
	{"ENOPARAM", "Unknown error 519"},                       // 519
	{},                                                      // 520: unused
	{"EBADHANDLE", "Unknown error 521"},                     // 521
	{"ENOTSYNC", "Unknown error 522"},                       // 522
	{"EBADCOOKIE", "Unknown error 523"},                     // 523
	{"ENOTSUPP", "Unknown error 524"},                       // 524
	{"ETOOSMALL", "Unknown error 525"},                      // 525
	{"ESERVERFAULT", "Unknown error 526"},                   // 526
	{"EBADTYPE", "Unknown error 527"},                       // 527
	{"EJUKEBOX", "Unknown error 528"},                       // 528
	{"EIOCBQUEUED", "Unknown error 529"},                    // 529
	{"ERECALLCONFLICT", "Unknown error 530"},                // 530
	{"ENOGRACE", "Unknown error 531"},                       // 531
}

// userErrnos is the table of errnos 0..maxErrno, built from
// golang.org/x/sys/unix on first use.
var userErrnos = sync.OnceValue(func() *[maxErrno + 1]errnoEntry {
	var t [maxErrno + 1]errnoEntry
	t[0] = errnoEntry{"", "Success"}
	for e := 1; e <= maxErrno; e++ {
		name := unix.ErrnoName(unix.Errno(e))
		if n, ok := errnoNameFixes[e]; ok {
			name = n
		}
		text := unix.Errno(e).Error()
		if x, ok := errnoTextFixes[e]; ok {
			text = x
		}
		if name == "" || strings.HasPrefix(text, "errno ") {
			text = unknownError(e)
		}
		// unix texts are glibc's with the first letter lowercased.
		if c := text[0]; 'a' <= c && c <= 'z' {
			text = string(c-'a'+'A') + text[1:]
		}
		t[e] = errnoEntry{name, text}
	}
	return &t
})

var errnoNumbers = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, maxErrno+len(kernelErrnos)+len(errnoAliases))
	for e, ent := range userErrnos() {
		if ent.name != "" {
			m[ent.name] = e
		}
	}
	for i, ent := range kernelErrnos {
		if ent.name != "" {
			m[ent.name] = 512 + i
		}
	}
	for n, e := range errnoAliases {
		m[n] = e
	}
	return m
})

func lookupErrno(e int) *errnoEntry {
	switch {
	case e >= 0 && e <= maxErrno:
		return &userErrnos()[e]
	case e >= 512 && e < 512+len(kernelErrnos):
		return &kernelErrnos[e-512]
	}
	return nil
}

func unknownError(e int) string {
	return "Unknown error " + strconv.Itoa(e)
}

// ErrnoName returns the symbolic name of errno value e, such as "ENOENT",
// including the kernel-internal codes 512 and up (ERESTARTSYS,
// ERESTARTNOINTR, ERESTARTNOHAND, ENOIOCTLCMD, ERESTART_RESTARTBLOCK, ...).
// It returns "" for unknown values.
func ErrnoName(e int) string {
	if ent := lookupErrno(e); ent != nil {
		return ent.name
	}
	return ""
}

// ErrnoText returns the description of errno value e as glibc's strerror
// gives it, such as "No such file or directory". For the kernel-internal
// restart codes it returns strace's texts: "To be restarted if SA_RESTART
// is set" (ERESTARTSYS), "To be restarted" (ERESTARTNOINTR), "To be
// restarted if no handler" (ERESTARTNOHAND) and "Interrupted by signal"
// (ERESTART_RESTARTBLOCK). Other values give "Unknown error N".
func ErrnoText(e int) string {
	if ent := lookupErrno(e); ent != nil && ent.text != "" {
		return ent.text
	}
	return unknownError(e)
}

// ErrnoNumber returns the errno value called name (case-insensitive), such
// as 2 for "ENOENT". It accepts the names ErrnoName returns and the aliases
// EWOULDBLOCK, EDEADLOCK and ENOTSUP.
func ErrnoNumber(name string) (int, bool) {
	e, ok := errnoNumbers()[strings.ToUpper(name)]
	return e, ok
}
