// SPDX-License-Identifier: MIT
/* Text rendering of the devices document: one line per port/interface. */
#include <stdio.h>
#include <string.h>

#include "inv.h"
#include "linerate/inventory.h"

#define UNKNOWN "unknown"

static const char *s_or(const json_t *o, const char *key)
{
	const char *v = inv_cstr(o, key);

	return v ? v : UNKNOWN;
}

static void print_int(FILE *out, const char *label, const json_t *o,
		      const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		fprintf(out, "  %s %lld", label,
			(long long)json_integer_value(v));
	else
		fprintf(out, "  %s " UNKNOWN, label);
}

static void print_pci(FILE *out, const json_t *pci)
{
	if (!json_is_object(pci))
		return;
	fprintf(out, "  pci %s", s_or(pci, "address"));
	if (inv_int(pci, "gen", 0) && inv_int(pci, "width", 0))
		fprintf(out, " Gen%lld x%lld",
			(long long)inv_int(pci, "gen", 0),
			(long long)inv_int(pci, "width", 0));
	else
		fprintf(out, " link " UNKNOWN);
	/* DevCtl sizes: only when config space was readable (root) */
	if (inv_int(pci, "max_payload", 0) &&
	    inv_int(pci, "max_read_request", 0))
		fprintf(out, " mps %lld mrrs %lld",
			(long long)inv_int(pci, "max_payload", 0),
			(long long)inv_int(pci, "max_read_request", 0));
	print_int(out, "numa", pci, "numa_node");
	if (inv_cstr(pci, "switch"))
		fprintf(out, "  switch %s", inv_cstr(pci, "switch"));
}

static void print_problems(FILE *out, const json_t *o)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(o, "problems"), i, p)
		fprintf(out, "%s%s", i ? "; " : "  ! ", json_string_value(p));
	fputc('\n', out);
}

static void print_warnings(FILE *out, const json_t *o)
{
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(o, "warnings"), i, w)
		fprintf(out, "  ~ warning: %s\n", json_string_value(w));
}

static char mark(const json_t *o)
{
	return json_array_size(json_object_get(o, "problems")) ? '!' : ' ';
}

static void print_port(FILE *out, const json_t *d, const json_t *p)
{
	json_t *rate = json_object_get(p, "rate_gbps");

	fprintf(out, "%c %s/%lld  %s  %s/%s", mark(p), s_or(d, "name"),
		(long long)inv_int(p, "port", 0), s_or(p, "link_layer"),
		s_or(p, "state"), s_or(p, "phys_state"));
	if (json_is_number(rate))
		fprintf(out, "  %g Gb/s %s %s", json_number_value(rate),
			s_or(p, "width"), s_or(p, "speed"));
	else
		fprintf(out, "  rate " UNKNOWN);
	print_int(out, "mtu", p, "active_mtu");
	if (inv_cstr(p, "netdev"))
		fprintf(out, "  netdev %s", inv_cstr(p, "netdev"));
	print_pci(out, json_object_get(d, "pci"));
	print_problems(out, p);
}

static void print_device(FILE *out, const json_t *d)
{
	size_t i;
	json_t *p;

	if (strcmp(s_or(d, "status"), "ok")) {
		fprintf(out, "! %s", s_or(d, "name"));
		print_problems(out, d);
		return;
	}
	json_array_foreach(json_object_get(d, "ports"), i, p)
		print_port(out, d, p);
	print_warnings(out, d);
}

static void print_netdev(FILE *out, const json_t *nd)
{
	size_t i;
	json_t *a, *speed = json_object_get(nd, "speed_mbps");

	fprintf(out, "%c %s  %s", mark(nd), s_or(nd, "name"),
		s_or(nd, "operstate"));
	print_int(out, "mtu", nd, "mtu");
	if (json_is_integer(speed))
		fprintf(out, "  %g Gb/s",
			(double)json_integer_value(speed) / 1000);
	json_array_foreach(json_object_get(nd, "addresses"), i, a)
		fprintf(out, "%s%s", i ? "," : "  ", json_string_value(a));
	if (inv_cstr(nd, "rdma_device"))
		fprintf(out, "  rdma %s/%lld", inv_cstr(nd, "rdma_device"),
			(long long)inv_int(nd, "rdma_port", 0));
	print_pci(out, json_object_get(nd, "pci"));
	print_problems(out, nd);
	print_warnings(out, nd);
}

void lr_inventory_print(FILE *out, const json_t *doc)
{
	size_t i;
	json_t *o;

	fprintf(out, "RDMA ports:%s\n",
		json_array_size(json_object_get(doc, "rdma")) ? "" : " none");
	json_array_foreach(json_object_get(doc, "rdma"), i, o)
		print_device(out, o);
	fprintf(out, "network interfaces:\n");
	json_array_foreach(json_object_get(doc, "netdevs"), i, o)
		print_netdev(out, o);
}
