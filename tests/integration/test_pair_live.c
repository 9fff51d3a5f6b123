// SPDX-License-Identifier: MIT
/* Real 'linerate serve' and 'linerate pair' processes on loopback. */
#include <criterion/criterion.h>
#include <math.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/sock.h"
#include "linerate/util.h"
#include "owned.h"
#include "proc.h"

static struct server srv;

static void up(void)
{
	server_start(&srv);
}

static void down(void)
{
	server_stop(&srv);
}

TestSuite(pair_live, .init = up, .fini = down, .timeout = 40);

/* Run pair against srv with extra words; returns its JSON document. */
static json_t *pair(struct proc *p, int expect_rc, const char *const *extra)
{
	const char *words[40] = { "pair", "--json" };
	char peer[64];
	int n = 2;
	json_error_t je;
	json_t *doc;
	char *out;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	words[n++] = "--peer";
	words[n++] = peer;
	while (*extra)
		words[n++] = *extra++;
	words[n] = NULL;
	proc_start(p, words);
	proc_wait(p, 30000);
	out = own_str(proc_slurp(p->out));
	cr_assert_eq(p->status, expect_rc, "exit %d, stderr: %s", p->status,
		     own_str(proc_slurp(p->err)));
	doc = own_json(json_loads(out, 0, &je));
	cr_assert_not_null(doc, "stdout is not JSON: %s\n%s", je.text, out);
	release(out);
	return doc;
}

#define PAIR(p, rc, ...) pair(p, rc, (const char *const[]){ __VA_ARGS__, NULL })

static json_t *dir(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "directions"), i);
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_number(v), "'%s' is not a number", key);
	return json_number_value(v);
}

Test(pair_live, streams_json_document)
{
	struct proc p;
	json_t *doc = PAIR(&p, 0, "--duration", "1", "--warmup", "0.2",
			   "--interval", "0.25", "--streams", "2");
	json_t *d = dir(doc, 0);

	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.result/1");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "status")),
			 "ok");
	cr_assert_str_eq(json_string_value(json_object_get(d, "authority")),
			 "receiver");
	/* loopback moves gigabits: 10 Mb/s only says that bytes moved */
	cr_assert_gt(num(d, "gbps"), 0.01);
	cr_assert_gt(num(d, "bytes_received"), 0);
	/*
	 * The receiver's window is the 1 s asked for, closed at the step the
	 * engine schedules for its end and timed by clock reads around its
	 * counters: 0.1 s is the slack of a busy host waking late.
	 */
	cr_assert_float_eq(num(d, "receiver_seconds"), 1.0, 0.1);
	cr_assert_geq(json_array_size(json_object_get(d, "intervals")), 4);
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(doc, "peer"),
						 "endpoint"),
				 "device")),
			 "lo");
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(doc, "params"), "streams")),
		     2);
	/* counters of both ends' device around the test */
	cr_assert_geq(
		json_integer_value(json_object_get(
			json_object_get(
				json_object_get(
					json_object_get(
						json_object_get(
							json_object_get(
								doc,
								"counters"),
							"peer"),
						"lo"),
					"groups"),
				"lo/statistics"),
			"rx_bytes")),
		num(d, "bytes_received"));
	/* the client's connections' TCP_INFO over the window */
	cr_assert_gt(num(json_object_get(d, "retransmits"), "segments_sent"),
		     0);
	cr_assert_geq(num(json_object_get(d, "retransmits"), "segments"), 0);
	/* gbps is bytes * 8 / seconds / 1e9 of the receiver */
	cr_assert_float_eq(num(d, "gbps"),
			   num(d, "bytes_received") * 8 /
				   num(d, "receiver_seconds") / 1e9,
			   1e-6);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, bidir_has_both_directions)
{
	struct proc p;
	json_t *doc =
		PAIR(&p, 0, "--duration", "0.5", "--warmup", "0.1", "--bidir");

	cr_assert_eq(json_array_size(json_object_get(doc, "directions")), 2);
	cr_assert_str_eq(
		json_string_value(json_object_get(dir(doc, 1), "sender")),
		"server");
	cr_assert_gt(num(dir(doc, 1), "gbps"), 0.01);
	cr_assert_float_eq(num(doc, "total_gbps"),
			   num(dir(doc, 0), "gbps") + num(dir(doc, 1), "gbps"),
			   1e-6);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, reverse_server_sends)
{
	struct proc p;
	json_t *doc =
		PAIR(&p, 0, "--duration", "0.5", "--warmup", "0", "--reverse");

	cr_assert_eq(json_array_size(json_object_get(doc, "directions")), 1);
	cr_assert_str_eq(
		json_string_value(json_object_get(dir(doc, 0), "direction")),
		"s2c");
	cr_assert_gt(num(dir(doc, 0), "bytes_received"), 0);
	/* the server sent: its retransmit counts came with its side */
	cr_assert_gt(num(json_object_get(dir(doc, 0), "retransmits"),
			 "segments_sent"),
		     0);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, fixed_byte_count_exact)
{
	struct proc p;
	json_t *doc = PAIR(&p, 0, "--bytes", "10000001", "--streams", "3",
			   "--size", "64K");

	cr_assert_eq(num(dir(doc, 0), "bytes_received"), 10000001);
	cr_assert_eq(num(dir(doc, 0), "bytes_sent"), 10000001);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, latency_percentiles)
{
	struct proc p;
	json_t *doc = PAIR(&p, 0, "--latency", "--size", "64", "--duration",
			   "0.5", "--warmup", "0");
	json_t *l = json_object_get(doc, "latency");

	cr_assert_not_null(l);
	cr_assert_gt(num(l, "samples"), 100);
	cr_assert_leq(num(l, "median_us"), num(l, "p99_us"));
	cr_assert_leq(num(l, "p99_us"), num(l, "p999_us"));
	cr_assert_leq(num(l, "p999_us"), num(l, "max_us"));
	release(doc);
	proc_cleanup(&p);
}

