// SPDX-License-Identifier: MIT
/*
 * Topology files: what loads, and every problem with its message and its
 * position (line:column, 1-based).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

/* Line numbers below refer to this text. */
#define PROFILES                          \
	"version: 1\n" /* 1 */            \
	"profiles:\n" /* 2 */             \
	"  p:\n" /* 3 */                  \
	"    link: ethernet\n" /* 4 */    \
	"    transport: rocev2\n" /* 5 */ \
	"    rate: 400G\n" /* 6 */        \
	"    mtu: 9000\n" /* 7 */
#define HOSTS                                                  \
	"hosts:\n" /* 8 */                                     \
	"  h:\n" /* 9 */                                       \
	"    nics:\n" /* 10 */                                 \
	"      - { name: n0, profile: p, rail: 0 }\n" /* 11 */ \
	"      - { name: n1, profile: p, rail: 1 }\n" /* 12 */
#define SERVERS                        \
	"servers:\n" /* 13 */          \
	"  - hosts: s[1-4]\n" /* 14 */ \
	"    template: h\n" /* 15 */
#define SWITCHES                         \
	"switches:\n" /* 16 */           \
	"  - name: leaf[0-1]\n" /* 17 */ \
	"    tier: leaf\n" /* 18 */      \
	"    ports: 8\n" /* 19 */        \
	"    rail: 0-1\n" /* 20 */       \
	"    servers: s[1-4]\n" /* 21 */

Test(parse, a_valid_topology)
{
	struct lr_topo *t = load_ok(PROFILES HOSTS SERVERS SWITCHES);

	cr_assert_eq(t->n_profiles, 1);
	cr_assert_eq(t->profiles[0].mtu, 9000);
	cr_assert_eq(lr_profile_path_mtu(&t->profiles[0]), 4096);
	cr_assert_eq(t->n_servers, 4);
	cr_assert_eq(t->n_nics, 8);
	cr_assert_eq(t->n_switches, 2);
	cr_assert_str_eq(t->servers[3].name, "s4");
	cr_assert_eq(lr_topo_find_server(t, "s3"), 2);
	cr_assert_eq(lr_topo_find_switch(t, "leaf1"), 1);
	cr_assert_eq(t->nics[3].leaf, 1, "s2/n1 is on rail 1: leaf1");
	cr_assert_eq(t->switches[0].n_down, 4);
	cr_assert_float_eq(t->switches[0].down_gbps, 1600, 1e-9);
	cr_assert_eq(t->routing, LR_ROUTE_ADAPTIVE);
	cr_assert_float_eq(t->tolerance, 0.05, 1e-12);
	release(t);
}

Test(parse, unknown_key)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 1\nprofiles:\n  p:\n    link: ethernet\n"
		 "    transport: rocev2\n    rate: 400G\n    mtux: 9000\n" HOSTS
			 SERVERS,
		 d);
	expect_diag(d, 7, 5,
		    "unknown key 'mtux' in a link profile "
		    "(expected one of: link, transport, rate, ip, vlan, grh, "
		    "mtu, path_mtu, tcp_timestamps, lossless_dscp)");
	lr_diags_free(d);
}

Test(parse, unknown_key_at_the_top)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS "colour: blue\n", d);
	expect_diag(d, 16, 1, "unknown key 'colour' at the top");
	lr_diags_free(d);
}

Test(parse, bad_rate)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 1\nprofiles:\n  p:\n    link: ethernet\n"
		 "    transport: rocev2\n    rate: 250q\n    mtu: 9000\n" HOSTS
			 SERVERS,
		 d);
	cr_assert_eq(d->n, 1);
	expect_diag(d, 6, 11,
		    "unknown link rate '250q' (expected e.g. "
		    "400G, 250M or 1.6T)");
	lr_diags_free(d);
}

Test(parse, yaml_syntax_error)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 1\nprofiles:\n  p: [a, b\n  q: 1\n", d);
	cr_assert_eq(d->n, 1);
	cr_assert_eq(d->v[0].line, 4);
	cr_assert(strstr(d->v[0].msg, "YAML syntax: did not find expected "
				      "',' or ']'"),
		  "%s", d->v[0].msg);
	lr_diags_free(d);
}

Test(parse, unknown_profile_and_template)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES "hosts:\n  h:\n    nics:\n"
			  "      - { name: n0, profile: q, rail: 0 }\n"
			  "servers:\n  - hosts: s[1-2]\n    template: g\n",
		 d);
	expect_diag(d, 11, 30,
		    "unknown profile 'q' (expected a name "
		    "defined under 'profiles')");
	expect_diag(d, 14, 15, "unknown host template 'g'");
	lr_diags_free(d);
}

Test(parse, missing_and_mistyped)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES "hosts:\n  h:\n    nics:\n"
			  "      - { name: n0, rail: 0 }\n"
			  "      - { name: n1, profile: p, rail: x }\n"
			  "servers: 5\n",
		 d);
	expect_diag(d, 11, 9, "a NIC without 'profile'");
	expect_diag(d, 12, 39,
		    "'x' for rail (expected an integer from 0 "
		    "to 1023)");
	expect_diag(d, 13, 10,
		    "'5' where a list of server entries was "
		    "expected");
	lr_diags_free(d);
}

