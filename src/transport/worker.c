// SPDX-License-Identifier: MIT
/* Helpers every transport shares: worker failure, option validation. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linerate/transport.h"
#include "linerate/util.h"

void lr_worker_fail(struct lr_worker_ctl *ctl, int err, const char *fmt, ...)
{
	va_list ap;

	if (ctl->error)
		return;
	va_start(ap, fmt);
	vsnprintf(ctl->errmsg, sizeof(ctl->errmsg), fmt, ap);
	va_end(ap);
	ctl->error = err < 0 ? err : -EIO;
}

static const struct lr_transport_opt *
find_opt(const struct lr_transport_ops *ops, const char *key)
{
	char name[64];

	for (const struct lr_transport_opt *o = ops->options; o && o->name;
	     o++) {
		snprintf(name, sizeof(name), "%s", o->name);
		for (char *c = name; *c; c++)
			if (*c == '-')
				*c = '_';
		if (!strcmp(name, key))
			return o;
	}
	return NULL;
}

static bool enum_has(const char *choices, const char *word)
{
	size_t n = strlen(word);

	for (const char *c = choices; c && *c;) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);

		if (len == n && !strncmp(c, word, n))
			return true;
		c = bar ? bar + 1 : c + len;
	}
	return false;
}

static int check_value(const struct lr_transport_opt *o, const json_t *v,
		       char *err, size_t errlen)
{
	json_int_t i;

	switch (o->type) {
	case LR_OPT_BOOL:
		if (json_is_boolean(v))
			return 0;
		snprintf(err, errlen, "option '%s' must be true or false",
			 o->name);
		return -EINVAL;
	case LR_OPT_ENUM:
		if (json_is_string(v) &&
		    enum_has(o->choices, json_string_value(v)))
			return 0;
		snprintf(err, errlen, "option '%s' must be one of %s", o->name,
			 o->choices);
		return -EINVAL;
	case LR_OPT_STRING:
		if (json_is_string(v) && json_string_length(v) <= o->max)
			return 0;
		snprintf(err, errlen,
			 "option '%s' must be text of at most "
			 "%llu characters",
			 o->name, (unsigned long long)o->max);
		return -EINVAL;
	case LR_OPT_UINT:
	case LR_OPT_SIZE: break;
	}
	i = json_is_integer(v) ? json_integer_value(v) : -1;
	if (i >= 0 && (uint64_t)i >= o->min && (uint64_t)i <= o->max)
		return 0;
	snprintf(err, errlen,
		 "option '%s' must be an integer from %llu to %llu", o->name,
		 (unsigned long long)o->min, (unsigned long long)o->max);
	return -EINVAL;
}

int lr_transport_check_opts(const struct lr_transport_ops *ops,
			    const json_t *opts, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!opts)
		return 0;
	if (!json_is_object(opts)) {
		snprintf(err, errlen, "transport options must be an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)opts, key, v) {
		const struct lr_transport_opt *o = find_opt(ops, key);

		if (!o) {
			snprintf(err, errlen, "transport %s has no option '%s'",
				 ops->name, key);
			return -EINVAL;
		}
		if (check_value(o, v, err, errlen))
			return -EINVAL;
	}
	return 0;
}

static int check_caps(const struct lr_transport_ops *ops,
		      const struct lr_test_params *p, char *err, size_t errlen)
{
	const char *what = NULL;

	if (p->bidir && !(ops->caps & LR_CAP_BIDIR))
		what = "both directions at once";
	else if (p->mode == LR_MODE_LAT && !(ops->caps & LR_CAP_LATENCY))
		what = "latency mode";
	else if (p->streams > 1 && !(ops->caps & LR_CAP_MULTI_STREAM))
		what = "more than one stream";
	if (!what)
		return 0;
	snprintf(err, errlen, "transport %s cannot run %s", ops->name, what);
	return -EINVAL;
}

int lr_transport_check(const struct lr_transport_ops *ops,
		       const struct lr_test_params *p, const json_t *opts,
		       char *err, size_t errlen)
{
	if (check_caps(ops, p, err, errlen) ||
	    lr_transport_check_opts(ops, opts, err, errlen) ||
	    ops->check(p, opts, err, errlen))
		return -EINVAL;
	return 0;
}
