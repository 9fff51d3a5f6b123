// SPDX-License-Identifier: MIT
/* linerate pair's command line: accepted values and every rejection. */
#include <criterion/criterion.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linerate/util.h"
#include "../../src/cli/pair_int.h"
#include "owned.h"

static char errbuf[1024];

/* Parse argv (NULL-terminated words after "pair"); stderr into errbuf. */
static int parse(struct pair_cli *pc, const char *const *words)
{
	char *argv[32] = { "pair" };
	int argc = 1, saved = dup(2), ret;
	FILE *tmp = tmpfile();
	size_t n;

	while (*words)
		argv[argc++] = (char *)*words++;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	optind = 0;
	ret = pair_parse(argc, argv, pc);
	if (ret < 0)
		own_json(pc->opts);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(errbuf, 1, sizeof(errbuf) - 1, tmp);
	errbuf[n] = '\0';
	fclose(tmp);
	return ret;
}

#define PARSE(pc, ...) parse(pc, (const char *const[]){ __VA_ARGS__, NULL })

Test(pair_args, defaults_and_values)
{
	struct pair_cli pc;

	cr_assert_eq(PARSE(&pc, "--peer", "h1:5000", "--size", "64K",
			   "--streams", "4", "--duration", "2.5", "--bidir",
			   "--json", "--window", "1M"),
		     -1, "%s", errbuf);
	cr_assert_str_eq(pc.host, "h1");
	cr_assert_eq(pc.port, 5000);
	cr_assert_eq(pc.params.msg_size, 65536);
	cr_assert_eq(pc.params.streams, 4);
	cr_assert_float_eq(pc.params.duration_s, 2.5, 1e-12);
	cr_assert_float_eq(pc.params.warmup_s, 1.0, 1e-12);
	cr_assert(pc.params.bidir && pc.json);
	cr_assert_str_eq(pc.params.transport, "tcp");
	cr_assert_eq(json_integer_value(json_object_get(pc.opts, "window")),
		     1 << 20);
	release(pc.opts);
}

Test(pair_args, bytes_mode_has_no_warmup)
{
	struct pair_cli pc;

	cr_assert_eq(PARSE(&pc, "--peer", "h", "--bytes", "1G"), -1, "%s",
		     errbuf);
	cr_assert_eq(pc.params.bytes, 1ull << 30);
	cr_assert_float_eq(pc.params.warmup_s, 0, 1e-12);
	cr_assert_float_eq(pc.params.duration_s, 0, 1e-12);
	release(pc.opts);
}

struct bad {
	const char *words[6];
	const char *says;
};

static const struct bad bads[] = {
	{ { "--peer", "h", "--frobnicate" }, "unknown option '--frobnicate'" },
	{ { "--peer", "h", "--size", "0" },
	  "--size: '0' is out of range (expected 1 B to 64 MiB" },
	{ { "--peer", "h", "--size", "1T" }, "--size: '1T' is out of range" },
	{ { "--peer", "h", "--size", "lots" }, "--size: 'lots' is not a size" },
	{ { "--peer", "h", "--streams", "x" },
	  "--streams: 'x' is not a number (expected an integer from 1 to 128)" },
	{ { "--peer", "h", "--streams", "129" },
	  "--streams: '129' is out of range" },
	{ { "--peer", "h", "--duration", "-3" },
	  "--duration: '-3' is not a duration (expected seconds from 0.01 to 86400" },
	{ { "--peer", "h", "--duration", "0" },
	  "--duration: '0' is out of range" },
	{ { "--peer", "h", "--interval" },
	  "option '--interval' needs a value" },
	{ { "--duration", "5" }, "--peer HOST is required" },
	{ { "--peer", "h:99999" }, "--peer: 'h:99999' is not HOST" },
	{ { "--peer", "h:0" }, "--peer: 'h:0' is not HOST" },
	{ { "--peer", "h", "--transport", "carrier-pigeon" },
	  "unknown transport 'carrier-pigeon' (known: tcp" },
	{ { "--peer", "h", "--bidir", "--reverse" },
	  "--bidir and --reverse exclude each other" },
	{ { "--peer", "h", "--window", "1" }, "--window: '1' is out of range" },
	{ { "--peer", "h", "stray" }, "unexpected argument 'stray'" },
	{ { "--peer", "h", "--latency", "--streams", "2" },
	  "tcp latency mode takes one stream" },
};

Test(pair_args, every_bad_input_exits_2_naming_the_flag)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct pair_cli pc;

		cr_assert_eq(parse(&pc, bads[i].words), LR_EXIT_USAGE,
			     "case %zu accepted", i);
		cr_assert(strstr(errbuf, bads[i].says),
			  "case %zu: '%s' lacks '%s'", i, errbuf, bads[i].says);
		cr_assert(strncmp(errbuf, "linerate pair: ", 15) == 0, "%s",
			  errbuf);
		cr_assert_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1,
			     "one line: %s", errbuf);
	}
}

/* verbs without --qps: READ and messages of 1 MiB and more get more QPs,
 * with the reason; --qps and other transports keep what they say. */
Test(pair_args, verbs_default_qps)
{
	struct pair_cli pc;

	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--op",
			   "read"),
		     -1, "%s", errbuf);
	cr_assert_eq(pc.params.streams, 4);
	cr_assert(strstr(pc.qps_why, "16 READs in flight"), "%s", pc.qps_why);
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--op",
			   "read", "--qps", "1"),
		     -1, "%s", errbuf);
	cr_assert_eq(pc.params.streams, 1);
	cr_assert_str_eq(pc.qps_why, "");
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--size",
			   "1M"),
		     -1, "%s", errbuf);
	cr_assert_eq(pc.params.streams, 8);
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs"), -1,
		     "%s", errbuf);
	cr_assert_eq(pc.params.streams, 1, "WRITE below 1 MiB keeps 1 QP");
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--size", "4M"), -1, "%s",
		     errbuf);
	cr_assert_eq(pc.params.streams, 1, "tcp keeps 1 stream");
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--op",
			   "read", "--latency", "--op", "write"),
		     -1, "%s", errbuf);
	cr_assert_eq(pc.params.streams, 1, "latency keeps 1 QP");
	release(pc.opts);
}

Test(pair_args, numa_and_cpus)
{
	struct pair_cli pc;

	cr_assert_eq(PARSE(&pc, "--peer", "h", "--numa", "1", "--cpus", "2-3"),
		     -1, "%s", errbuf);
	cr_assert_eq(pc.place.numa, LR_NUMA_NODE);
	cr_assert_eq(pc.place.node, 1);
	cr_assert(pc.place.have_cpus && CPU_ISSET(3, &pc.place.cpus));
	release(pc.opts);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--numa", "far"), 2);
	cr_assert(strstr(errbuf, "--numa: 'far'"), "%s", errbuf);
}

Test(pair_args, verbs_threads_need_a_qp_each)
{
	struct pair_cli pc;

	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--qps",
			   "2", "--threads", "3"),
		     2);
	cr_assert(strstr(errbuf, "--threads 3 is above the QPs per direction "
				 "(2)"),
		  "%s", errbuf);
	cr_assert_eq(PARSE(&pc, "--peer", "h", "--transport", "verbs", "--qps",
			   "4", "--threads", "2"),
		     -1, "%s", errbuf);
	release(pc.opts);
}
