// SPDX-License-Identifier: MIT
/*
 * A real two-host virtual link, measured against the model: two network
 * namespaces (the hosts), one veth pair between them (the NICs), tc tbf on
 * both ends at the virtual rack's link rate (the wire), `linerate serve` in
 * one namespace and `linerate pair --json` in the other.
 *
 * Expected numbers come from the model (topologies/virtual-rack.yaml, its
 * veth-tbf TCP profile): tbf counts L2 frame bytes, so TCP goodput is
 * rate x MSS / (MSS + 66) with timestamps (DESIGN.md).
 *
 * Needs root and `ip netns`; skips otherwise. Addresses (10.79.0.0/24) live
 * only inside the two namespaces this test creates; no traffic leaves them.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "linerate/model.h"
#include "linerate/topology.h"
#include "netns.h"
#include "owned.h"
#include "proc.h"

#define ADDR_A "10.79.0.1" /* client end, va in ns_a */
#define ADDR_B "10.79.0.2" /* server end, vb in ns_b */
#define TOLERANCE 0.03
#define MEAN_TOLERANCE 0.06
#define ATTEMPTS 3

static char ns_a[32], ns_b[32];
static struct server srv;
static bool srv_running;

/* The virtual rack's NIC profile and its nominal rate (Gb/s). */
static struct lr_profile profile;
static double nominal;
/*
 * The links are shaped to a quarter of the rack's rate: 250 Mb/s needs a
 * quarter of the packets per second of 1 Gb/s (about 21,000 at MTU 1500),
 * which the 2-core host carries even while its hypervisor takes CPU away
 * (steal); at 1 Gb/s such runs came in 9-13% short. The model is linear in
 * the rate, so the comparison is the same.
 */
static double rate;

static void load_profile(void)
{
	const char *src = getenv("LINERATE_SOURCE_ROOT");
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	char path[1024];
	long s;

	snprintf(path, sizeof(path), "%s/topologies/virtual-rack.yaml",
		 src ? src : ".");
	cr_assert_eq(lr_topo_load(path, &d, &t), 0, "cannot load %s", path);
	s = lr_topo_find_server(t, "vr1");
	cr_assert_geq(s, 0, "no server vr1 in the virtual rack");
	{
		const struct lr_nic *n = &t->nics[t->servers[s].first_nic];

		profile = *lr_topo_nic_profile(t, n);
		nominal = lr_topo_nic_rate(t, n);
		rate = nominal / 4;
	}
	/* LINERATE_NETNS_GBPS: another link rate (e.g. 1 for the rack's
	 * own), to measure the margins below at more than one rate */
	if (getenv("LINERATE_NETNS_GBPS"))
		rate = atof(getenv("LINERATE_NETNS_GBPS"));
	cr_assert(rate > 0.001 && rate <= nominal, "link rate %g Gb/s", rate);
	profile.name = NULL; /* borrowed strings die with the topology */
	lr_topo_free(t);
	lr_diags_free(&d);
	cr_assert_eq(profile.link, LR_LINK_VETH_TBF);
	cr_assert_eq(profile.encap, LR_ENCAP_TCP);
}

/* What the model expects of the profile at another MTU and link rate. */
static double model_gbps(unsigned mtu, double rate_gbps)
{
	struct lr_profile p = profile;

	p.mtu = mtu;
	return lr_link_goodput(&p, rate_gbps, LR_OP_STREAM, 0);
}

/* The model's payload per packet: the MSS TCP should negotiate. */
static unsigned model_mss(unsigned mtu)
{
	struct lr_profile p = profile;
	struct lr_framing f;

	p.mtu = mtu;
	cr_assert_eq(lr_profile_framing(&p, LR_OP_STREAM, &f), 0);
	return f.payload;
}

static void setup(void)
{
	netns_require();
	load_profile();
	snprintf(ns_a, sizeof(ns_a), "lrlinkA%d", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "lrlinkB%d", (int)getpid());
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ns_a,
	   ns_b);
	cr_assert_eq(sh("ip netns add %s && ip netns add %s && "
			"ip -n %s link set lo up && ip -n %s link set lo up",
			ns_a, ns_b, ns_a, ns_b),
		     0, "cannot create namespaces %s and %s", ns_a, ns_b);
}

static void teardown(void)
{
	if (srv_running)
		server_stop(&srv);
	if (ns_a[0])
		sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		   ns_a, ns_b);
}

TestSuite(netns, .init = setup, .fini = teardown);

/*
 * tbf's bucket must hold a 64 KiB GSO segment plus ~2 ms of the rate, or
 * the rate falls short (DESIGN.md): max(128 KiB, 64 KiB + 2 ms x rate).
 */
