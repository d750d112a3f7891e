package decode

// Tests see decoder panics instead of the raw fallback users get.
func init() { strict = true }
