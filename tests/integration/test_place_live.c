// SPDX-License-Identifier: MIT
/*
 * Placement seen from outside: a real 'linerate pair' over loopback TCP
 * with the sysfs root on a fixture whose "lo" has numa_node 0 and
 * local_cpulist 1 (tests/fixtures/sysfs/place). The workers' affinity is
 * read from /proc/PID/task/TID/status while the test runs; the results'
 * placement is read from the JSON document.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

static struct server srv;

static void up(void)
{
	cpu_set_t s;

	cr_assert_eq(sched_getaffinity(0, sizeof(s), &s), 0);
	if (!CPU_ISSET(0, &s) || !CPU_ISSET(1, &s))
		cr_skip_test("CPUs 0 and 1 are not both allowed here");
	server_start(&srv);
}

static void down(void)
{
	server_stop(&srv);
}

TestSuite(place_live, .init = up, .fini = down, .timeout = 40);

/* The Cpus_allowed_list of every lr-worker thread of pid, joined by ' '. */
static void worker_cpus(pid_t pid, char *out, size_t len)
{
	char path[320], comm[32], line[256];
	struct dirent *e;
	DIR *d;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid,
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) ||
		    strncmp(comm, "lr-worker-", 10)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
			 (int)pid, e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (strncmp(line, "Cpus_allowed_list:", 18))
				continue;
			line[strcspn(line, "\n")] = '\0';
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 out[0] ? " " : "",
				 line + 18 + strspn(line + 18, " \t"));
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* This process's allowed CPUs, as the kernel lists them. */
static void own_cpus(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cpus_allowed_list:", 18)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s",
				 line + 18 + strspn(line + 18, " \t"));
		}
	if (f)
		fclose(f);
}

/* Run a 2 s bidirectional test (two workers), sample the workers'
 * affinity in the middle; returns the client's placement object. */
static json_t *run(const char *numa, char *cpus, size_t len)
{
	const char *words[16] = { "pair",     "--json", "--duration", "2",
				  "--warmup", "0",	"--bidir" };
	char peer[64], fx[4096];
	int n = 7;
	struct proc p;
	json_t *doc, *pl;
	char *out;

	snprintf(fx, sizeof(fx), "%s/tests/fixtures/sysfs/place",
		 getenv("LINERATE_SOURCE_ROOT"));
	setenv("LINERATE_SYSFS_ROOT", fx, 1);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	words[n++] = "--peer";
	words[n++] = peer;
	if (numa) {
		words[n++] = "--numa";
		words[n++] = numa;
	}
	words[n] = NULL;
	proc_start(&p, words);
	unsetenv("LINERATE_SYSFS_ROOT");
	usleep(1000000);
	worker_cpus(p.pid, cpus, len);
	proc_wait(&p, 30000);
	out = proc_slurp(p.out);
	cr_assert_eq(p.status, 0, "exit %d: %s", p.status, proc_slurp(p.err));
	doc = json_loads(out, 0, NULL);
	cr_assert(doc, "not JSON: %s", out);
	free(out);
	pl = json_object_get(
		json_object_get(json_object_get(doc, "local"), "endpoint"),
		"placement");
	cr_assert(json_is_object(pl), "no placement in the results");
	json_incref(pl);
	json_decref(doc);
	proc_cleanup(&p);
	return pl;
}

static json_int_t ival(json_t *o, const char *k)
{
	cr_assert(json_is_integer(json_object_get(o, k)), "no '%s'", k);
	return json_integer_value(json_object_get(o, k));
}

Test(place_live, workers_and_buffer_follow_the_device)
{
	char cpus[256];
	json_t *pl = run(NULL, cpus, sizeof(cpus));

	cr_assert_str_eq(cpus, "1 1", "workers' affinity: '%s'", cpus);
	cr_assert_eq(ival(pl, "device_node"), 0);
	cr_assert_eq(ival(pl, "node"), 0);
	cr_assert_eq(ival(pl, "buffer_node"), 0);
	cr_assert_eq(json_array_size(json_object_get(pl, "cpus")), 2);
	json_decref(pl);
}

Test(place_live, numa_off_leaves_workers_alone)
{
	char cpus[256], all[128], want[260];
	json_t *pl = run("off", cpus, sizeof(cpus));

	own_cpus(all, sizeof(all));
	snprintf(want, sizeof(want), "%s %s", all, all);
	cr_assert_str_eq(cpus, want, "workers' affinity: '%s'", cpus);
	cr_assert_eq(ival(pl, "node"), -1);
	cr_assert_eq(json_array_size(json_object_get(pl, "cpus")), 0);
	json_decref(pl);
}

Test(place_live, taskset_honoured)
{
	char cpus[256];
	cpu_set_t s;
	json_t *pl;

	/* As `taskset -c 0 linerate pair ...`: the child inherits it. */
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	cr_assert_eq(sched_setaffinity(0, sizeof(s), &s), 0);
	pl = run(NULL, cpus, sizeof(cpus));
	cr_assert_str_eq(cpus, "0 0", "workers' affinity: '%s'", cpus);
	json_decref(pl);
}
