// SPDX-License-Identifier: MIT
/* Small JSON helpers: unknown values are null. */
#include <stdarg.h>
#include <stdio.h>

#include "inv.h"
#include "linerate/sysfs.h"

json_t *inv_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

json_t *inv_sysfs_str(const char *fmt, ...)
{
	char path[1024], buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(path) ||
	    lr_sysfs_read(buf, sizeof(buf), "%s", path) <= 0)
		return json_null();
	return json_string(buf);
}

json_t *inv_sysfs_int(int64_t min, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int64_t v;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(path) ||
	    lr_sysfs_read_int(&v, "%s", path) || v < min)
		return json_null();
	return json_integer(v);
}

void inv_problem(json_t *obj, const char *fmt, ...)
{
	json_t *arr = json_object_get(obj, "problems");
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!json_is_array(arr)) {
		arr = json_array();
		json_object_set_new(obj, "problems", arr);
	}
	json_array_append_new(arr, json_string(buf));
}

int64_t inv_int(const json_t *obj, const char *key, int64_t fallback)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : fallback;
}

const char *inv_cstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
