// SPDX-License-Identifier: MIT
/*
 * The virtual rack itself (scripts/vrack): a 4 x 2 rack of network
 * namespaces comes up with its files, every server answers over ssh with
 * the generated ssh_config (its own hostname, the same linerate, an agent
 * that says hello over the session), one NIC pair carries the shaped rate
 * the model gives for the rack's topology, and each planted fault is where
 * it was planted and gone after `reset`.
 *
 * Needs root (skips otherwise). Traffic runs only between the rack's
 * namespaces; the test reaches the servers over the management bridge.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>

#include "linerate/control.h"
#include "linerate/model.h"
#include "linerate/topology.h"
#include "netns.h"
#include "proc.h"
#include "vrack.h"

/* As the netns suite: the steady rate (median interval) within 3% of the
 * model, the whole window within 6%, up to 3 runs (a 2-core host). */
#define TOLERANCE 0.03
#define MEAN_TOLERANCE 0.06
#define ATTEMPTS 3

static struct vrack rack;
static struct server srv;
static bool srv_running;

static void setup(void)
{
	vrack_require();
	vrack_up(&rack, "--servers 4 --nics 2");
}

static void teardown(void)
{
	if (srv_running)
		server_stop(&srv);
	srv_running = false;
	vrack_down(&rack);
}

TestSuite(vrack, .init = setup, .fini = teardown);

static struct lr_topo *load_topology(void)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	const char *path = vrack_must(&rack, "VRACK_TOPOLOGY");

	cr_assert_eq(lr_topo_load(path, &d, &t), 0, "%s does not load", path);
	lr_diags_free(&d);
	return t;
}

/* The model's figure for one flow SRC/r0 -> DST/r0 alone on the rack. */
static double model_pair(const char *src, const char *dst)
{
	struct lr_topo *t = load_topology();
	long a = lr_topo_find_server(t, src), z = lr_topo_find_server(t, dst);
	struct lr_graph g;
	double want;

	cr_assert(a >= 0 && z >= 0, "no %s or %s in the topology", src, dst);
	cr_assert_eq(lr_graph_init(&g, t, LR_OP_STREAM), 0);
	cr_assert_eq(lr_graph_add_flow(&g, t->servers[a].first_nic,
				       t->servers[z].first_nic),
		     0);
	cr_assert_eq(lr_fairshare(&g), 0);
	want = g.flows[0].rate;
	lr_graph_free(&g);
	lr_topo_free(t);
	return want;
}

/* What the rack's link profile carries at another rate (Mb/s). */
static double model_at(double mbit)
{
	struct lr_topo *t = load_topology();
	double want;

	want = lr_link_goodput(lr_topo_nic_profile(t, &t->nics[0]), mbit / 1000,
			       LR_OP_STREAM, 0);
	lr_topo_free(t);
	return want;
}

static double rack_rate_mbit(void)
{
	return atof(vrack_must(&rack, "VRACK_RATE_MBIT"));
}

Test(vrack, up_writes_env_topology_and_ssh_config)
{
	struct lr_topo *t = load_topology();
	char want[16];

	cr_assert_str_eq(vrack_must(&rack, "VRACK_SERVERS"), "vr1 vr2 vr3 vr4");
	cr_assert_str_eq(vrack_must(&rack, "VRACK_NICS"), "r0 r1");
	cr_assert_eq(t->n_servers, 4);
	cr_assert_eq(t->n_nics, 8);
	for (int i = 0; i < 4; i++) {
		snprintf(want, sizeof(want), "vr%d", i + 1);
		cr_assert_str_eq(t->servers[i].name, want);
	}
	/* the NIC names are the netdevs inside each server's namespace */
	cr_assert_str_eq(lr_topo_nic_tmpl(t, &t->nics[1])->name, "r1");
	cr_assert_eq(
		sh("ip -n %s link show r1 >/dev/null", vrack_ns(&rack, "vr3")),
		0);
	/* the profile's rate is the rate tbf shapes to */
	cr_assert_float_eq(lr_topo_nic_rate(t, &t->nics[0]) * 1000,
			   rack_rate_mbit(), 1e-9);
	cr_assert_str_eq(vrack_addr(&rack, "vr3", "r1"), "10.81.0.3");
	cr_assert_eq(
		sh("ip -n %s -4 -o addr show r1 | grep -q ' 10.81.0.3/24 '",
		   vrack_ns(&rack, "vr3")),
		0);
	cr_assert_eq(access(vrack_must(&rack, "VRACK_SSH_CONFIG"), R_OK), 0);
	lr_topo_free(t);
}

