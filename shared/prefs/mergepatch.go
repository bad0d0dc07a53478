package prefs

// MergePatch applies patch to target as JSON Merge Patch (RFC 7396)
// specifies, without modifying either: an object patch merges member by
// member recursively, a null member removes the key, and any other patch
// value replaces the target whole.
func MergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	out := make(map[string]any, len(t)+len(p))
	if ok {
		for k, v := range t {
			out[k] = v
		}
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = MergePatch(out[k], v)
	}
	return out
}
