// SPDX-License-Identifier: MIT
/*
 * place: the node and CPUs of one test, the way perftest places its
 * process (the device's node unless the user restricted affinity), but per
 * worker: each worker on its own NIC-local physical core.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "linerate/sysfs.h"
#include "linerate/util.h"
#include "place_int.h"

static struct lr_place_cfg cfg; /* zero: --numa auto, no --cpus */

void lr_place_configure(const struct lr_place_cfg *c)
{
	cfg = *c;
}

static void say(struct lr_place *pl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct lr_place *pl, const char *fmt, ...)
{
	size_t len = strlen(pl->why);
	va_list ap;

	if (len + 3 >= sizeof(pl->why))
		return;
	if (len) {
		memcpy(pl->why + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(pl->why + len, sizeof(pl->why) - len, fmt, ap);
	va_end(ap);
}

static void read_device(struct lr_place *pl, const char *devdir)
{
	int64_t node;

	pl->dev_node = -1;
	if (!devdir)
		return;
	if (!lr_sysfs_read_int(&node, "%s/numa_node", devdir) && node >= 0)
		pl->dev_node = (int)node;
	if (lr_sysfs_read(pl->dev_cpus, sizeof(pl->dev_cpus),
			  "%s/local_cpulist", devdir) <= 0)
		pl->dev_cpus[0] = '\0';
}

/* Whether memory may go to node here (it exists, the cpuset allows it). */
static bool node_usable(int node)
{
	struct bitmask *m;
	bool ok;

	if (numa_available() < 0 || node > numa_max_node())
		return false;
	m = numa_get_mems_allowed();
	ok = m && numa_bitmask_isbitset(m, (unsigned)node);
	numa_bitmask_free(m);
	return ok;
}

static void plan_node(struct lr_place *pl)
{
	int want = cfg.numa == LR_NUMA_NODE ? cfg.node : pl->dev_node;

	if (cfg.numa == LR_NUMA_OFF) {
		say(pl, "--numa off");
		return;
	}
	if (want < 0) {
		say(pl, "%s has no NUMA node: memory not placed",
		    pl->device[0] ? pl->device : "the device");
		return;
	}
	if (!node_usable(want)) {
		say(pl,
		    "node %d is not one this process may allocate on: memory "
		    "not placed",
		    want);
		return;
	}
	pl->node = want;
	say(pl, "memory on node %d (%s)", want,
	    cfg.numa == LR_NUMA_NODE ? "--numa" : "the device's numa_node");
}

/* The CPUs to choose from, within the allowed set; false: do not pin. */
static bool candidates(struct lr_place *pl, cpu_set_t *cand, const char **from)
{
	cpu_set_t allowed, want;
	char buf[256];

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return false;
	if (cfg.have_cpus) {
		want = cfg.cpus;
		*from = "--cpus";
	} else if (cfg.numa == LR_NUMA_OFF) {
		return false;
	} else if (cfg.numa == LR_NUMA_NODE) {
		if (lr_sysfs_read(buf, sizeof(buf),
				  "sys/devices/system/node/node%d/cpulist",
				  cfg.node) <= 0 ||
		    lr_cpulist_parse(buf, &want)) {
			say(pl, "node %d lists no CPUs: workers not pinned",
			    cfg.node);
			return false;
		}
		*from = "the node's";
	} else if (!pl->dev_cpus[0] || lr_cpulist_parse(pl->dev_cpus, &want)) {
		say(pl, "no local_cpulist: workers not pinned");
		return false;
	} else {
		*from = "NIC-local";
	}
	CPU_AND(cand, &want, &allowed);
	if (CPU_COUNT(cand))
		return true;
	lr_cpulist_format(&allowed, buf, sizeof(buf));
	if (cfg.have_cpus) {
		say(pl,
		    "--cpus outside the allowed CPUs %s: workers not pinned",
		    buf);
		return false;
	}
	/* Honour the cpuset / taskset the test was started in. */
	*cand = allowed;
	*from = "allowed (none of the wanted ones is)";
	return true;
}

void lr_place_plan(struct lr_place *pl, const char *name, const char *devdir,
		   unsigned nworkers)
{
	cpu_set_t cand;
	const char *from = "";

	memset(pl, 0, sizeof(*pl));
	pl->numa = cfg.numa;
	pl->node = -1;
	pl->n = nworkers < LR_PLACE_MAX_WORKERS ? nworkers :
						  LR_PLACE_MAX_WORKERS;
	for (unsigned i = 0; i < LR_PLACE_MAX_WORKERS; i++)
		pl->cpu[i] = -1;
	snprintf(pl->device, sizeof(pl->device), "%s", name ? name : "");
	read_device(pl, devdir);
	plan_node(pl);
	if (pl->n && candidates(pl, &cand, &from))
		place_pick_cpus(pl, &cand, from);
	lr_dbg("placement of %s: %s", pl->device, pl->why);
}

void lr_place_mem_begin(struct lr_place *pl)
{
	if (pl->node < 0)
		return;
	numa_set_preferred(pl->node);
	pl->mem_set = true;
}

void lr_place_mem_done(struct lr_place *pl)
{
	if (!pl->mem_set)
		return;
	numa_set_localalloc();
	pl->mem_set = false;
}

void *lr_place_alloc(const struct lr_place *pl, size_t *lenp, bool huge)
{
	size_t len = *lenp;
	void *p = MAP_FAILED;

	if (huge) {
		size_t hl = (len + (2u << 20) - 1) & ~((size_t)(2u << 20) - 1);

		p = mmap(NULL, hl, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED)
			lr_warn("no 2 MiB huge pages for %zu bytes (%s): small "
				"pages instead",
				len, strerror(errno));
		else
			len = hl;
	}
	if (p == MAP_FAILED)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (pl && pl->node >= 0)
		numa_tonode_memory(p, len, pl->node);
	memset(p, 0, len);
	*lenp = len;
	return p;
}

void lr_place_free(void *addr, size_t len)
{
	if (!addr)
		return;
	munmap(addr, len);
}

int lr_place_pin(const struct lr_place *pl, unsigned idx)
{
	cpu_set_t one;
	char name[16];
	int ret;

	snprintf(name, sizeof(name), "lr-worker-%u", idx);
	pthread_setname_np(pthread_self(), name);
	if (idx >= pl->n || pl->cpu[idx] < 0)
		return 0;
	CPU_ZERO(&one);
	CPU_SET((unsigned)pl->cpu[idx], &one);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	if (ret) {
		lr_warn("cannot pin worker %u to CPU %d: %s", idx, pl->cpu[idx],
			strerror(ret));
		return -ret;
	}
	return 0;
}

int lr_place_page_node(const void *addr)
{
	void *page = (void *)addr;
	int status = -1;

	if (!addr || numa_available() < 0 ||
	    numa_move_pages(0, 1, &page, NULL, &status, 0) || status < 0)
		return -1;
	return status;
}

json_t *lr_place_describe(const struct lr_place *pl, const void *buf)
{
	static const char *const modes[] = { "auto", "node", "off" };
	json_t *o = json_object(), *cpus = json_array();

	for (unsigned i = 0; i < pl->n; i++)
		if (pl->cpu[i] >= 0)
			json_array_append_new(cpus, json_integer(pl->cpu[i]));
	json_object_set_new(o, "numa", json_string(modes[pl->numa]));
	json_object_set_new(o, "device_node", json_integer(pl->dev_node));
	json_object_set_new(o, "device_cpus", json_string(pl->dev_cpus));
	json_object_set_new(o, "node", json_integer(pl->node));
	json_object_set_new(o, "cpus", cpus);
	if (buf)
		json_object_set_new(o, "buffer_node",
				    json_integer(lr_place_page_node(buf)));
	json_object_set_new(o, "why", json_string(pl->why));
	return o;
}

void lr_place_release(struct lr_place *pl)
{
	place_unclaim(pl);
}
