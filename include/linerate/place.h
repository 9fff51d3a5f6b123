/* SPDX-License-Identifier: MIT */
/*
 * place: NUMA and CPU placement of a test's buffers, rings and workers,
 * from the device's numa_node and local_cpulist (read through the sysfs
 * root, linerate/sysfs.h), with libnuma.
 *
 *   lr_place_plan()       decide the node and one CPU per worker, claim the
 *                         CPUs against the other live tests of this process
 *   lr_place_mem_begin()  allocations of this thread (the provider's rings)
 *   lr_place_mem_done()     prefer the node, then back to local allocation
 *   lr_place_alloc()      a buffer bound to the node before its first touch
 *   lr_place_pin()        in the worker thread: pin it to its CPU
 *   lr_place_describe()   node, CPUs and the buffer's actual node (results)
 *   lr_place_release()    give the CPUs back
 *
 * A placement problem (no device, a node the allowed set excludes, ...) is
 * never an error: the test runs unplaced and the results say why.
 */
#ifndef LINERATE_PLACE_H
#define LINERATE_PLACE_H

#include <jansson.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#define LR_PLACE_MAX_WORKERS 512u

enum lr_numa_mode { LR_NUMA_AUTO = 0, LR_NUMA_NODE, LR_NUMA_OFF };

/* What the user asked for (pair/serve --numa, --cpus); process-wide. */
struct lr_place_cfg {
	enum lr_numa_mode numa;
	int node; /* LR_NUMA_NODE */
	bool have_cpus;
	cpu_set_t cpus; /* --cpus */
};

/* "auto", "off" or a node number. Returns 0 or -EINVAL (reason in err). */
int lr_place_parse_numa(const char *s, struct lr_place_cfg *c, char *err,
			size_t errlen);
/* "0-3,8,10-11". Returns 0 or -EINVAL (reason in err). */
int lr_place_parse_cpus(const char *s, struct lr_place_cfg *c, char *err,
			size_t errlen);
/* Parse a kernel CPU list into set. Returns 0 or -EINVAL. */
int lr_cpulist_parse(const char *s, cpu_set_t *set);
void lr_cpulist_format(const cpu_set_t *set, char *buf, size_t len);
/* Set the process-wide request (default: --numa auto, no --cpus). */
void lr_place_configure(const struct lr_place_cfg *c);

struct lr_place {
	enum lr_numa_mode numa;
	char device[64]; /* the device placement follows, or "" */
	int dev_node; /* its numa_node, -1: none or unknown */
	char dev_cpus[256]; /* its local_cpulist, "" unknown */
	int node; /* node memory goes to, -1: not placed */
	unsigned n; /* workers */
	int cpu[LR_PLACE_MAX_WORKERS]; /* -1: not pinned */
	bool claimed;
	bool mem_set; /* lr_place_mem_begin changed this thread's policy */
	char why[320]; /* how the node and CPUs were chosen */
};

/*
 * Plan for nworkers workers of the device whose sysfs directory is devdir
 * ("sys/class/infiniband/mlx5_0/device"; NULL: none), named name. Never
 * fails: a problem leaves the test unplaced and is said in why.
 */
void lr_place_plan(struct lr_place *pl, const char *name, const char *devdir,
		   unsigned nworkers);
void lr_place_mem_begin(struct lr_place *pl);
void lr_place_mem_done(struct lr_place *pl);
/*
 * *len bytes of anonymous memory (huge: 2 MiB pages, falling back to small
 * ones with a warning), bound to the node before the first touch, zeroed;
 * *len becomes the mapped length (what lr_place_free takes). pl may be
 * NULL. Returns NULL with errno set.
 */
void *lr_place_alloc(const struct lr_place *pl, size_t *len, bool huge);
void lr_place_free(void *addr, size_t len);
/* Pin the calling thread to worker idx's CPU (and name it). 0 or -errno. */
int lr_place_pin(const struct lr_place *pl, unsigned idx);
/* The node of the page at addr (move_pages query), -1 unknown. */
int lr_place_page_node(const void *addr);
/* {numa, device_node, node, cpus, buffer_node, why}; buf may be NULL. */
json_t *lr_place_describe(const struct lr_place *pl, const void *buf);
void lr_place_release(struct lr_place *pl);

#endif
