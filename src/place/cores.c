// SPDX-License-Identifier: MIT
/*
 * place: one CPU per worker out of a candidate set, one physical core each
 * (no worker on an SMT sibling of another), avoiding the cores that other
 * live tests of this process hold; claims are counted process-wide.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "linerate/sysfs.h"
#include "place_int.h"

static pthread_mutex_t claim_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned short claims[CPU_SETSIZE];

/* The SMT siblings of cpu (itself when the topology is not there). */
static void siblings(unsigned cpu, cpu_set_t *out)
{
	char buf[256];

	if (lr_sysfs_read(buf, sizeof(buf),
			  "sys/devices/system/cpu/cpu%u/topology/"
			  "thread_siblings_list",
			  cpu) <= 0 ||
	    lr_cpulist_parse(buf, out) || !CPU_ISSET(cpu, out)) {
		CPU_ZERO(out);
		CPU_SET(cpu, out);
	}
}

static bool core_claimed(const cpu_set_t *core)
{
	for (unsigned c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, core) && claims[c])
			return true;
	return false;
}

/*
 * Order the candidates: the first CPU of every free core, then the first of
 * cores other tests hold, then the remaining siblings. Returns the count.
 */
static unsigned order(const cpu_set_t *cand, int *list, unsigned max,
		      unsigned *nfree)
{
	cpu_set_t seen, core;
	unsigned n = 0;

	*nfree = 0;
	for (int pass = 0; pass < 2; pass++) {
		CPU_ZERO(&seen);
		for (unsigned c = 0; c < CPU_SETSIZE && n < max; c++) {
			if (!CPU_ISSET(c, cand) || CPU_ISSET(c, &seen))
				continue;
			siblings(c, &core);
			CPU_OR(&seen, &seen, &core);
			if (core_claimed(&core) != (pass == 1))
				continue;
			list[n++] = (int)c;
			*nfree += pass == 0;
		}
	}
	for (unsigned c = 0; c < CPU_SETSIZE && n < max; c++) {
		bool used = false;

		for (unsigned i = 0; i < n && !used; i++)
			used = list[i] == (int)c;
		if (CPU_ISSET(c, cand) && !used)
			list[n++] = (int)c;
	}
	return n;
}

void place_pick_cpus(struct lr_place *pl, const cpu_set_t *cand,
		     const char *from)
{
	static int list[CPU_SETSIZE];
	unsigned n, nfree, len = (unsigned)strlen(pl->why);
	char set[128];

	pthread_mutex_lock(&claim_lock);
	n = order(cand, list, CPU_SETSIZE, &nfree);
	for (unsigned i = 0; n && i < pl->n; i++) {
		pl->cpu[i] = list[i % n];
		claims[pl->cpu[i]]++;
	}
	pl->claimed = n > 0;
	pthread_mutex_unlock(&claim_lock);
	lr_cpulist_format(cand, set, sizeof(set));
	if (len >= sizeof(pl->why) - 1)
		return;
	snprintf(pl->why + len, sizeof(pl->why) - len,
		 "%s%u workers on %s CPUs %s%s", len ? "; " : "", pl->n, from,
		 set,
		 nfree >= pl->n ? ", one physical core each" :
				  ": fewer free physical cores than workers, "
				  "some share a core");
}

void place_unclaim(struct lr_place *pl)
{
	if (!pl->claimed)
		return;
	pthread_mutex_lock(&claim_lock);
	for (unsigned i = 0; i < pl->n; i++)
		if (pl->cpu[i] >= 0 && claims[pl->cpu[i]])
			claims[pl->cpu[i]]--;
	pthread_mutex_unlock(&claim_lock);
	pl->claimed = false;
}