static unsigned tbf_burst(double gbps)
{
	double b = 65536 + gbps * 1e9 / 8 * 0.002;

	return b > 131072 ? (unsigned)b : 131072;
}

static void shape(const char *ns, const char *dev, double gbps)
{
	cr_assert_eq(sh("ip netns exec %s tc qdisc replace dev %s root tbf "
			"rate %.0fmbit burst %u latency 50ms",
			ns, dev, gbps * 1000, tbf_burst(gbps)),
		     0, "cannot shape %s to %.3f Gb/s", dev, gbps);
}

/* va (ns_a) <-> vb (ns_b), MTU mtu, each end shaped to its rate. */
static void link_up(unsigned mtu, double gbps_a, double gbps_b)
{
	cr_assert_eq(sh("ip -n %s link add va mtu %u type veth peer name vb "
			"netns %s mtu %u && "
			"ip -n %s addr add " ADDR_A "/24 dev va && "
			"ip -n %s addr add " ADDR_B "/24 dev vb && "
			"ip -n %s link set va up && ip -n %s link set vb up",
			ns_a, mtu, ns_b, mtu, ns_a, ns_b, ns_a, ns_b),
		     0, "cannot create the veth pair");
	shape(ns_a, "va", gbps_a);
	shape(ns_b, "vb", gbps_b);
	netns_wait_state(ns_a, "va", "UP");
	netns_wait_state(ns_b, "vb", "UP");
	server_start_ns(&srv, ns_b, ADDR_B);
	srv_running = true;
}

/*
 * `linerate pair --json` from ns_a for 3 s after 1 s of warm-up (the
 * kernel may still be tearing down the previous test's namespaces).
 */
static json_t *pair(void)
{
	char peer[64];
	const char *const words[] = { "pair", "--peer",	  peer, "--duration",
				      "3",    "--warmup", "1",	"--interval",
				      "0.5",  "--json",	  NULL };
	struct proc p;
	json_t *doc;
	char *out, *err;

	snprintf(peer, sizeof(peer), ADDR_B ":%u", srv.port);
	proc_start_ns(&p, ns_a, words);
	proc_wait(&p, 30000);
	out = own_str(proc_slurp(p.out));
	err = own_str(proc_slurp(p.err));
	proc_cleanup(&p);
	cr_assert_eq(p.status, 0, "pair exited %d: %s", p.status, err);
	doc = own_json(json_loads(out, 0, NULL));
	cr_assert_not_null(doc, "not JSON: %s", out);
	release(out);
	release(err);
	return doc;
}

static json_t *c2s(json_t *doc)
{
	json_t *d = json_array_get(json_object_get(doc, "directions"), 0);

	cr_assert_str_eq(json_string_value(json_object_get(d, "direction")),
			 "c2s");
	return d;
}

static double num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	cr_assert(json_is_number(v), "no number '%s'", key);
	return json_number_value(v);
}

/* Whether got is within tol of want; logs the comparison. */
static bool near(double got, double want, double tol, const char *what)
{
	cr_log_info("%s: measured %.4f Gb/s, model %.4f Gb/s (%+.2f%%)", what,
		    got, want, (got / want - 1) * 100);
	return fabs(got / want - 1) <= tol;
}

/*
 * A direction against the model: its steady rate (the median interval)
 * within 3%, its whole window within 6%. Above the model is always a
 * failure: a tbf-shaped link cannot carry more. Below it may be the host
 * (a 2-core VM whose other tenant or the kernel's namespace teardown took
 * the CPU), so the caller measures again, up to ATTEMPTS times.
 */
static bool link_ok(json_t *d, double want, const char *what)
{
	json_t *iv = json_object_get(d, "interval_gbps");
	double med = num(iv, "median"), all = num(d, "gbps");
	char label[64];
	bool ok;

	cr_assert_geq(num(iv, "n"), 3);
	cr_assert_leq(med, want * (1 + TOLERANCE),
		      "%s: median interval %.4f Gb/s is above the model's "
		      "%.4f Gb/s",
		      what, med, want);
	snprintf(label, sizeof(label), "%s, median interval", what);
	ok = near(med, want, TOLERANCE, label);
	snprintf(label, sizeof(label), "%s, whole window", what);
	return near(all, want, MEAN_TOLERANCE, label) && ok;
}

/* Measure until a run matches the model; returns that run's document. */
static json_t *measure_link(double want, const char *what)
{
	for (int i = 1;; i++) {
		json_t *doc = pair();

		if (link_ok(c2s(doc), want, what))
			return doc;
		release(doc);
		cr_assert_lt(i, ATTEMPTS,
			     "%s: %d runs, none within %.0f%% of the model's "
			     "%.4f Gb/s (see the log)",
			     what, ATTEMPTS, TOLERANCE * 100, want);
		cr_log_info("%s: measuring again (run %d of %d)", what, i + 1,
			    ATTEMPTS);
	}
}

