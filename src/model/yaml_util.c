// SPDX-License-Identifier: MIT
/*
 * YAML node helpers: every problem becomes a diagnostic at the node's
 * position ("what was found (expected what)"), and parsing goes on so that
 * one run lists all of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topo_int.h"

int y_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

int y_col(const yaml_node_t *n)
{
	return (int)n->start_mark.column + 1;
}

int y_err(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lr_diag_add(c->d, y_line(n), y_col(n), "%s", buf);
	c->bad = true;
	return -EINVAL;
}

const char *y_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ?
		       (const char *)n->data.scalar.value :
		       NULL;
}

const char *y_found(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	snprintf(buf, len, "'%s'", y_scalar(n));
	return buf;
}

static void keys_list(const struct yfield *f, size_t nf, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nf && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", f[i].key);
}

static int y_field(struct yctx *c, yaml_node_pair_t *p, const struct yfield *f,
		   size_t nf, unsigned long *seen, void *obj, const char *what)
{
	yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
	yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
	const char *key = y_scalar(k);
	char buf[256], fb[64];

	for (size_t i = 0; key && i < nf; i++) {
		if (strcmp(key, f[i].key))
			continue;
		if (*seen & (1UL << i))
			return y_err(c, k, "duplicate key '%s' in %s", key,
				     what);
		*seen |= 1UL << i;
		return f[i].fn(c, v, obj);
	}
	keys_list(f, nf, buf, sizeof(buf));
	return y_err(c, k, "unknown key %s in %s (expected one of: %s)",
		     y_found(k, fb, sizeof(fb)), what, buf);
}

int y_map(struct yctx *c, yaml_node_t *n, const struct yfield *f, size_t nf,
	  void *obj, const char *what)
{
	unsigned long seen = 0;
	char fb[64];
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return y_err(c, n, "%s where %s was expected (a mapping)",
			     y_found(n, fb, sizeof(fb)), what);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++)
		if (y_field(c, p, f, nf, &seen, obj, what))
			ret = -EINVAL;
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1UL << i)))
			ret = y_err(c, n,
				    "%s without '%s' (expected a '%s' "
				    "key)",
				    what, f[i].key, f[i].key);
	return ret;
}

int y_seq(struct yctx *c, yaml_node_t *n, yfield_fn fn, void *obj,
	  const char *what)
{
	char fb[64];
	int ret = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return y_err(c, n, "%s where a list of %s was expected",
			     y_found(n, fb, sizeof(fb)), what);
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     i < n->data.sequence.items.top; i++)
		if (fn(c, yaml_document_get_node(c->doc, *i), obj))
			ret = -EINVAL;
	return ret;
}

int y_pairs(struct yctx *c, yaml_node_t *n, ypair_fn fn, void *obj,
	    const char *what)
{
	char fb[64];
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return y_err(c, n,
			     "%s where %s was expected (a mapping of "
			     "names)",
			     y_found(n, fb, sizeof(fb)), what);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);

		if (!y_scalar(k)) {
			ret = y_err(c, k,
				    "%s as a name in %s (expected a "
				    "name)",
				    y_found(k, fb, sizeof(fb)), what);
			continue;
		}
		if (fn(c, k, yaml_document_get_node(c->doc, p->value), obj))
			ret = -EINVAL;
	}
	return ret;
}

int y_str(struct yctx *c, yaml_node_t *n, const char *what, char **out)
{
	char fb[64];

	if (!y_scalar(n) || !*y_scalar(n))
		return y_err(c, n, "%s for %s (expected a name)",
			     n->type == YAML_SCALAR_NODE ?
				     "nothing" :
				     y_found(n, fb, sizeof(fb)),
			     what);
	free(*out);
	*out = strdup(y_scalar(n));
	return *out ? 0 : -ENOMEM;
}

int y_uint(struct yctx *c, yaml_node_t *n, const char *what, unsigned long min,
	   unsigned long max, unsigned long *out)
{
	const char *s = y_scalar(n);
	char *end, fb[64];
	unsigned long v = 0;

	if (s && s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!*end && !errno && v >= min && v <= max) {
			*out = v;
			return 0;
		}
	}
	return y_err(c, n, "%s for %s (expected an integer from %lu to %lu)",
		     y_found(n, fb, sizeof(fb)), what, min, max);
}

int y_bool(struct yctx *c, yaml_node_t *n, const char *what, bool *out)
{
	const char *s = y_scalar(n);
	char fb[64];

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
		*out = true;
		return 0;
	}
	if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
		*out = false;
		return 0;
	}
	return y_err(c, n, "%s for %s (expected true or false)",
		     y_found(n, fb, sizeof(fb)), what);
}

int y_rate(struct yctx *c, yaml_node_t *n, const char *what, double *out)
{
	const char *s = y_scalar(n);
	char fb[64];

	if (s && !lr_parse_rate(s, out))
		return 0;
	if (s)
		return y_err(c, n,
			     "unknown %s '%s' (expected e.g. 400G, "
			     "250M or 1.6T)",
			     what, s);
	return y_err(c, n, "%s for %s (expected e.g. 400G)",
		     y_found(n, fb, sizeof(fb)), what);
}

int y_enum(struct yctx *c, yaml_node_t *n, const char *what,
	   const char *const *names, size_t count, int *out)
{
	const char *s = y_scalar(n);
	char buf[256], fb[64];
	size_t off = 0;

	for (size_t i = 0; s && i < count; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	buf[0] = '\0';
	for (size_t i = 0; i < count && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? ", " : "", names[i]);
	return y_err(c, n, "%s for %s (expected one of: %s)",
		     y_found(n, fb, sizeof(fb)), what, buf);
}

/* "gen5 x16" (case-insensitive, blank optional). */
int y_pcie(struct yctx *c, yaml_node_t *n, unsigned *gen, unsigned *width)
{
	const char *s = y_scalar(n);
	unsigned g, w;
	char tail, fb[64];

	if (s &&
	    sscanf(s, "%*1[gG]%*1[eE]%*1[nN]%u %*1[xX]%u%c", &g, &w, &tail) ==
		    2 &&
	    g >= 1 && g <= 6 &&
	    (w == 1 || w == 2 || w == 4 || w == 8 || w == 16 || w == 32)) {
		*gen = g;
		*width = w;
		return 0;
	}
	return y_err(c, n,
		     "%s for PCIe link (expected e.g. 'gen5 x16': "
		     "gen 1-6, width 1, 2, 4, 8, 16 or 32)",
		     y_found(n, fb, sizeof(fb)));
}