/*
 * Latency statistics hold the round trips of the window only (issue 9: a
 * 1 s window after a 1 s warm-up gave 89,868 samples for 40,614 round
 * trips). Ping-pong has one message in flight: the client's window counts
 * each message it sent, and a round trip is sampled when it began inside
 * the window. The engine reads the counters and flips the window flag the
 * samples obey a few microseconds apart at each edge, so the two differ by
 * the round trips of those microseconds: measured 0 to 10 of 170,000-
 * 185,000 on loopback (~5.5 us each). 0.1% + 2 holds that with room.
 */
Test(pair_live, latency_samples_are_the_window_s_round_trips)
{
	struct proc p;
	json_t *doc = PAIR(&p, 0, "--latency", "--size", "64", "--duration",
			   "1", "--warmup", "1");
	double samples = num(json_object_get(doc, "latency"), "samples");
	double trips = num(dir(doc, 0), "bytes_sent") / 64;

	cr_assert_gt(trips, 100);
	cr_assert(fabs(samples - trips) <= 0.001 * trips + 2,
		  "%.0f samples for %.0f round trips in the window", samples,
		  trips);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, output_file_written_atomically)
{
	struct proc p;
	char path[] = "/tmp/lr-test-result-XXXXXX";
	int fd = mkstemp(path);
	json_t *doc, *file;

	close(fd);
	doc = PAIR(&p, 0, "--duration", "0.3", "--warmup", "0", "--output",
		   path);
	file = own_json(json_load_file(path, 0, NULL));
	cr_assert_not_null(file);
	cr_assert(json_equal(doc, file), "file and stdout differ");
	release(doc);
	release(file);
	unlink(path);
	proc_cleanup(&p);
}

Test(pair_live, text_output_names_units)
{
	static const char *const w[] = { "pair",     "--duration", "0.3",
					 "--warmup", "0",	   "--peer",
					 NULL,	     NULL };
	const char *words[8];
	char peer[64], *out;
	struct proc p;

	memcpy(words, w, sizeof(w));
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	words[6] = peer;
	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 0);
	out = own_str(proc_slurp(p.out));
	cr_assert(strstr(out, "client->server"), "%s", out);
	cr_assert(strstr(out, "Gb/s = 10^9 bits of payload per second"), "%s",
		  out);
	release(out);
	proc_cleanup(&p);
}