Test(parse, version_and_sections)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 2\n", d);
	expect_diag(d, 1, 10,
		    "'2' for version (expected an integer from 1 "
		    "to 1)");
	lr_diags_free(d);
	load_bad("version: 1\nprofiles: {}\n", d);
	expect_diag(d, 1, 1, "no 'hosts' section");
	lr_diags_free(d);
	load_bad("", d);
	cr_assert(strstr(d->v[0].msg, "empty file"));
	lr_diags_free(d);
}

Test(parse, bad_pcie_and_host_range)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES "hosts:\n  h:\n    nics:\n"
			  "      - { name: n0, profile: p, pcie: gen7 x16 }\n"
			  "servers:\n  - hosts: s[1-2\n    template: h\n",
		 d);
	expect_diag(d, 11, 39,
		    "'gen7 x16' for PCIe link (expected e.g. "
		    "'gen5 x16'");
	expect_diag(d, 13, 12, "bad host range 's[1-2': '[' without ']'");
	lr_diags_free(d);
}

Test(parse, profile_combinations)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 1\nprofiles:\n  p:\n    link: ethernet\n"
		 "    transport: ib\n    rate: 400G\n" HOSTS SERVERS,
		 d);
	expect_diag(d, 4, 5,
		    "profile 'p': transport ib on a ethernet link "
		    "(expected link: infiniband)");
	lr_diags_free(d);
	load_bad("version: 1\nprofiles:\n  p:\n    link: ethernet\n"
		 "    transport: rocev2\n    rate: 400G\n    mtu: 1500\n"
		 "    path_mtu: 4096\n" HOSTS SERVERS,
		 d);
	expect_diag(d, 4, 5,
		    "path_mtu 4096 does not fit in mtu 1500 "
		    "(expected at most 1024: MTU - 96)");
	lr_diags_free(d);
}

/* ---- inconsistent topologies: every problem listed ---- */

Test(parse, nic_on_a_rail_with_no_leaf)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS
		 "switches:\n  - name: leaf0\n"
		 "    tier: leaf\n    rail: 0\n    servers: s[1-4]\n",
		 d);
	cr_assert_eq(d->n, 4, "one per server");
	expect_diag(d, 14, 12,
		    "NIC s1/n1 on rail 1 has no leaf switch "
		    "(expected a leaf with rail: 1 whose servers include s1, "
		    "or a link)");
	expect_diag(d, 14, 12, "NIC s4/n1 on rail 1 has no leaf switch");
	lr_diags_free(d);
}

Test(parse, more_ports_than_the_switch_has)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS
		 "switches:\n  - name: leaf[0-1]\n"
		 "    tier: leaf\n    ports: 3\n    rail: 0-1\n"
		 "    servers: s[1-4]\n",
		 d);
	cr_assert_eq(d->n, 2);
	expect_diag(d, 17, 11,
		    "switch 'leaf0' needs 4 ports (4 down, 0 up) "
		    "but has 3 (expected at most 3 links)");
	expect_diag(d, 17, 11, "switch 'leaf1' needs 4 ports");
	lr_diags_free(d);
}

Test(parse, duplicate_host)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS "  - hosts: s[4-5]\n"
					"    template: h\n" SWITCHES,
		 d);
	cr_assert_eq(d->n, 3, "duplicate s4, and s5's two NICs unwired");
	expect_diag(d, 16, 12, "NIC s5/n1 on rail 1 has no leaf switch");
	expect_diag(d, 16, 12,
		    "duplicate server 's4' (first defined at "
		    "14:12)");
	lr_diags_free(d);
}

Test(parse, all_problems_at_once)
{
	struct lr_diags *d = new_diags();

	/* a duplicate host, a rail without a leaf, too few ports */
	load_bad(PROFILES HOSTS SERVERS
		 "  - hosts: s1\n    template: h\n"
		 "switches:\n  - name: leaf0\n    tier: leaf\n    ports: 2\n"
		 "    rail: 0\n    servers: s[1-4]\n",
		 d);
	expect_diag(d, 16, 12, "duplicate server 's1'");
	expect_diag(d, 14, 12, "NIC s2/n1 on rail 1 has no leaf switch");
	expect_diag(d, 19, 11, "switch 'leaf0' needs 4 ports");
	cr_assert_eq(d->n, 6, "1 duplicate + 4 unwired + 1 ports");
	expect_diag(d, 14, 12, "NIC s1/n1 on rail 1 has no leaf switch");
	lr_diags_free(d);
}

