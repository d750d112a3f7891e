package seize_test

import "fmt"

func fmtSscan(s, format string, a ...any) (int, error) { return fmt.Sscanf(s, format, a...) }
