// SPDX-License-Identifier: MIT
/* A netdev's DCB state (see linerate/dcb.h). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/dcb.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"

#define DCB_OUT_MAX 65536

int lr_dcb_parse_pfc(const char *json, struct lr_dcb *d)
{
	json_t *doc = json_loads(json, 0, NULL);
	json_t *a = json_object_get(doc, "prio_pfc"), *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > LR_DCB_PRIOS) {
		json_decref(doc);
		return -EINVAL;
	}
	d->pfc_en = 0;
	json_array_foreach(a, i, v)
		if (json_is_true(v))
			d->pfc_en |= (uint8_t)(1u << i);
	d->have_pfc = true;
	json_decref(doc);
	return 0;
}

int lr_dcb_parse_app(const char *json, struct lr_dcb *d)
{
	json_t *doc = json_loads(json, 0, NULL), *a, *e;
	size_t i;

	if (!json_is_object(doc)) {
		json_decref(doc);
		return -EINVAL;
	}
	for (i = 0; i < 64; i++)
		d->dscp_prio[i] = -1;
	a = json_object_get(doc, "dscp_prio");
	json_array_foreach(a, i, e) {
		json_int_t dscp = json_integer_value(json_array_get(e, 0));
		json_int_t prio = json_integer_value(json_array_get(e, 1));

		if (json_is_integer(json_array_get(e, 0)) && dscp >= 0 &&
		    dscp < 64 && prio >= 0 && prio < LR_DCB_PRIOS)
			d->dscp_prio[dscp] = (int)prio;
	}
	d->have_app = true;
	json_decref(doc);
	return 0;
}

int lr_dcb_prio_of(const struct lr_dcb *d, unsigned dscp)
{
	return dscp < 64 && d->dscp_prio[dscp] >= 0 ? d->dscp_prio[dscp] : 0;
}

/* What `dcb -j -N OBJ show dev IF` prints (or the fixture's copy). */
static char *dcb_output(const char *ifname, const char *obj)
{
	char cmd[160], *buf = malloc(DCB_OUT_MAX);
	size_t n = 0;
	FILE *f;

	if (!buf)
		return NULL;
	if (lr_sysfs_is_live()) {
		snprintf(cmd, sizeof(cmd),
			 "dcb -j -N %s show dev '%s' 2>/dev/null", obj, ifname);
		f = popen(cmd, "r");
	} else {
		if (lr_sysfs_path(cmd, sizeof(cmd), "dcb/%s/%s.json", ifname,
				  obj)) {
			free(buf);
			return NULL;
		}
		f = fopen(cmd, "r");
	}
	if (f) {
		n = fread(buf, 1, DCB_OUT_MAX - 1, f);
		if (lr_sysfs_is_live())
			pclose(f);
		else
			fclose(f);
	}
	buf[n] = '\0';
	if (!n) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int ecn_flag(const char *ifname, const char *which, unsigned prio)
{
	int64_t v;

	if (lr_sysfs_read_int(&v, "sys/class/net/%s/ecn/%s/enable/%u", ifname,
			      which, prio))
		return -1;
	return v != 0;
}

void lr_dcb_read(const char *ifname, struct lr_dcb *d)
{
	char *out;

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < 64; i++)
		d->dscp_prio[i] = -1;
	/* The name goes into a shell command: only what netdevs are named. */
	if (!ifname[0] || strspn(ifname, "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789._-@") != strlen(ifname))
		return;
	out = dcb_output(ifname, "pfc");
	if (out && lr_dcb_parse_pfc(out, d))
		lr_dbg("dcb pfc of %s: not understood", ifname);
	free(out);
	out = dcb_output(ifname, "app");
	if (out && lr_dcb_parse_app(out, d))
		lr_dbg("dcb app of %s: not understood", ifname);
	free(out);
	for (unsigned p = 0; p < LR_DCB_PRIOS; p++) {
		d->ecn_np[p] = ecn_flag(ifname, "roce_np", p);
		d->ecn_rp[p] = ecn_flag(ifname, "roce_rp", p);
	}
}
