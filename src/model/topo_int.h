/* SPDX-License-Identifier: MIT */
/* Internal to the topology parser: YAML helpers and the build context. */
#ifndef LR_TOPO_INT_H
#define LR_TOPO_INT_H

#include <stdbool.h>
#include <yaml.h>

#include "linerate/topology.h"

/* ---- name -> index map (open addressing) ---- */
struct lr_name_map;
struct lr_name_map *lr_map_new(size_t expect);
void lr_map_free(struct lr_name_map *m);
/* Returns the existing index, or inserts idx and returns -1 (-2: ENOMEM). */
long lr_map_put(struct lr_name_map *m, const char *key, long idx);
long lr_map_get(const struct lr_name_map *m, const char *key);

/* ---- per-switch wiring, kept until every switch is known ---- */
struct sw_wiring {
	char *up; /* host range, may contain {rail} */
	int up_line, up_col;
	char *servers; /* leaves: servers connected down */
	int srv_line, srv_col;
	long rail; /* -1: every NIC of those servers */
};

struct link_spec {
	char *server, *nic, *sw;
	double rate_gbps;
	int line, col;
};

struct yctx {
	yaml_document_t *doc;
	struct lr_diags *d;
	struct lr_topo *t;
	struct sw_wiring *wiring; /* one per switch */
	size_t cap_switches;
	size_t cap_servers;
	struct link_spec *links;
	size_t n_links;
	bool bad; /* a problem was reported */
};

/* A mapping handler: parse node into obj. Returns 0 or -EINVAL. */
typedef int (*yfield_fn)(struct yctx *c, yaml_node_t *n, void *obj);

struct yfield {
	const char *key;
	yfield_fn fn;
	bool required;
};

int y_line(const yaml_node_t *n);
int y_col(const yaml_node_t *n);
/* Report a problem at a node; returns -EINVAL. */
int y_err(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A short text for what a node is ("'foo'", "a list", "a mapping"). */
const char *y_found(const yaml_node_t *n, char *buf, size_t len);

int y_map(struct yctx *c, yaml_node_t *n, const struct yfield *f, size_t nf,
	  void *obj, const char *what);
/* Call fn for each item of a sequence (continues after errors). */
int y_seq(struct yctx *c, yaml_node_t *n, yfield_fn fn, void *obj,
	  const char *what);
/* Call fn(c, value, obj) with the key text in c for each mapping pair. */
typedef int (*ypair_fn)(struct yctx *c, yaml_node_t *key, yaml_node_t *val,
			void *obj);
int y_pairs(struct yctx *c, yaml_node_t *n, ypair_fn fn, void *obj,
	    const char *what);

const char *y_scalar(const yaml_node_t *n);
int y_str(struct yctx *c, yaml_node_t *n, const char *what, char **out);
int y_uint(struct yctx *c, yaml_node_t *n, const char *what, unsigned long min,
	   unsigned long max, unsigned long *out);
int y_bool(struct yctx *c, yaml_node_t *n, const char *what, bool *out);
int y_rate(struct yctx *c, yaml_node_t *n, const char *what, double *out);
int y_enum(struct yctx *c, yaml_node_t *n, const char *what,
	   const char *const *names, size_t count, int *out);
int y_pcie(struct yctx *c, yaml_node_t *n, unsigned *gen, unsigned *width);
/* Expand a host range node into out (a problem is reported). */
int y_range(struct yctx *c, yaml_node_t *n, const char *what,
	    struct lr_names *out);

/* Sections (topo_parse.c, topo_hosts.c, topo_fabric.c). */
int topo_parse_profiles(struct yctx *c, yaml_node_t *n);
int topo_parse_hosts(struct yctx *c, yaml_node_t *n);
int topo_parse_servers(struct yctx *c, yaml_node_t *n);
int topo_parse_switches(struct yctx *c, yaml_node_t *n);
int topo_parse_links(struct yctx *c, yaml_node_t *n);
int topo_parse_routing(struct yctx *c, yaml_node_t *n);
/* Wiring and consistency (topo_wire.c, topo_check.c). */
int topo_wire(struct yctx *c);
int topo_check(struct yctx *c);
int topo_groups(struct yctx *c);

#endif