/* The MSS each end reports is the model's payload per packet. */
static void expect_mss(json_t *doc, unsigned mtu)
{
	json_t *l = json_object_get(json_object_get(doc, "local"), "endpoint");
	json_t *r = json_object_get(json_object_get(doc, "peer"), "endpoint");

	cr_assert_str_eq(json_string_value(json_object_get(l, "device")), "va");
	cr_assert_str_eq(json_string_value(json_object_get(r, "device")), "vb");
	cr_assert_eq(num(l, "mss"), model_mss(mtu));
	cr_assert_eq(num(r, "mss"), model_mss(mtu));
}

Test(netns, mtu9000_goodput_matches_model, .timeout = 60)
{
	double want = model_gbps(9000, rate);
	json_t *doc, *d, *iv;

	/* the virtual rack's link: 0.9927 x rate (DESIGN.md) */
	cr_assert(want > 0.99 * rate && want < 0.995 * rate);
	link_up(9000, rate, rate);
	doc = measure_link(want, "MTU 9000");
	d = c2s(doc);
	expect_mss(doc, 9000);
	/* a steady link: no interval far below the median */
	iv = json_object_get(d, "interval_gbps");
	cr_assert_geq(num(iv, "n"), 3);
	cr_assert_geq(num(iv, "min"), 0.75 * num(iv, "median"),
		      "min interval %.4f Gb/s, median %.4f Gb/s",
		      num(iv, "min"), num(iv, "median"));
	release(doc);
}

Test(netns, mtu1500_goodput_is_lower, .timeout = 60)
{
	double want = model_gbps(1500, rate);
	json_t *doc;

	/* 0.9564 x rate: 1448 B of payload per 1514 B frame */
	cr_assert(want > 0.956 * rate && want < 0.957 * rate);
	cr_assert_lt(want, model_gbps(9000, rate));
	link_up(1500, rate, rate);
	doc = measure_link(want, "MTU 1500");
	expect_mss(doc, 1500);
	release(doc);
}

Test(netns, short_link_is_seen, .timeout = 60)
{
	double full = model_gbps(9000, rate);
	double want = model_gbps(9000, rate / 2);
	double got;
	json_t *doc;

	/* the client's end shaped to half the rate: its transmit is short */
	link_up(9000, rate / 2, rate);
	doc = measure_link(want, "link at half rate");
	got = num(c2s(doc), "gbps");
	cr_assert_lt(got, 0.6 * full,
		     "a half-rate link (%.4f Gb/s) passes for a full one "
		     "(%.4f)",
		     got, full);
	release(doc);
}

/* Counter delta of the server's end (vb) from the result's "counters". */
static double peer_counter(json_t *doc, const char *name)
{
	json_t *vb = json_object_get(json_object_get(doc, "counters"), "peer");

	vb = json_object_get(
		json_object_get(json_object_get(vb, "vb"), "groups"),
		"vb/statistics");
	cr_assert_not_null(vb, "no vb/statistics in the server's counters");
	return num(vb, name);
}

/* Packets the receiver sent (ACKs) per packet it received (data). */
static double acks_per_segment(json_t *doc)
{
	return peer_counter(doc, "tx_packets") /
	       peer_counter(doc, "rx_packets");
}

/*
 * Drop one in four full-size segments arriving at vb, in an nftables
 * netdev ingress chain (this kernel has no netem). Small packets (SYNs,
 * control frames, the data token) pass, so set-up never waits on a
 * retransmitted SYN.
 */
static void inject_loss(void)
{
	cr_assert_eq(sh("ip netns exec %s nft -f - <<'EOF'\n"
			"table netdev lrloss {\n"
			"  chain in {\n"
			"    type filter hook ingress device vb priority 0;\n"
			"    meta length > 1000 numgen random mod 4 < 1 "
			"counter drop\n"
			"  }\n"
			"}\n"
			"EOF",
			ns_b),
		     0, "cannot add the nftables drop rule");
}

/* The sender's retransmits of c2s (the client's TCP_INFO). */
static json_t *retransmits(json_t *doc)
{
	json_t *rt = json_object_get(c2s(doc), "retransmits");

	cr_assert(json_is_object(rt), "no retransmits in the result");
	return rt;
}