Test(vrack, every_server_answers_over_ssh)
{
	const char *cfg = vrack_must(&rack, "VRACK_SSH_CONFIG");
	char mine[128], got[256], host[16], want[32];

	cr_assert_eq(vrack_capture(mine, sizeof(mine), "%s --version",
				   getenv("LINERATE_BIN")),
		     0);
	for (int i = 1; i <= 4; i++) {
		snprintf(host, sizeof(host), "vr%d", i);
		/* each sshd runs in its server's namespace, with its name */
		cr_assert_eq(vrack_capture(got, sizeof(got),
					   "ssh -F %s %s 'hostname; "
					   "cat /sys/class/net/r0/mtu'",
					   cfg, host),
			     0, "ssh %s failed", host);
		snprintf(want, sizeof(want), "%s\n9000", host);
		cr_assert_str_eq(got, want);
		/* --bin put the build's linerate first on PATH */
		cr_assert_eq(vrack_capture(got, sizeof(got),
					   "ssh -F %s %s linerate --version",
					   cfg, host),
			     0);
		cr_assert_str_eq(got, mine);
	}
}

/* `ssh vr2 linerate serve --stdio`: the agent of the cluster run. */
Test(vrack, agent_says_hello_over_ssh)
{
	const char *cfg = vrack_must(&rack, "VRACK_SSH_CONFIG");
	int to[2], from[2], st;
	struct lr_ctl c;
	json_t *m;
	pid_t pid;

	cr_assert_eq(pipe(to), 0);
	cr_assert_eq(pipe(from), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execlp("ssh", "ssh", "-F", cfg, "vr2", "linerate", "serve",
		       "--stdio", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	lr_ctl_init(&c, from[0], to[1], 1 << 20, "ssh vr2");
	cr_assert_eq(lr_ctl_hello_client(&c, 10000, &m), 0, "%s", c.err);
	cr_assert_str_eq(json_string_value(json_object_get(m, "host")), "vr2");
	json_decref(m);
	m = json_pack("{s:s}", "type", "bye");
	cr_assert_eq(lr_ctl_send(&c, m), 0);
	json_decref(m);
	close(to[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(from[0]);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ssh exited %d", st);
}

/* `linerate pair --json` from SRC/NIC to DST/NIC, inside the rack. */
static json_t *pair(const char *src, const char *dst, const char *nic)
{
	char peer[64];
	const char *const words[] = { "pair", "--peer",	  peer, "--duration",
				      "3",    "--warmup", "1",	"--interval",
				      "0.5",  "--json",	  NULL };
	struct proc p;
	json_t *doc;
	char *out, *err;

	if (!srv_running) {
		server_start_ns(&srv, vrack_ns(&rack, dst),
				vrack_addr(&rack, dst, nic));
		srv_running = true;
	}
	snprintf(peer, sizeof(peer), "%s:%u", vrack_addr(&rack, dst, nic),
		 srv.port);
	proc_start_ns(&p, vrack_ns(&rack, src), words);
	proc_wait(&p, 30000);
	out = proc_slurp(p.out);
	err = proc_slurp(p.err);
	proc_cleanup(&p);
	doc = json_loads(out, 0, NULL);
	cr_assert_eq(p.status, 0, "pair exited %d: %s", p.status, err);
	cr_assert_not_null(doc, "not JSON: %s", out);
	free(out);
	free(err);
	return doc;
}

static double num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	cr_assert(json_is_number(v), "no number '%s'", key);
	return json_number_value(v);
}

/* Whether a run's c2s direction matches want (as the netns suite). */
static bool link_ok(json_t *doc, double want, const char *what)
{
	json_t *d = json_array_get(json_object_get(doc, "directions"), 0);
	json_t *iv = json_object_get(d, "interval_gbps");
	double med = num(iv, "median"), all = num(d, "gbps");

	cr_log_info("%s: median interval %.4f, whole window %.4f, model "
		    "%.4f Gb/s (%+.2f%%)",
		    what, med, all, want, (med / want - 1) * 100);
	/* a tbf-shaped link cannot carry more than the model */
	cr_assert_leq(med, want * (1 + TOLERANCE),
		      "%s: %.4f Gb/s is above the model's %.4f", what, med,
		      want);
	return fabs(med / want - 1) <= TOLERANCE &&
	       fabs(all / want - 1) <= MEAN_TOLERANCE;
}

static void measure(const char *src, const char *dst, double want,
		    const char *what)
{
	for (int i = 1;; i++) {
		json_t *doc = pair(src, dst, "r0");
		bool ok = link_ok(doc, want, what);

		json_decref(doc);
		if (ok)
			return;
		cr_assert_lt(i, ATTEMPTS,
			     "%s: %d runs, none within %.0f%% of the model's "
			     "%.4f Gb/s",
			     what, ATTEMPTS, TOLERANCE * 100, want);
	}
}

Test(vrack, nic_pair_carries_the_model_rate, .timeout = 90)
{
	double want = model_pair("vr1", "vr2");

	/* TCP through tbf: rate x 8948 / (8948 + 66) at MTU 9000 */
	cr_assert_float_eq(want, model_at(rack_rate_mbit()), 1e-9);
	cr_assert(want > 0.99 * rack_rate_mbit() / 1000);
	measure("vr1", "vr2", want, "vr1/r0 -> vr2/r0");
}

static void expect_rate(const char *ns, const char *dev, const char *rate)
{
	cr_assert_eq(sh("tc -n %s qdisc show dev %s | grep -q 'rate %s '", ns,
			dev, rate),
		     0, "%s in %s is not shaped to %s", dev, ns, rate);
}

Test(vrack, slow_nic_carries_its_lower_rate, .timeout = 90)
{
	double slow = rack_rate_mbit() / 2;

	cr_assert_eq(vrack_cmd(&rack, "fault slow vr1/r0"), 0);
	/* both ends of the link: what a NIC that trained slower does */
	expect_rate(vrack_ns(&rack, "vr1"), "r0", "125Mbit");
	expect_rate(vrack_must(&rack, "VRACK_FABRIC_NS"), "vr1-r0", "125Mbit");
	measure("vr1", "vr2", model_at(slow), "vr1/r0 at half rate");
	cr_assert_eq(vrack_cmd(&rack, "reset"), 0);
	expect_rate(vrack_ns(&rack, "vr1"), "r0", "250Mbit");
}

static unsigned mtu_of(const char *ns, const char *dev)
{
	char out[32];

	cr_assert_eq(vrack_capture(out, sizeof(out),
				   "ip netns exec %s cat /sys/class/net/%s/mtu",
				   ns, dev),
		     0);
	return (unsigned)atoi(out);
}

Test(vrack, mtu_fault_sets_the_netdev_mtu)
{
	const char *ns = vrack_ns(&rack, "vr2");

	cr_assert_eq(mtu_of(ns, "r1"), 9000);
	cr_assert_eq(vrack_cmd(&rack, "fault mtu vr2/r1"), 0);
	cr_assert_eq(mtu_of(ns, "r1"), 1500);
	cr_assert_eq(mtu_of(ns, "r0"), 9000, "another NIC changed");
	cr_assert_eq(vrack_cmd(&rack, "reset"), 0);
	cr_assert_eq(mtu_of(ns, "r1"), 9000);
}

/* Packets the loss rule of NS dropped so far. */
static long dropped(const char *ns)
{
	char out[64];

	if (vrack_capture(out, sizeof(out),
			  "ip netns exec %s nft list table netdev vrack_loss "
			  "| sed -n 's/.*counter packets \\([0-9]*\\).*/\\1/p'",
			  ns))
		return -1;
	return out[0] ? atol(out) : -1;
}

Test(vrack, loss_fault_drops_packets, .timeout = 60)
{
	const char *ns = vrack_ns(&rack, "vr3");
	json_t *doc;

	cr_assert_eq(vrack_cmd(&rack, "fault loss vr3/r0"), 0);
	cr_assert_eq(dropped(ns), 0);
	/* traffic into the lossy NIC: its ingress rule drops and counts */
	doc = pair("vr1", "vr3", "r0");
	json_decref(doc);
	cr_log_info("vr3/r0 dropped %ld packets", dropped(ns));
	cr_assert_gt(dropped(ns), 0, "the loss rule dropped nothing");
	/* and the other direction, at the fabric's end of the same veth */
	cr_assert_eq(dropped(vrack_must(&rack, "VRACK_FABRIC_NS")), 0);
	cr_assert_eq(vrack_cmd(&rack, "reset"), 0);
	cr_assert_eq(dropped(ns), -1, "reset left the loss rule");
}

Test(vrack, down_fault_takes_the_link_down)
{
	const char *ns = vrack_ns(&rack, "vr4");
	const char *fab = vrack_must(&rack, "VRACK_FABRIC_NS");

	cr_assert_eq(vrack_cmd(&rack, "fault down vr4/r1"), 0);
	netns_wait_state(ns, "r1", "DOWN");
	/* the leaf's port loses its carrier */
	netns_wait_state(fab, "vr4-r1", "DOWN");
	cr_assert_eq(sh("ip -n %s link show vr4-r1 | grep -q NO-CARRIER", fab),
		     0);
	netns_wait_state(ns, "r0", "UP");
	cr_assert_eq(vrack_cmd(&rack, "reset"), 0);
	netns_wait_state(ns, "r1", "UP");
	netns_wait_state(fab, "vr4-r1", "UP");
}

Test(vrack, bad_fault_is_a_usage_error)
{
	cr_assert_eq(
		WEXITSTATUS(vrack_cmd(&rack, "fault slow vr9/r0 2>/dev/null")),
		2);
	cr_assert_eq(WEXITSTATUS(vrack_cmd(&rack,
					   "fault jitter vr1/r0 2>/dev/null")),
		     2);
	/* no uplinks in a rack with one leaf per rail */
	cr_assert_eq(WEXITSTATUS(vrack_cmd(
			     &rack, "fault uplink leaf-r0-1 2>/dev/null")),
		     2);
}

/* A rack with 2 leaves per rail under a spine: the uplink fault. */
Test(vrack, slow_uplink_limits_a_pair_across_leaves, .timeout = 90)
{
	const char *fab;

	vrack_down(&rack);
	vrack_up(&rack, "--servers 4 --nics 1 --leaves-per-rail 2");
	fab = vrack_must(&rack, "VRACK_FABRIC_NS");
	/* non-blocking by default: 2 NICs per leaf, 2 x 250 Mb/s up */
	expect_rate(fab, "up-r0-1", "500Mbit");
	measure("vr1", "vr3", model_pair("vr1", "vr3"), "vr1 -> vr3 via spine");
	cr_assert_eq(vrack_cmd(&rack, "fault uplink leaf-r0-1 100mbit"), 0);
	expect_rate(fab, "up-r0-1", "100Mbit");
	expect_rate(fab, "dn-r0-1", "100Mbit");
	measure("vr1", "vr3", model_at(100), "vr1 -> vr3, uplink at 100 Mb/s");
}

/* Slurm on the rack: one step on every server runs in its namespace. */
Test(vrack, slurm_runs_a_step_in_every_server, .timeout = 60)
{
	const char *conf = vrack_slurm_up(&rack);
	char out[512];

	cr_assert_eq(vrack_capture(out, sizeof(out),
				   "SLURM_CONF=%s srun -N4 --ntasks-per-node=1 "
				   "hostname | sort | tr '\\n' ' '",
				   conf),
		     0);
	cr_assert_str_eq(out, "vr1 vr2 vr3 vr4 ");
	/* the task has its server's name and NICs: vr3's r1 is 10.81.0.3 */
	cr_assert_eq(
		vrack_capture(out, sizeof(out),
			      "SLURM_CONF=%s srun -N1 -w vr3 sh -c "
			      "'echo $SLURMD_NODENAME-$(hostname); "
			      "ip -4 -br addr show r1' | awk '{ print $NF }'",
			      conf),
		0);
	cr_assert_str_eq(out, "vr3-vr3\n10.81.0.3/24");
}
