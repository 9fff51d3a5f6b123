// SPDX-License-Identifier: MIT
/*
 * Bytes mode on a slow link: every byte counted at both ends, in both
 * directions (issue 9). One network namespace whose loopback is shaped by
 * tc tbf to 200 Mb/s; `linerate serve` and `linerate pair --bytes` inside
 * it. On such a link the sender hands its last byte to the kernel long
 * before the receiver has it (the socket buffers hold megabytes): the
 * receiving end must run on until it has counted the whole byte count,
 * even when the peer's result has already arrived.
 *
 * Needs root and `ip netns`; skips otherwise. Only 127.0.0.1 inside the
 * namespace this test creates is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "netns.h"
#include "proc.h"

#define BYTES (20ull << 20) /* --bytes 20M */

static char ns[32];
static struct server srv;
static bool srv_running;

static void setup(void)
{
	netns_require();
	snprintf(ns, sizeof(ns), "lrbytes%d", (int)getpid());
	sh("ip netns del %s 2>/dev/null", ns);
	cr_assert_eq(sh("ip netns add %s && ip -n %s link set lo up && "
			"ip netns exec %s tc qdisc replace dev lo root tbf "
			"rate 200mbit burst 131072 latency 50ms",
			ns, ns, ns),
		     0, "cannot create the shaped namespace %s", ns);
	server_start_ns(&srv, ns, "127.0.0.1");
	srv_running = true;
}

static void teardown(void)
{
	if (srv_running)
		server_stop(&srv);
	if (ns[0])
		sh("ip netns del %s 2>/dev/null", ns);
}

TestSuite(netns_bytes, .init = setup, .fini = teardown, .timeout = 120);

static json_t *pair_bytes(const char *how)
{
	char peer[64];
	const char *const words[] = { "pair",	   "--peer", peer,
				      "--bytes",   "20M",    how,
				      "--streams", "2",	     "--json",
				      NULL };
	struct proc p;
	json_t *doc;
	char *out, *err;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start_ns(&p, ns, words);
	proc_wait(&p, 60000);
	out = proc_slurp(p.out);
	err = proc_slurp(p.err);
	doc = json_loads(out, 0, NULL);
	cr_assert_not_null(doc, "pair %s exited %d, not JSON: %s", how,
			   p.status, err);
	cr_assert_eq(p.status, 0, "pair %s exited %d: %s", how, p.status, err);
	free(out);
	free(err);
	proc_cleanup(&p);
	return doc;
}

static json_int_t count(json_t *d, const char *key)
{
	json_t *v = json_object_get(d, key);

	cr_assert(json_is_integer(v), "'%s' is not a count", key);
	return json_integer_value(v);
}

/* Every direction that ran: as many bytes received as sent, the count. */
static void check_exact(const char *how, unsigned ndirs)
{
	json_t *doc = pair_bytes(how),
	       *dirs = json_object_get(doc, "directions");
	size_t i;
	json_t *d;

	cr_assert_str_eq(json_string_value(json_object_get(doc, "status")),
			 "ok");
	cr_assert_eq(json_array_size(dirs), ndirs);
	json_array_foreach(dirs, i, d) {
		const char *name =
			json_string_value(json_object_get(d, "direction"));

		cr_assert_eq(count(d, "bytes_sent"), (json_int_t)BYTES,
			     "%s %s: sent", how, name);
		cr_assert_eq(count(d, "bytes_received"), (json_int_t)BYTES,
			     "%s %s: %lld of %llu bytes received", how, name,
			     (long long)count(d, "bytes_received"), BYTES);
	}
	json_decref(doc);
}

/* The case: 17.7-19.0 MB of 20.97 MB received, 4 runs of 4. */
Test(netns_bytes, reverse_counts_every_byte)
{
	for (int i = 0; i < 2; i++)
		check_exact("--reverse", 1);
}

Test(netns_bytes, bidir_counts_every_byte)
{
	for (int i = 0; i < 2; i++)
		check_exact("--bidir", 2);
}

/*
 * Latency with a message that takes longer than a second to cross the
 * link: 32 MiB at 200 Mb/s is 1.34 s each way. A round trip may take as
 * long as its bytes need (issue 9: tcp latency allowed 1000 ms per
 * message whatever its size, and failed with 'Connection timed out').
 */
Test(netns_bytes, latency_of_a_message_slower_than_a_second)
{
	char peer[64];
	const char *const words[] = { "pair",	    "--peer", peer,
				      "--latency",  "--size", "32M",
				      "--duration", "3",      "--warmup",
				      "0",	    "--json", NULL };
	struct proc p;
	json_t *doc, *lat;
	char *out, *err;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start_ns(&p, ns, words);
	proc_wait(&p, 60000);
	out = proc_slurp(p.out);
	err = proc_slurp(p.err);
	cr_assert_eq(p.status, 0, "pair exited %d: %s", p.status, err);
	doc = json_loads(out, 0, NULL);
	cr_assert_not_null(doc, "%s", out);
	lat = json_object_get(doc, "latency");
	/* Half a round trip of 2 x 1.34 s is at least 1.34 s. */
	cr_assert_geq(json_number_value(json_object_get(lat, "min_us")), 1.3e6,
		      "%s", out);
	json_decref(doc);
	free(out);
	free(err);
	proc_cleanup(&p);
}