/*
 * Loss on the link, and what the results show of it. No model gives TCP's
 * throughput under random loss (it depends on the link rate, the RTT and
 * how the congestion control recovers), so this asserts what holds at any
 * rate, with margins measured at both 250 Mb/s and 1 Gb/s
 * (LINERATE_NETNS_GBPS=1; 9 runs on 2 cores under the measurement lock,
 * 5 at 250 Mb/s, 4 at 1 Gb/s, plain build, 2 more at 250 Mb/s in both
 * builds; then meson test --suite netns --repeat 10 in each build, 20
 * runs at 250 Mb/s):
 *
 * - Retransmits: every data segment sent, retransmissions included, meets
 *   the same 1-in-4 drop, and each drop is repaired by one retransmission,
 *   so in steady state retransmitted / sent = 0.25. Measured 0.2417 to
 *   0.2693 at both rates (3,200 to 5,500 segments a run: a binomial spread
 *   of about 0.007). Asserted within a factor 1.25 (0.20 to 0.3125): three
 *   times the largest deviation seen (0.019). The clean link retransmitted 0 of
 *   10,400 (250 Mb/s) and of 41,000 (1 Gb/s) segments; asserted below 1%.
 * - Throughput: below the clean run. Measured 0.13 to 0.42 of it at
 *   250 Mb/s, 0.07 to 0.16 at 1 Gb/s, and 0.56 once at 250 Mb/s on a fresh
 *   Debian 12 machine (issue 8). Asserted below 0.8.
 * - The receiver's ACKs per segment received: every segment behind a hole
 *   is acknowledged at once (duplicate ACKs with SACK blocks), where a clean
 *   link delays and coalesces them. Measured 3.4 to 4.0 times the clean
 *   figure at 250 Mb/s, 3.1 to 3.4 at 1 Gb/s; asserted above 2 times.
 */
#define LOSS 0.25
#define LOSS_FACTOR 1.25
#define CLEAN_RETRANS_MAX 0.01
#define LOSS_GBPS_MAX 0.8
#define LOSS_ACKS_MIN 2.0
Test(netns, loss_lowers_throughput_and_shows_in_counters, .timeout = 60)
{
	double base_gbps, loss_gbps, base_acks, loss_acks, base_rt, loss_rt;
	json_t *base, *loss;

	if (sh("command -v nft >/dev/null && command -v ethtool >/dev/null"))
		cr_skip_test("needs nft and ethtool");
	link_up(9000, rate, rate);
	/* one MSS per packet, so a drop loses one segment, not 64 KiB */
	cr_assert_eq(sh("ip netns exec %s ethtool -K va tso off gso off gro off"
			" >/dev/null && ip netns exec %s ethtool -K vb tso off "
			"gso off gro off >/dev/null",
			ns_a, ns_b),
		     0);
	base = pair();
	inject_loss();
	loss = pair();
	cr_assert_eq(sh("ip netns exec %s nft list chain netdev lrloss in | "
			"grep -q 'counter packets [1-9]'",
			ns_b),
		     0, "the rule dropped nothing");
	base_gbps = num(c2s(base), "gbps");
	loss_gbps = num(c2s(loss), "gbps");
	base_acks = acks_per_segment(base);
	loss_acks = acks_per_segment(loss);
	base_rt = num(retransmits(base), "ratio");
	loss_rt = num(retransmits(loss), "ratio");
	cr_log_info(
		"%.3f Gb/s link; clean: %.4f Gb/s, %.3f ACKs per segment, "
		"%.0f of %.0f segments retransmitted (%.4f); 25%% loss: "
		"%.4f Gb/s (%.3f of clean), %.3f ACKs per segment (%.2f x), "
		"%.0f of %.0f segments retransmitted (%.4f)",
		rate, base_gbps, base_acks, num(retransmits(base), "segments"),
		num(retransmits(base), "segments_sent"), base_rt, loss_gbps,
		loss_gbps / base_gbps, loss_acks, loss_acks / base_acks,
		num(retransmits(loss), "segments"),
		num(retransmits(loss), "segments_sent"), loss_rt);
	cr_assert_gt(num(retransmits(loss), "segments"), 0,
		     "25%% loss and no retransmit");
	cr_assert(loss_rt > LOSS / LOSS_FACTOR && loss_rt < LOSS * LOSS_FACTOR,
		  "25%% loss: %.4f of the segments sent were retransmitted",
		  loss_rt);
	cr_assert_lt(base_rt, CLEAN_RETRANS_MAX,
		     "clean link: %.4f of the segments retransmitted", base_rt);
	cr_assert_lt(loss_gbps, LOSS_GBPS_MAX * base_gbps,
		     "25%% loss: %.4f Gb/s, clean: %.4f Gb/s", loss_gbps,
		     base_gbps);
	cr_assert_gt(loss_acks, LOSS_ACKS_MIN * base_acks,
		     "25%% loss: %.3f ACKs per segment, clean: %.3f", loss_acks,
		     base_acks);
	release(base);
	release(loss);
}
