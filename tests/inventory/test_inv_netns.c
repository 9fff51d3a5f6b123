// SPDX-License-Identifier: MIT
/*
 * Netlink for real: a network namespace with a veth pair of known MTUs and
 * addresses, read by `linerate devices` (through ip netns exec) and by the
 * counter snapshot inside the namespace. Needs root and `ip netns`; skips
 * otherwise. Addresses are namespace-local; no traffic leaves it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "linerate/counters.h"
#include "linerate/inventory.h"
#include "linerate/sysfs.h"
#include "netns.h"
#include "owned.h"

static char ns[32];

/* Link state changes reach operstate asynchronously (linkwatch). */
static void wait_state(const char *ifname, const char *state)
{
	netns_wait_state(ns, ifname, state);
}

static void setup(void)
{
	netns_require();
	snprintf(ns, sizeof(ns), "lrinv%d", (int)getpid());
	sh("ip netns del %s 2>/dev/null", ns);
	cr_assert_eq(sh("ip netns add %s && "
			"ip -n %s link set lo up && "
			"ip -n %s link add va mtu 9000 type veth peer name vb "
			"mtu 1500 && "
			"ip -n %s addr add 10.77.0.1/24 dev va && "
			"ip -n %s addr add fd00:77::1/64 nodad dev va && "
			"ip -n %s addr add 10.77.0.2/24 dev vb && "
			"ip -n %s link set va up && ip -n %s link set vb up",
			ns, ns, ns, ns, ns, ns, ns, ns),
		     0, "cannot set up namespace %s", ns);
	wait_state("va", "UP");
	wait_state("vb", "UP");
}

static void teardown(void)
{
	if (ns[0])
		sh("ip netns del %s 2>/dev/null", ns);
}

TestSuite(netns, .init = setup, .fini = teardown);

static char *run(const char *args)
{
	const char *bin = getenv("LINERATE_BIN");
	char cmd[512], *buf = NULL;
	size_t cap = 0, len = 0, n;
	FILE *p;

	cr_assert_not_null(bin, "LINERATE_BIN is not set");
	snprintf(cmd, sizeof(cmd), "ip netns exec %s %s %s", ns, bin, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	do {
		if (len + 4096 > cap)
			buf = realloc(buf, cap += 65536);
		n = fread(buf + len, 1, cap - len - 1, p);
		len += n;
	} while (n);
	buf[len] = '\0';
	own_str(buf);
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	return buf;
}

static bool has_address(const json_t *nd, const char *addr)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(nd, "addresses"), i, a)
		if (!strcmp(json_string_value(a), addr))
			return true;
	return false;
}

Test(netns, devices_json_reports_veth)
{
	char *out = run("devices --json");
	json_t *doc = own_json(json_loads(out, 0, NULL)), *va, *vb;

	cr_assert_not_null(doc, "not JSON: %s", out);
	cr_assert_eq(json_array_size(json_object_get(doc, "netdevs")), 3);
	va = lr_inv_find_netdev(doc, "va");
	vb = lr_inv_find_netdev(doc, "vb");
	cr_assert_not_null(va);
	cr_assert_not_null(vb);
	cr_assert_eq(json_integer_value(json_object_get(va, "mtu")), 9000);
	cr_assert_eq(json_integer_value(json_object_get(vb, "mtu")), 1500);
	cr_assert_str_eq(json_string_value(json_object_get(va, "operstate")),
			 "up");
	cr_assert(json_is_true(json_object_get(va, "admin_up")));
	cr_assert(has_address(va, "10.77.0.1/24"));
	cr_assert(has_address(va, "fd00:77::1/64"));
	cr_assert(has_address(vb, "10.77.0.2/24"));
	cr_assert_not(has_address(vb, "10.77.0.1/24"));
	cr_assert_eq(json_integer_value(json_object_get(va, "speed_mbps")),
		     10000, "veth reports 10000 Mb/s");
	cr_assert(json_is_null(json_object_get(va, "pci")));
	cr_assert_null(json_object_get(va, "problems"));
	cr_assert(has_address(lr_inv_find_netdev(doc, "lo"), "127.0.0.1/8"));
	release(doc);
	release(out);
}