Test(pair_live, concurrent_clients)
{
	struct proc a, b;
	char peer[64];
	const char *words[] = { "pair", "--json", "--duration", "1", "--warmup",
				"0",	"--peer", peer,		NULL };

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start(&a, words);
	proc_start(&b, words);
	cr_assert_eq(proc_wait(&a, 15000), 0, "%s", own_str(proc_slurp(a.err)));
	cr_assert_eq(proc_wait(&b, 15000), 0, "%s", own_str(proc_slurp(b.err)));
	proc_cleanup(&a);
	proc_cleanup(&b);
}

Test(pair_live, server_killed_mid_test)
{
	struct proc p;
	char peer[64];
	const char *words[] = { "pair",	    "--json", "--duration", "8",
				"--warmup", "0",      "--interval", "0.25",
				"--peer",   peer,     NULL };
	uint64_t t0;
	json_t *doc, *d;
	char *out;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start(&p, words);
	lr_sleep_ns(1500000000ull);
	t0 = lr_now_ns();
	proc_kill(&srv.proc, SIGKILL);
	proc_wait(&srv.proc, 5000);
	cr_assert_eq(proc_wait(&p, 10000), 3, "%s", own_str(proc_slurp(p.err)));
	/* the dead server's sockets close at once: the client sees it within
	 * its 200 ms socket timeouts and the engine's 100 ms steps; 3 s is not
	 * a measurement but "it did not wait for the 8 s test to end" */
	cr_assert_lt(lr_now_ns() - t0, 3000000000ull, "client hung");
	out = own_str(proc_slurp(p.out));
	doc = own_json(json_loads(out, 0, NULL));
	cr_assert_not_null(doc, "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "status")),
			 "error");
	cr_assert_geq(json_array_size(json_object_get(doc, "errors")), 1);
	d = dir(doc, 0);
	cr_assert_geq(json_array_size(json_object_get(d, "intervals")), 4,
		      "interval data before the kill is kept");
	cr_assert_gt(num(d, "bytes_sent"), 0);
	release(out);
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, client_killed_server_keeps_serving)
{
	struct proc p;
	char peer[64];
	const char *words[] = {
		"pair", "--duration", "8", "--peer", peer, NULL
	};
	json_t *doc;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start(&p, words);
	lr_sleep_ns(1500000000ull);
	proc_kill(&p, SIGKILL);
	proc_wait(&p, 5000);
	proc_cleanup(&p);
	doc = PAIR(&p, 0, "--duration", "0.3", "--warmup", "0");
	release(doc);
	proc_cleanup(&p);
}

Test(pair_live, refused_port_exit_3)
{
	struct proc p;
	const char *words[] = { "pair", "--json", "--peer", "127.0.0.1:1",
				NULL };
	uint64_t t0 = lr_now_ns();
	char *err;

	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 3);
	cr_assert_lt(lr_now_ns() - t0, 3000000000ull);
	err = own_str(proc_slurp(p.err));
	cr_assert(strstr(err, "cannot reach server 127.0.0.1 port 1: "
			      "Connection refused"),
		  "%s", err);
	release(err);
	proc_cleanup(&p);
}

Test(pair_live, usage_error_exit_2)
{
	struct proc p;
	const char *words[] = { "pair", "--peer", "x", "--size", "0", NULL };
	char *err;

	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 5000), 2);
	err = own_str(proc_slurp(p.err));
	cr_assert(strstr(err, "linerate pair: --size: '0' is out of range"),
		  "%s", err);
	release(err);
	proc_cleanup(&p);
}

