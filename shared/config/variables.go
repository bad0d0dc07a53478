package config

import (
	"reflect"
	"strings"
)

// variable is one environment variable of a settings struct.
type variable struct {
	name  string // the envconfig tag, else the field's name upper-cased
	field reflect.StructField
	value reflect.Value
}

// variables lists the exported leaf fields of the settings struct v, in
// order, walking into embedded structs (config.Base and the like) as
// envconfig does.
func variables(v reflect.Value) []variable {
	var out []variable
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct {
			out = append(out, variables(fv)...)
			continue
		}
		name := f.Tag.Get("envconfig")
		if name == "" {
			name = strings.ToUpper(f.Name)
		}
		out = append(out, variable{name: name, field: f, value: fv})
	}
	return out
}
