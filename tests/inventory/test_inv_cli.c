// SPDX-License-Identifier: MIT
/* `linerate devices` and `linerate preflight` as a user runs them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "owned.h"

static char out[65536];

/* Run linerate with the fixture as sysfs root; stdout+stderr in out. */
static int run(const char *fixture, const char *args)
{
	const char *bin = getenv("LINERATE_BIN");
	const char *src = getenv("LINERATE_SOURCE_ROOT");
	char cmd[2048];
	size_t n;
	FILE *p;
	int st;

	cr_assert_not_null(bin);
	snprintf(cmd, sizeof(cmd),
		 "cd %s/tests/fixtures && "
		 "LINERATE_SYSFS_ROOT=sysfs/%s %s %s 2>&1",
		 src ? src : ".", fixture, bin, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cli, devices_text)
{
	cr_assert_eq(run("roce-gen4", "devices"), 0);
	cr_assert_not_null(strstr(out,
				  "! mlx5_0/1  Ethernet  ACTIVE/LinkUp  "
				  "400 Gb/s 4X NDR  mtu 4096  netdev ens1np0  "
				  "pci 0000:18:00.0 Gen4 x16 mps 256 mrrs 512  "
				  "numa 0  switch "
				  "0000:16:00.0  ! PCIe 0000:18:00.0 at Gen4 "
				  "x16, capable of Gen5 x16"),
			   "%s", out);
}

Test(cli, devices_json_is_versioned)
{
	json_t *doc;

	cr_assert_eq(run("ib-ndr", "devices --json"), 0);
	doc = own_json(json_loads(out, 0, NULL));
	cr_assert_not_null(doc, "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.devices/1");
	cr_assert_eq(json_array_size(json_object_get(doc, "rdma")), 2);
	release(doc);
}

Test(cli, devices_bad_usage)
{
	cr_assert_eq(run("roce-cx7", "devices --jsn"), 2);
	cr_assert_str_eq(out, "linerate devices: unknown option '--jsn' "
			      "(see 'linerate devices --help')\n");
	cr_assert_eq(run("roce-cx7", "devices extra"), 2);
	cr_assert_eq(run("roce-cx7", "devices --help"), 0);
}

Test(cli, preflight_clean_exits_0)
{
	cr_assert_eq(run("roce-cx7", "preflight topo/roce-cx7.yaml "
				     "--host node2 --interval 0"),
		     0, "%s", out);
	cr_assert_str_eq(out, "node2: 2 NICs checked against "
			      "topo/roce-cx7.yaml (gpu-node): clean\n");
}

Test(cli, preflight_findings_exit_1)
{
	cr_assert_eq(run("roce-gen4", "preflight --host node1 --interval 0 "
				      "topo/roce-cx7.yaml"),
		     1);
	cr_assert_str_eq(out,
			 "! mlx5_0 PCIe Gen4 x16, expected Gen5 x16: "
			 "ceiling ~225.51 Gb/s instead of 392.14 Gb/s\n"
			 "node1: 2 NICs checked against topo/roce-cx7.yaml "
			 "(gpu-node): 1 finding\n");
}

Test(cli, preflight_json)
{
	json_t *doc;

	cr_assert_eq(run("roce-mtu1500", "preflight topo/roce-cx7.yaml "
					 "--host node1 --interval 0 --json"),
		     1);
	doc = own_json(json_loads(out, 0, NULL));
	cr_assert_not_null(doc, "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.preflight/1");
	cr_assert_eq(json_array_size(json_object_get(doc, "findings")), 1);
	release(doc);
}

Test(cli, preflight_bad_input_exits_2)
{
	cr_assert_eq(run("roce-cx7", "preflight"), 2);
	cr_assert_str_eq(out, "linerate preflight: missing TOPOLOGY (see "
			      "'linerate preflight --help')\n");
	cr_assert_eq(run("roce-cx7", "preflight topo/roce-cx7.yaml "
				     "--host nosuch"),
		     2);
	cr_assert_str_eq(out,
			 "linerate preflight: topo/roce-cx7.yaml: no "
			 "server 'nosuch' (use --host NAME with a server of "
			 "the topology)\n");
	cr_assert_eq(run("roce-cx7", "preflight topo/roce-cx7.yaml "
				     "--interval -1"),
		     2);
	cr_assert_not_null(strstr(out, "--interval: '-1'"), "%s", out);
	cr_assert_eq(run("roce-cx7", "preflight topo/missing.yaml"), 2);
	cr_assert_eq(run("roce-cx7", "preflight topo/bad.yaml --host n1"), 2);
	cr_assert_not_null(strstr(out, "topo/bad.yaml:7:5: "), "%s", out);
}

/* Without --host, the refusal names the host name that was tried. */
Test(cli, preflight_names_the_host_it_tried)
{
	char host[256] = "", want[512];

	cr_assert_eq(gethostname(host, sizeof(host) - 1), 0);
	cr_assert_eq(run("roce-cx7", "preflight topo/roce-cx7.yaml"), 2, "%s",
		     out);
	snprintf(want, sizeof(want), "no server '%s", host);
	cr_assert_not_null(strstr(out, want), "%s", out);
	cr_assert_not_null(strstr(out, "this host's name"), "%s", out);
}

/* A sysfs root that is not there is bad input, named with its variable. */
Test(cli, missing_sysfs_root_exits_2)
{
	cr_assert_eq(run("../nonexistent", "devices"), 2, "%s", out);
	cr_assert_not_null(strstr(out, "linerate devices: LINERATE_SYSFS_ROOT="
				       "sysfs/../nonexistent: No such file"),
			   "%s", out);
	cr_assert_eq(run("../nonexistent", "preflight topo/roce-cx7.yaml "
					   "--host n1"),
		     2, "%s", out);
	cr_assert_not_null(strstr(out, "LINERATE_SYSFS_ROOT="), "%s", out);
}
