// SPDX-License-Identifier: MIT
/* `linerate model` as a user runs it: output, exit codes, messages. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "helpers.h"

static char out[1 << 20];

/* Run linerate with args (stderr to out too); returns the exit status. */
static int run(const char *args)
{
	const char *bin = getenv("LINERATE_BIN");
	char cmd[2048];
	size_t n;
	FILE *p;
	int st;

	if (!bin)
		cr_skip_test("LINERATE_BIN is not set (run under meson test)");
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' model %s 2>&1",
		 LR_SOURCE_ROOT, bin, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

#define assert_out(s) cr_assert(strstr(out, s), "no '%s' in:\n%s", s, out)

Test(cli, colossus_rack)
{
	cr_assert_eq(run("topologies/colossus-rack.yaml"), 0);
	assert_out("Gb/s = 10^9 bits of payload per second");
	assert_out("392.14  nic-link-tx: 400G RoCEv2/IPv4, 4096 B payload + "
		   "82 B per packet");
	assert_out("3600.00    3529.34  nic-link-tx  (3.529 of 3.600 Tb/s)");
	assert_out("  bisection");
}

Test(cli, json)
{
	cr_assert_eq(run("topologies/superpod-ndr.yaml --json -p pair"), 0);
	assert_out("\"schema\": \"linerate.model/1\"");
	assert_out("\"expected_gbps\": 397.4769");
}

Test(cli, conditions)
{
	cr_assert_eq(run("topologies/colossus-rack.yaml -p server --numa "
			 "remote"),
		     0);
	assert_out("conditions: RDMA write (TCP: stream), large messages, "
		   "host buffers, remote NUMA node");
	/* 5 NICs on node 0 and 4 on node 1: 768G each way */
	assert_out("3600.00    1536.00  inter-socket-tx");
	cr_assert_eq(run("topologies/colossus-rack.yaml -p server --numa "
			 "remote --memory gpu --op read --size 64K"),
		     0);
	assert_out("RDMA read (TCP: stream), 65536-byte messages, GPU buffers");
}

Test(cli, bad_pattern)
{
	cr_assert_eq(run("topologies/virtual-rack.yaml --pattern pair,ring"),
		     2);
	cr_assert_str_eq(out,
			 "linerate model: --pattern: 'ring' is not a "
			 "pattern (expected pair, server, rail, all-to-all, "
			 "bisection or all)\n");
}

Test(cli, usage_errors)
{
	cr_assert_eq(run(""), 2);
	assert_out("linerate model: no topology (expected one TOPOLOGY file");
	cr_assert_eq(run("a.yaml b.yaml"), 2);
	assert_out("more than one topology");
	cr_assert_eq(run("--bogus topologies/virtual-rack.yaml"), 2);
	assert_out("unknown option '--bogus'");
	cr_assert_eq(run("topologies/virtual-rack.yaml --pattern"), 2);
	assert_out("option '--pattern' needs a value");
	cr_assert_eq(run("topologies/virtual-rack.yaml --op put"), 2);
	assert_out("linerate model: --op: 'put' is not one of write, read or "
		   "send");
	cr_assert_eq(run("topologies/virtual-rack.yaml --size 2G"), 2);
	assert_out("--size: '2G' is out of range (expected 1 B to 1 GiB");
	cr_assert_eq(run("--help"), 0);
	assert_out("usage: linerate model TOPOLOGY");
}

Test(cli, bad_topology)
{
	cr_assert_eq(run("/nonexistent.yaml"), 2);
	assert_out("cannot read topology '/nonexistent.yaml': No such file");
	cr_assert_eq(run("topologies/README.md"), 2);
	assert_out("topologies/README.md:");
}

/* The NIC's engines in limited_by (docs/model.md). */
Test(cli, read_engine_qps_and_message_rate)
{
	cr_assert_eq(run("topologies/superpod-ndr.yaml -p pair --op read "
			 "--qps 1 --size 1M"),
		     0);
	assert_out("1048576-byte messages, 1 QP per flow");
	assert_out("330.00  qp-read-engine: 1 QP x 330G READ engine "
		   "(connectx-7)");
	cr_assert_eq(run("topologies/superpod-ndr.yaml -p pair --op read "
			 "--qps 2 --size 1M --json"),
		     0);
	assert_out("\"limited_by\": {\n            \"kind\": \"nic-link-tx\"");
	/* 64-byte WRITEs: 370M messages/s x 512 bits = 189.44 Gb/s */
	cr_assert_eq(run("topologies/superpod-ndr.yaml -p pair --size 64"), 0);
	assert_out("189.44  message-rate: 370M messages/s of 64 B "
		   "(connectx-7)");
	assert_out("cannot judge 1 flow: unknown-message-rate");
	cr_assert_eq(run("topologies/superpod-ndr.yaml -p pair --size 64 "
			 "--json"),
		     0);
	assert_out("\"judgeable\": false");
	assert_out("\"cannot_judge\": \"unknown-message-rate\"");
	assert_out("\"kind\": \"message-rate\"");
}

Test(cli, read_outstanding_and_qp_message_rate)
{
	FILE *f = fopen("/tmp/lr-model-cli-nic.yaml", "w");

	cr_assert_not_null(f);
	fputs("version: 1\n"
	      "profiles: { ndr: { link: infiniband, transport: ib, rate: "
	      "400G } }\n"
	      "hosts:\n  h:\n    nics:\n"
	      "      - { name: a, profile: ndr, model: connectx-7, "
	      "read_rtt: 3us, msg_rate_qp: 10M }\n"
	      "servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
	      "switches: [ { name: l, tier: leaf, servers: \"s[1-2]\" } ]\n",
	      f);
	fclose(f);
	/*
	 * 16 x 32768 bits / (3000 + 82.52) ns = 170.08 Gb/s (82.52 ns: the
	 * 4096-byte READ response at the link's 397.09 with its AETH)
	 */
	cr_assert_eq(run("/tmp/lr-model-cli-nic.yaml -p pair --op read "
			 "--size 4096"),
		     0);
	assert_out("170.08  read-outstanding: 1 QP x 16 outstanding READs of "
		   "4096 B per 3 us round trip (connectx-7)");
	/* 10M/s x 4096 B x 8 = 327.68 Gb/s per QP */
	cr_assert_eq(run("/tmp/lr-model-cli-nic.yaml -p pair --op write "
			 "--size 4096"),
		     0);
	assert_out("327.68  qp-message-rate: 1 QP x 10M messages/s of 4096 B");
	cr_assert_eq(run("/tmp/lr-model-cli-nic.yaml -p pair --op read "
			 "--size 4096 --outstanding 2 --json"),
		     0);
	assert_out("\"outstanding_reads\": 2");
	assert_out("\"kind\": \"read-outstanding\"");
	cr_assert_eq(run("/tmp/lr-model-cli-nic.yaml --qps 0"), 2);
	assert_out("--qps");
	remove("/tmp/lr-model-cli-nic.yaml");
}
