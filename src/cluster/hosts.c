// SPDX-License-Identifier: MIT
/*
 * The hosts phase: agents started (at most --fanout at once), versions
 * checked in the hello, each server's inventory and preflight, its NICs'
 * data addresses (from the inventory, never from the topology), all
 * written to DIR/hosts.json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/inventory.h"
#include "linerate/util.h"
#include "coord.h"

static const char *tmpl_nic_name(const struct lr_topo *t, uint32_t nic)
{
	return lr_topo_nic_tmpl(t, &t->nics[nic])->name;
}

const char *cl_nic_dev(const struct cl_run *r, uint32_t nic)
{
	return tmpl_nic_name(r->t, nic);
}

/* The first usable address of a netdev: IPv4 first, then global IPv6. */
static const char *netdev_address(const json_t *nd, char *buf, size_t len)
{
	const json_t *v;
	size_t i;

	for (int want6 = 0; want6 < 2; want6++) {
		json_array_foreach(json_object_get(nd, "addresses"), i, v) {
			const char *a = json_string_value(v);
			bool v6 = a && strchr(a, ':');

			if (!a || v6 != (bool)want6 ||
			    (v6 && !strncmp(a, "fe80", 4)))
				continue;
			snprintf(buf, len, "%s", a);
			buf[strcspn(buf, "/")] = '\0';
			return buf;
		}
	}
	return NULL;
}

/* The netdev of an RDMA device's first port (its GID table names it). */
static const char *rdma_netdev(const json_t *dev)
{
	const json_t *port = json_array_get(json_object_get(dev, "ports"), 0);
	const json_t *g;
	size_t i;

	json_array_foreach(json_object_get(port, "gids"), i, g) {
		const char *nd =
			json_string_value(json_object_get(g, "netdev"));

		if (nd && nd[0])
			return nd;
	}
	return NULL;
}

const char *cl_nic_address(const struct cl_run *r, uint32_t nic, char *buf,
			   size_t len)
{
	const struct cl_agent *a = &r->ag[r->t->nics[nic].server];
	const char *name = tmpl_nic_name(r->t, nic);
	const json_t *nd = lr_inv_find_netdev(a->devices, name), *rd;

	if (!nd && (rd = lr_inv_find_rdma(a->devices, name))) {
		/* verbs: the control connection goes to the RDMA device's
		 * netdev (RoCE); the GID itself travels in the transport's
		 * own exchange. InfiniBand has no netdev address: the
		 * server's management name then carries the control. */
		const char *n = rdma_netdev(rd);

		nd = n ? lr_inv_find_netdev(a->devices, n) : NULL;
		if (!nd) {
			snprintf(buf, len, "%s", a->name);
			return buf;
		}
	}
	if (!strcmp(r->o->transport, "verbs") && !nd) {
		snprintf(buf, len, "%s", a->name);
		return buf;
	}
	return nd ? netdev_address(nd, buf, len) : NULL;
}

static size_t count_state(const struct cl_run *r, enum cl_state st)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_ag; i++)
		n += r->ag[i].st == st;
	return n;
}

static bool starting(enum cl_state st)
{
	return st == AG_HELLO || st == AG_INVENTORY || st == AG_LISTEN;
}

/* Start agents until --fanout are on their way. */
static void start_more(struct cl_run *r, size_t *next)
{
	size_t busy = 0;

	for (size_t i = 0; i < r->n_ag; i++)
		busy += starting(r->ag[i].st);
	while (*next < r->n_ag && busy < r->o->fanout) {
		struct cl_agent *a = &r->ag[(*next)++];
		int ret;

		if (a->st != AG_OFF)
			continue;
		if (!a->deadline)
			a->deadline = lr_now_ns() + CL_START_MS * 1000000ull;
		ret = cl_launch(r, a);
		if (ret && r->o->launcher == LR_LAUNCH_SLURM &&
		    lr_now_ns() < a->deadline) {
			/* srun is still starting it: again on the next turn */
			continue;
		}
		if (ret) {
			a->st = AG_HELLO;
			cl_agent_dead(r, a, "unreachable", "cannot start: %s",
				      strerror(-ret));
			continue;
		}
		busy++;
	}
}

static json_t *addresses(const struct cl_run *r, const struct cl_agent *a)
{
	const struct lr_server *s = &r->t->servers[a->server];
	size_t k = r->t->tmpls[s->tmpl].n_nics;
	json_t *o = json_object();
	char buf[128];

	for (size_t j = 0; j < k; j++) {
		const char *ad = cl_nic_address(r, s->first_nic + (uint32_t)j,
						buf, sizeof(buf));

		json_object_set_new(o, tmpl_nic_name(r->t, s->first_nic + j),
				    ad ? json_string(ad) : json_null());
	}
	return o;
}

static int write_hosts(const struct cl_run *r)
{
	json_t *servers = json_object(), *doc;
	char path[4200], *text;
	int ret;

	for (size_t i = 0; i < r->n_ag; i++) {
		const struct cl_agent *a = &r->ag[i];
		json_t *h;

		if (a->st == AG_OFF || a->st == AG_SKIP)
			continue;
		h = json_pack("{s:s}", "status",
			      a->st == AG_READY ? "up" : "down");
		if (a->st == AG_DEAD)
			json_object_set_new(h, "error",
					    json_pack("{s:s, s:s}", "kind",
						      a->kind, "cause",
						      a->why));
		if (a->hello)
			json_object_set(h, "software",
					json_object_get(a->hello, "software"));
		if (a->devices) {
			json_object_set_new(h, "addresses", addresses(r, a));
			json_object_set(h, "devices", a->devices);
		}
		if (a->preflight)
			json_object_set(h, "preflight", a->preflight);
		json_object_set_new(servers, a->name, h);
	}
	doc = json_pack("{s:s, s:s, s:o}", "schema", "linerate.hosts/1",
			"topology", r->t->file ? r->t->file : "", "servers",
			servers);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/hosts.json", r->o->out_dir);
	ret = lr_write_file_atomic(path, text, strlen(text));
	free(text);
	if (ret)
		lr_err("cannot write %s: %s", path, strerror(-ret));
	return ret;
}

int cl_hosts_phase(struct cl_run *r)
{
	size_t next = 0, want = 0;
	uint64_t t0 = lr_now_ns();

	for (size_t i = 0; i < r->n_ag; i++)
		want += r->ag[i].st == AG_OFF;
	r->phase_name = "hosts";
	while (!cl_stopped(r)) {
		size_t done;

		if (r->o->launcher == LR_LAUNCH_SLURM)
			next = 0;
		start_more(r, &next);
		done = count_state(r, AG_READY) + count_state(r, AG_DEAD);
		r->running = want - done;
		if (done >= want)
			break;
		cl_poll(r, 100);
	}
	r->sum->agents_s = (double)(lr_now_ns() - t0) / 1e9;
	r->sum->servers_up = count_state(r, AG_READY);
	return write_hosts(r);
}
