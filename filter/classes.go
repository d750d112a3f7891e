package filter

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// class is a bit set of the system call classes of -e trace=%CLASS.
type class uint32

const (
	classDesc class = 1 << iota
	classFile
	classMemory
	classProcess
	classCreds
	classSignal
	classIPC
	classNet
	classStat
	classLstat
	classFstat
	classStatLike
	classStatfs
	classFstatfs
	classStatfsLike
	classPure
	classClock
)

// classNames lists the class names -e trace= accepts, in the order of
// strace's manual, each with its bit. "%network" is a synonym of "%net".
var classNames = []struct {
	name string
	bit  class
}{
	{"%file", classFile},
	{"%process", classProcess},
	{"%net", classNet},
	{"%network", classNet},
	{"%signal", classSignal},
	{"%ipc", classIPC},
	{"%desc", classDesc},
	{"%memory", classMemory},
	{"%creds", classCreds},
	{"%stat", classStat},
	{"%lstat", classLstat},
	{"%fstat", classFstat},
	{"%%stat", classStatLike},
	{"%statfs", classStatfs},
	{"%fstatfs", classFstatfs},
	{"%%statfs", classStatfsLike},
	{"%clock", classClock},
	{"%pure", classPure},
}

// legacyClasses are the class names strace still accepts without the
// percent sign (deprecated in its manual), and "all", which as a token among
// others (trace=open,all) selects every system call that has a name.
var legacyClasses = map[string]class{
	"all":     0,
	"desc":    classDesc,
	"file":    classFile,
	"memory":  classMemory,
	"process": classProcess,
	"signal":  classSignal,
	"ipc":     classIPC,
	"network": classNet,
}

// ClassNames returns the class names accepted by -e trace=, such as "%file"
// and "%%stat", in the order of strace's manual, for help texts.
func ClassNames() []string {
	names := make([]string, len(classNames))
	for i, c := range classNames {
		names[i] = c.name
	}
	return names
}

// lookupClass returns the bit of a class token ("%file", or a legacy name
// such as "file"). Like strace, it is tried before system call names, so
// "signal" means the class, not i386's signal(2).
func lookupClass(tok string) (class, bool) {
	for _, c := range classNames {
		if c.name == tok {
			return c.bit, true
		}
	}
	c, ok := legacyClasses[tok]
	return c, ok
}

//go:embed classes.txt
var classesTxt string

// syscallClasses maps system call names to their classes, parsed from
// classes.txt on first use.
var syscallClasses = sync.OnceValue(func() map[string]class {
	m, err := parseClassTable(classesTxt)
	if err != nil {
		panic("filter: classes.txt: " + err.Error())
	}
	return m
})

// parseClassTable parses the format of classes.txt.
func parseClassTable(text string) (map[string]class, error) {
	m := make(map[string]class)
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: %q has no class", i+1, f[0])
		}
		if _, dup := m[f[0]]; dup {
			return nil, fmt.Errorf("line %d: %q listed twice", i+1, f[0])
		}
		var c class
		for _, name := range f[1:] {
			b, ok := lookupClass(name)
			if !ok || !strings.HasPrefix(name, "%") {
				return nil, fmt.Errorf("line %d: unknown class %q", i+1, name)
			}
			c |= b
		}
		m[f[0]] = c
	}
	return m, nil
}