Test(parse, nic_wired_twice_and_missing_rail)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS
		 "switches:\n  - name: a\n"
		 "    tier: leaf\n    servers: s1\n  - name: b\n"
		 "    tier: leaf\n    servers: s[1-4]\n  - name: c\n"
		 "    tier: leaf\n    rail: 5\n    servers: s2\n",
		 d);
	expect_diag(d, 22, 14,
		    "NIC s1/n0 is connected to both 'a' and 'b' "
		    "(expected one leaf per NIC)");
	expect_diag(d, 26, 14,
		    "server 's2' (host 'h') has no NIC on rail 5, "
		    "which 'c' connects");
	lr_diags_free(d);
}

Test(parse, uplinks_and_up)
{
	struct lr_diags *d = new_diags();

	load_bad(PROFILES HOSTS SERVERS SWITCHES
		 "    uplinks: 3\n"
		 "    uplink_rate: 400G\n    up: spine[1-2]\n"
		 "  - name: spine1\n    tier: spine\n",
		 d);
	expect_diag(d, 24, 9,
		    "3 uplinks of 'leaf0' do not spread evenly "
		    "over 2 switches (expected a multiple of 2)");
	expect_diag(d, 24, 9, "unknown switch 'spine2' above 'leaf0'");
	lr_diags_free(d);
}

Test(parse, explicit_links)
{
	struct lr_diags *d = new_diags();
	struct lr_topo *t = load_ok(PROFILES HOSTS SERVERS SWITCHES
				    "links:\n  - { nic: s2/n0, rate: 200G }\n"
				    "  - { nic: s3/n1, switch: leaf0 }\n");

	cr_assert_float_eq(t->nics[2].rate_gbps, 200, 1e-6);
	cr_assert_eq(t->nics[5].leaf, 0, "moved to leaf0");
	cr_assert_eq(t->switches[0].n_down, 5);
	cr_assert_eq(t->switches[1].n_down, 3);
	release(t);
	load_bad(PROFILES HOSTS SERVERS SWITCHES
		 "links:\n  - { nic: s9/n0, rate: 200G }\n"
		 "  - { nic: s1/n0, switch: leaf7 }\n",
		 d);
	expect_diag(d, 23, 5,
		    "unknown NIC 's9/n0' (expected SERVER/NIC of "
		    "a defined server)");
	expect_diag(d, 24, 5, "unknown switch 'leaf7'");
	lr_diags_free(d);
	load_bad(PROFILES HOSTS SERVERS SWITCHES
		 "links:\n  - { nic: s1, rate: 1G }\n",
		 d);
	expect_diag(d, 23, 12, "'s1' for nic (expected SERVER/NIC");
	lr_diags_free(d);
}

Test(parse, unreadable_file)
{
	struct lr_diags *d = new_diags();
	struct lr_topo *t = NULL;

	cr_assert_eq(lr_topo_load("/nonexistent/t.yaml", d, &t), -ENOENT);
	cr_assert_null(t);
	lr_diags_free(d);
}

Test(parse, routing_and_tolerance)
{
	struct lr_diags *d = new_diags();
	struct lr_topo *t =
		load_ok(PROFILES HOSTS SERVERS SWITCHES
			"routing:\n  mode: ecmp\n  qps_per_flow: 4\n"
			"tolerance: 0.1\n");

	cr_assert_eq(t->routing, LR_ROUTE_ECMP);
	cr_assert_eq(t->qps_per_flow, 4);
	cr_assert_float_eq(t->tolerance, 0.1, 1e-12);
	release(t);
	load_bad(PROFILES HOSTS SERVERS SWITCHES "routing:\n  mode: spray\n",
		 d);
	expect_diag(d, 23, 9,
		    "'spray' for routing mode (expected one of: "
		    "adaptive, ecmp)");
	lr_diags_free(d);
}

Test(parse, pcie_transfer_sizes)
{
	struct lr_diags *d = new_diags();
	struct lr_topo *t;

	t = load_ok(PROFILES "hosts:\n  h:\n"
			     "    pcie_max_read_request: 4096\n"
			     "    pcie_read_completion: 64\n"
			     "    nics: [ { name: n0, profile: p } ]\n" SERVERS
			     "switches: [ { name: l, tier: leaf, servers: "
			     "\"s[1-4]\" } ]\n");
	cr_assert_eq(t->tmpls[0].max_payload, 256, "default MPS");
	cr_assert_eq(t->tmpls[0].max_read_req, 4096);
	cr_assert_eq(t->tmpls[0].read_completion, 64);
	release(t);
	t = load_ok(PROFILES HOSTS SERVERS SWITCHES);
	cr_assert_eq(t->tmpls[0].max_read_req, 512, "default MRRS");
	cr_assert_eq(t->tmpls[0].read_completion, 0, "default: the MPS");
	release(t);
	load_bad(PROFILES "hosts:\n  h:\n"
			  "    pcie_max_read_request: 300\n"
			  "    pcie_read_completion: 32\n"
			  "    nics: [ { name: n0, profile: p } ]\n" SERVERS,
		 d);
	expect_diag(d, 10, 28,
		    "'300' for pcie_max_read_request (expected a power of two "
		    "from 128 to 4096)");
	expect_diag(
		d, 11, 27,
		"'32' for pcie_read_completion (expected an integer from 64");
	lr_diags_free(d);
}