Test(silent_peer, bounded_by_connect_timeout)
{
	uint16_t port;
	int lfd = lr_sock_listen("127.0.0.1", 0, 4, &port);
	char peer[64];
	const char *words[] = { "pair", "--connect-timeout",
				"1",	"--peer",
				peer,	NULL };
	struct proc p;
	uint64_t t0 = lr_now_ns();
	char *err;

	/* The kernel completes the connection; nobody ever answers. */
	cr_assert(lfd >= 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", port);
	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 3);
	cr_assert_lt(lr_now_ns() - t0, 3000000000ull);
	err = own_str(proc_slurp(p.err));
	cr_assert(strstr(err, "sent nothing for 1000 ms"), "%s", err);
	release(err);
	close(lfd);
	proc_cleanup(&p);
}

/*
 * A frozen peer (SIGSTOP) in bytes mode: nothing else would end the test.
 * The no-progress watchdog ends it after the endpoint's timeout (here the
 * client's --connect-timeout of 2 s) with the reason (issue 9).
 */
static void frozen_server(const char *how)
{
	struct proc p;
	char peer[64];
	const char *words[] = {
		"pair", "--json", "--bytes", "500G", "--connect-timeout",
		"2",	how,	  "--peer",  peer,   NULL
	};
	uint64_t t0;
	char *out;
	json_t *doc, *e;

	snprintf(peer, sizeof(peer), "127.0.0.1:%u", srv.port);
	proc_start(&p, words);
	lr_sleep_ns(1000000000ull);
	proc_kill(&srv.proc, SIGSTOP);
	t0 = lr_now_ns();
	proc_wait(&p, 20000);
	proc_kill(&srv.proc, SIGCONT);
	cr_assert_eq(p.status, 3, "%s: exit %d: %s", how, p.status,
		     proc_slurp(p.err));
	/* 2 s without progress (seen at a 200 ms socket timeout), then at
	 * most 2 s more for the result of the frozen server; the
	 * kernel's buffers may take a moment to fill first. */
	cr_assert_lt(lr_now_ns() - t0, 8000000000ull, "%s: ended late", how);
	out = proc_slurp(p.out);
	doc = json_loads(out, 0, NULL);
	cr_assert_not_null(doc, "%s", out);
	e = json_array_get(json_object_get(doc, "errors"), 0);
	cr_assert(strstr(json_string_value(json_object_get(e, "message")),
			 "no progress for 2.0 s"),
		  "%s", out);
	free(out);
	json_decref(doc);
	proc_cleanup(&p);
}

Test(pair_live, frozen_server_bytes_mode_sender)
{
	frozen_server("--streams=1");
}

Test(pair_live, frozen_server_bytes_mode_receiver)
{
	frozen_server("--reverse");
}

/* A failed test prints its error alone: no table of '?' and 0.000 on
 * stdout (issue 9); the JSON document keeps what it has. */
Test(pair_live, failed_test_prints_the_error_alone)
{
	struct proc p;
	const char *words[] = { "pair", "--peer", "127.0.0.1:1", NULL };
	char *out, *err;

	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 3);
	out = proc_slurp(p.out);
	err = proc_slurp(p.err);
	cr_assert_str_eq(out, "", "stdout: %s", out);
	cr_assert(strstr(err, "test failed (control): cannot reach server "
			      "127.0.0.1 port 1: Connection refused"),
		  "%s", err);
	cr_assert(!strstr(err, "(null)"), "%s", err);
	free(out);
	free(err);
	proc_cleanup(&p);
}

/* verbs moves whole messages: a --bytes that is not is refused before any
 * connection, with the counts that would do (issue 9: it was rounded up
 * and the whole last message reported). */
Test(pair_live, verbs_bytes_not_whole_messages_exit_2)
{
	struct proc p;
	const char *words[] = { "pair",	   "--transport", "verbs",
				"--bytes", "3000000",	  "--size",
				"64K",	   "--peer",	  "127.0.0.1:1",
				NULL };
	char *err;

	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 10000), 2);
	err = proc_slurp(p.err);
	cr_assert(strstr(err, "verbs moves whole messages: --bytes 3000000 is "
			      "not a multiple of --size 65536 (2949120 or "
			      "3014656 would be)"),
		  "%s", err);
	free(err);
	proc_cleanup(&p);
}