Test(netns, devices_text_and_link_down)
{
	char *out;

	sh("ip -n %s link set vb down", ns);
	wait_state("va", "LOWERLAYERDOWN");
	out = run("devices");
	cr_assert_not_null(strstr(out, "RDMA ports: none\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\n  vb  down  mtu 1500  "
				       "10.77.0.2/24\n"),
			   "%s", out);
	/* vb is down, so va lost its carrier while administratively up */
	/* (the link-local address may or may not be there yet) */
	cr_assert_not_null(strstr(out, "\n! va  lowerlayerdown  mtu 9000  "
				       "10 Gb/s  10.77.0.1/24,fd00:77::1/64"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "  ! administratively up, link "
				       "lowerlayerdown\n"),
			   "%s", out);
	release(out);
	/* back up: va's carrier went down once after it first came up
	 * (carrier_down_count 2, where a new veth has 1) */
	sh("ip -n %s link set vb up", ns);
	wait_state("va", "UP");
	out = run("devices");
	cr_assert_not_null(strstr(out, "  ~ warning: va carrier_down_count = "
				       "2: the link lost its carrier 1 time "
				       "after it first came up\n"),
			   "%s", out);
	release(out);
}

/* The virtual rack's server vr1 has r0 and r1 at MTU 9000, shaped to 1G. */
static void preflight_vr1(const char *findings)
{
	const char *src = getenv("LINERATE_SOURCE_ROOT");
	char topo[1024], args[1200], want[2048];
	char *out;

	snprintf(topo, sizeof(topo), "%s/topologies/virtual-rack.yaml",
		 src ? src : ".");
	snprintf(args, sizeof(args),
		 "preflight %s --host vr1 --interval 0 "
		 "2>&1; echo exit=$?",
		 topo);
	snprintf(want, sizeof(want),
		 "%svr1: 2 NICs checked against %s "
		 "(vnode): 1 finding\nexit=1\n",
		 findings, topo);
	out = run(args);
	cr_assert_str_eq(out, want);
	release(out);
}

Test(netns, preflight_against_the_virtual_rack)
{
	cr_assert_eq(sh("ip -n %s link add r0 mtu 9000 type veth peer name "
			"p0 mtu 9000 && ip -n %s link add r1 mtu 1500 type "
			"veth peer name p1 mtu 9000 && ip -n %s link set r0 up "
			"&& ip -n %s link set p0 up && ip -n %s link set r1 up",
			ns, ns, ns, ns, ns),
		     0);
	wait_state("r0", "UP");
	wait_state("r1", "LOWERLAYERDOWN");
	preflight_vr1("! r1 link lowerlayerdown, expected up: no traffic "
		      "(0 Gb/s instead of 0.99 Gb/s)\n");
	cr_assert_eq(sh("ip -n %s link set p1 up", ns), 0);
	wait_state("r1", "UP");
	preflight_vr1("! r1 netdev MTU 1500, expected 9000: ceiling ~0.95 "
		      "Gb/s instead of 0.99 Gb/s\n");
	/* r0 flaps: a warning that names it once (the NIC is its netdev) */
	cr_assert_eq(sh("ip -n %s link set p0 down", ns), 0);
	wait_state("r0", "LOWERLAYERDOWN");
	cr_assert_eq(sh("ip -n %s link set p0 up", ns), 0);
	wait_state("r0", "UP");
	preflight_vr1("! r1 netdev MTU 1500, expected 9000: ceiling ~0.95 "
		      "Gb/s instead of 0.99 Gb/s\n"
		      "~ warning: r0 carrier_down_count = 2: the link lost "
		      "its carrier 1 time after it first came up\n");
}

/* Enter the namespace as `ip netns exec` does: netns, then a fresh /sys. */
static int enter_ns(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) || unshare(CLONE_NEWNS))
		return -errno;
	close(fd);
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) ||
	    umount2("/sys", MNT_DETACH) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		return -errno;
	return 0;
}

/* In a child: snapshot va's counters, print the JSON on fd. */
static void child_snapshot(int fd)
{
	json_t *snap;
	FILE *f = fdopen(fd, "w");

	lr_sysfs_set_root("/");
	if (enter_ns() || lr_counters_snapshot("va", &snap))
		_exit(1);
	json_dumpf(snap, f, 0);
	fclose(f);
	_exit(0);
}

Test(netns, counters_inside_the_namespace)
{
	int fds[2], status;
	json_t *snap, *g;
	pid_t pid;
	FILE *f;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (!pid) {
		close(fds[0]);
		child_snapshot(fds[1]);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	snap = own_json(json_loadf(f, 0, NULL));
	fclose(f);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	cr_assert_not_null(snap);
	g = json_object_get(snap, "groups");
	cr_assert_not_null(json_object_get(json_object_get(g, "va/statistics"),
					   "tx_packets"));
	/* veth's driver statistics through the ethtool ioctl */
	cr_assert_not_null(json_object_get(json_object_get(g, "va/ethtool"),
					   "peer_ifindex"));
	release(snap);
}
