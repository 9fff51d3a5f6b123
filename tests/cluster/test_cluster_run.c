// SPDX-License-Identifier: MIT
/*
 * `linerate cluster` on a virtual rack (scripts/vrack): a healthy 4 x 2
 * rack passes with the model's figure for every flow; each planted fault
 * is one finding that names the NIC or uplink; a server without sshd, an
 * agent killed mid-phase, Ctrl-C and --resume behave as README.md says.
 *
 * Windows are 2 s: every flow is a 250 Mb/s shaped veth, where TCP reaches
 * its rate within milliseconds; the verdict's own tolerance (the
 * topology's 5%) judges the figures. The machine has 2 cores shared with
 * everything else: a run whose verdict has a finding it should not have
 * is run again, up to ATTEMPTS times, as the netns suite does (logged as
 * information: a Criterion warning fails the test program). Only faults
 * count: notes, such as an "intermittent" dip (an interval above half the
 * expectation, below the tolerance: the shared 2-core host pausing a
 * sender, seen on healthy NICs at a load average of 6-9), do not; the
 * fault tests are about where the planted fault is found.
 * Needs root (skips otherwise).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>

#include "linerate/model.h"
#include "linerate/topology.h"
#include "proc.h"
#include "vrack.h"

#define ATTEMPTS 3
/* Two rounds: a NIC short with two partners that are fine elsewhere is
 * that NIC (the verdict's nic rule), in two thirds of the time of three. */
#define FAULT_PHASES "--phases hosts,pairs --rounds 2"

static struct vrack rack;
static char out[256];

static void setup(void)
{
	vrack_require();
	vrack_up(&rack, "--servers 4 --nics 2");
}

static void setup_spine(void)
{
	vrack_require();
	vrack_up(&rack, "--servers 4 --nics 2 --leaves-per-rail 2");
}

static void teardown(void)
{
	vrack_down(&rack);
}

TestSuite(cluster, .init = setup, .fini = teardown);
TestSuite(cluster_spine, .init = setup_spine, .fini = teardown);

/* Run `linerate cluster` on the rack; output in OUT.log; exit status. */
static int cluster(const char *extra)
{
	char cmd[2048], buf[64];

	snprintf(out, sizeof(out), "%s/out", rack.state);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s; \"$LINERATE_BIN\" cluster %s --ssh '%s' --out %s "
		 "--duration 2 %s >%s.log 2>&1",
		 out, vrack_must(&rack, "VRACK_TOPOLOGY"),
		 vrack_must(&rack, "VRACK_SSH"), out, extra ? extra : "", out);
	return vrack_capture(buf, sizeof(buf), "%s; echo $?", cmd) ? -1 :
								     atoi(buf);
}

static json_t *load_json(const char *name)
{
	char path[512];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", out, name);
	j = json_load_file(path, 0, &e);
	cr_assert_not_null(j, "%s: %s", path, e.text);
	return j;
}

static void show_log(void)
{
	char path[300];
	char *log;

	snprintf(path, sizeof(path), "%s.log", out);
	log = proc_slurp(path);
	cr_log_info("%s", log ? log : "(no log)");
	free(log);
}

static bool counted(const json_t *f)
{
	return json_is_true(json_object_get(f, "fault"));
}

/* Findings that count (see above). */
static size_t n_findings(const json_t *rep)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(rep, "findings"), i, f)
		n += counted(f);
	return n;
}

/* Findings of the report: "subject [kind]" each, in one string. */
static void findings_text(const json_t *rep, char *buf, size_t len)
{
	const json_t *f;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(rep, "findings"), i, f)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s [%s]; ",
			 json_string_value(json_object_get(f, "subject")),
			 json_string_value(json_object_get(f, "kind")));
}

/* Lines of results.jsonl per set id, into a JSON object {set: n}. */
static json_t *sets_of_results(void)
{
	char path[300], line[1 << 16];
	json_t *sets = json_object();
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.jsonl", out);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no %s", path);
	while (fgets(line, sizeof(line), f)) {
		json_t *d = json_loads(line, 0, NULL);
		const char *set = json_string_value(
			json_object_get(json_object_get(d, "flow"), "set"));

		cr_assert_not_null(set, "a result without its set: %.200s",
				   line);
		json_object_set_new(
			sets, set,
			json_integer(
				json_integer_value(json_object_get(sets, set)) +
				1));
		json_decref(d);
	}
	fclose(f);
	return sets;
}

/* TCP goodput of one shaped NIC of the rack (the model, alone). */
static double nic_goodput(void)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	double g;

	cr_assert_eq(lr_topo_load(vrack_must(&rack, "VRACK_TOPOLOGY"), &d, &t),
		     0);
	lr_diags_free(&d);
	g = lr_link_goodput(lr_topo_nic_profile(t, &t->nics[0]),
			    lr_topo_nic_rate(t, &t->nics[0]), LR_OP_STREAM, 0);
	lr_topo_free(t);
	return g;
}

/* Whether every flow of the report passed. */
static bool all_pass(const json_t *rep)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(rep, "flows"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "verdict")),
			   "pass"))
			return false;
	return true;
}

/*
 * Every phase: the healthy rack passes with no finding at all (no note
 * either) and every flow at the model's figure. Only the host can make a
 * healthy flow dip here (a sender paused on the 2-core machine): such an
 * attempt is run again, at most ATTEMPTS times.
 */
Test(cluster, healthy_rack_passes_with_the_model_figures, .timeout = 240)
{
	double want = nic_goodput();
	char found[2048] = "";
	json_t *rep = NULL, *sets, *hosts, *f;
	int rc = -1;
	size_t i;

	for (int a = 0; a < ATTEMPTS &&
			(rc != 0 || !all_pass(rep) ||
			 json_array_size(json_object_get(rep, "findings")));
	     a++) {
		json_decref(rep);
		rc = cluster(NULL);
		rep = load_json("report.json");
		findings_text(rep, found, sizeof(found));
		cr_log_info("attempt %d: exit %d: %s", a + 1, rc, found);
	}
	show_log();
	cr_assert_eq(json_array_size(json_object_get(rep, "findings")), 0,
		     "a healthy rack: found %s", found);
	cr_assert_eq(rc, 0, "exit %d without findings", rc);
	cr_assert_str_eq(json_string_value(json_object_get(rep, "verdict")),
			 "pass");
	/* pairs: 3 rounds x 2 pairs of servers x 2 NICs, both directions
	 * each; fabric: the bisection (one leaf per rail: rail-aligned pairs
	 * across the halves, both directions); no retest (nothing below).
	 * Rail-aligned NIC pairs under non-blocking leaves: every flow's
	 * expectation is the lone NIC's TCP goodput, 250M x 8948 / 9014 */
	cr_assert_eq(json_array_size(json_object_get(rep, "flows")), 32);
	json_array_foreach(json_object_get(rep, "flows"), i, f) {
		double e =
			json_number_value(json_object_get(f, "expected_gbps"));

		cr_assert_float_eq(e, want, 1e-4, "%s -> %s: expected %.4f",
				   json_string_value(json_object_get(f, "src")),
				   json_string_value(json_object_get(f, "dst")),
				   e);
		cr_assert_str_eq(
			json_string_value(json_object_get(f, "verdict")),
			"pass", "%s -> %s",
			json_string_value(json_object_get(f, "src")),
			json_string_value(json_object_get(f, "dst")));
	}
	sets = sets_of_results();
	cr_assert_eq(json_object_size(sets), 4);
	cr_assert_eq(json_integer_value(json_object_get(sets, "pairs-r2")), 4);
	cr_assert_eq(
		json_integer_value(json_object_get(sets, "fabric-bisection")),
		4);
	hosts = load_json("hosts.json");
	for (int s = 1; s <= 4; s++) {
		char name[8];
		const json_t *h;

		snprintf(name, sizeof(name), "vr%d", s);
		h = json_object_get(json_object_get(hosts, "servers"), name);
		cr_assert_str_eq(
			json_string_value(json_object_get(h, "status")), "up");
		/* the data addresses come from each server's inventory */
		cr_assert_str_eq(
			json_string_value(json_object_get(
				json_object_get(h, "addresses"), "r1")),
			vrack_addr(&rack, name, "r1"));
	}
	json_decref(hosts);
	json_decref(sets);
	json_decref(rep);
}

/*
 * Plant a fault, run; the faults found must be exactly one, about subject,
 * of that kind (notes, see above, do not count). Returns the report.
 */
static json_t *fault_named(const char *fault, const char *phases,
			   const char *subject, const char *kind)
{
	char found[2048] = "", cmd[256];
	json_t *rep = NULL;
	bool ok = false;
	int rc = -1;

	snprintf(cmd, sizeof(cmd), "fault %s", fault);
	cr_assert_eq(vrack_cmd(&rack, "%s", cmd), 0, "vrack %s", cmd);
	for (int a = 0; a < ATTEMPTS && !ok; a++) {
		json_t *f;
		size_t i;

		json_decref(rep);
		rc = cluster(phases);
		rep = load_json("report.json");
		findings_text(rep, found, sizeof(found));
		ok = rc == 1 && n_findings(rep) == 1;
		json_array_foreach(json_object_get(rep, "findings"), i, f) {
			const char *s = json_string_value(
				json_object_get(f, "subject"));
			const char *k =
				json_string_value(json_object_get(f, "kind"));

			if (counted(f) &&
			    (strcmp(s, subject) || strcmp(k, kind)))
				ok = false;
		}
		if (!ok)
			cr_log_info("%s, attempt %d: exit %d: %s", fault, a + 1,
				    rc, found);
	}
	show_log();
	cr_assert(ok, "%s: want only %s [%s], exit 1; got exit %d: %s", fault,
		  subject, kind, rc, found);
	return rep;
}

static void fault_only(const char *fault, const char *phases,
		       const char *subject, const char *kind)
{
	json_decref(fault_named(fault, phases, subject, kind));
}

Test(cluster, slow_nic_is_named, .timeout = 240)
{
	fault_only("slow vr2/r1", FAULT_PHASES, "vr2/r1", "nic");
}

/* The NIC's MTU is what preflight reads: the host is not what the
 * topology says (a 3.6% cost that the tolerance alone would not flag). */
Test(cluster, mtu_1500_is_named, .timeout = 240)
{
	fault_only("mtu vr3/r0", FAULT_PHASES, "vr3/r0", "preflight-mtu");
}

Test(cluster, lossy_nic_is_named, .timeout = 240)
{
	fault_only("loss vr1/r1", FAULT_PHASES, "vr1/r1", "nic");
}

/* Down: its flows fail to connect, and only its own (the other NIC of the
 * same server keeps its flows while the set waits on the failed ones). */
Test(cluster, nic_down_is_named, .timeout = 240)
{
	fault_only("down vr4/r0", FAULT_PHASES, "vr4/r0", "nic");
}

/*
 * One round gives the slow NIC one partner, which cannot tell the NIC from
 * the path; the retest phase runs each flow that came in below alone and
 * toward two fresh partners, and the NIC is named.
 */
Test(cluster, retest_localises_after_one_round, .timeout = 240)
{
	json_t *rep = fault_named("slow vr2/r1",
				  "--phases hosts,pairs,retest --rounds 1",
				  "vr2/r1", "nic");
	json_t *sets = sets_of_results(), *v;
	size_t retests = 0;
	const char *k;

	/* the round's two pairs of servers (2 NICs each), then for each
	 * direction of vr2/r1's test (two flows below): itself alone and
	 * two fresh partners, one flow a set */
	cr_assert_eq(json_integer_value(json_object_get(sets, "pairs-r1")), 4);
	json_object_foreach(sets, k, v) {
		if (strncmp(k, "retest-", 7))
			continue;
		retests++;
		cr_assert_eq(json_integer_value(v), 1, "%s", k);
	}
	cr_assert_eq(retests, 6);
	cr_assert_not_null(json_object_get(sets, "retest-1-fresh2"));
	json_decref(sets);
	json_decref(rep);
}

/* Under a spine, with a second rail that stays healthy: only the uplink. */
Test(cluster_spine, slow_uplink_is_named, .timeout = 240)
{
	json_t *rep =
		fault_named("uplink leaf-r0-1", "--phases hosts,pairs,fabric",
			    "leaf-r0-1 uplinks", "uplink");
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(rep, "findings"), i, f)
		if (counted(f))
			/* what the topology declares: 2 NICs x 250 Mb/s */
			cr_assert_not_null(
				strstr(json_string_value(
					       json_object_get(f, "cause")),
				       "(1 x 0.5 Gb/s)"),
				"%s",
				json_string_value(json_object_get(f, "cause")));
	json_decref(rep);
}

static bool has_finding(const json_t *rep, const char *subject,
			const char *kind)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(rep, "findings"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "subject")),
			    subject) &&
		    !strcmp(json_string_value(json_object_get(f, "kind")),
			    kind))
			return true;
	return false;
}

/* Results measured (status ok) among servers other than skip. */
static size_t ok_flows_without(const char *skip)
{
	json_t *rep = load_json("report.json"), *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(rep, "flows"), i, f) {
		const char *s = json_string_value(json_object_get(f, "src"));
		const char *d = json_string_value(json_object_get(f, "dst"));

		if (strncmp(s, skip, strlen(skip)) &&
		    strncmp(d, skip, strlen(skip)) &&
		    json_number_value(json_object_get(f, "measured_gbps")) > 0)
			n++;
	}
	json_decref(rep);
	return n;
}

Test(cluster, server_without_sshd_is_a_finding, .timeout = 120)
{
	char pid[32], found[2048];
	json_t *rep;
	int rc;

	cr_assert_eq(vrack_capture(pid, sizeof(pid), "cat %s/vr3/run/sshd.pid",
				   rack.state),
		     0);
	cr_assert_eq(kill(atoi(pid), SIGTERM), 0);
	rc = cluster("--phases hosts,pairs --rounds 1");
	show_log();
	rep = load_json("report.json");
	findings_text(rep, found, sizeof(found));
	cr_assert_eq(rc, 1, "exit %d: %s", rc, found);
	cr_assert(has_finding(rep, "vr3", "unreachable"), "found %s", found);
	/* re-planned without vr3: its three partners still measured */
	cr_assert_gt(ok_flows_without("vr3/"), 0);
	json_decref(rep);
}

Test(cluster, agent_killed_mid_phase_is_a_finding, .timeout = 120)
{
	char found[2048], buf[64];
	json_t *rep;
	int rc;

	/* vr2's agent dies in the first round: 1.5 s after it started
	 * (agents come up within ~1.5 s; a round takes ~2.7 s) */
	vrack_capture(buf, sizeof(buf),
		      "setsid sh -c 'a=; for i in $(seq 300); do "
		      "for p in $(ip netns pids %s); do "
		      "[ \"$(cat /proc/$p/comm)\" = linerate ] && a=$p; done; "
		      "[ -n \"$a\" ] && break; sleep 0.1; done; "
		      "sleep 1.5; kill -9 $a' >/dev/null 2>&1 & echo started",
		      vrack_ns(&rack, "vr2"));
	rc = cluster("--phases hosts,pairs");
	show_log();
	rep = load_json("report.json");
	findings_text(rep, found, sizeof(found));
	cr_assert_eq(rc, 1, "exit %d: %s", rc, found);
	cr_assert(has_finding(rep, "vr2", "agent-died"), "found %s", found);
	cr_assert_gt(ok_flows_without("vr2/"), 0);
	json_decref(rep);
}

Test(cluster, sigint_then_resume_repeats_no_set, .timeout = 180)
{
	char cmd[2048], buf[64];
	json_t *rep, *sets, *v;
	const char *k;
	size_t before;
	int rc;

	/* interrupted in the second round (agents ~1.5 s, rounds ~2.6 s) */
	snprintf(out, sizeof(out), "%s/out", rack.state);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s; setsid -w \"$LINERATE_BIN\" cluster %s --ssh '%s' "
		 "--out %s --duration 2 --phases hosts,pairs >%s.log 2>&1 & "
		 "p=$!; "
		 "sleep 5; kill -INT $p; wait $p; echo $?",
		 out, vrack_must(&rack, "VRACK_TOPOLOGY"),
		 vrack_must(&rack, "VRACK_SSH"), out, out);
	vrack_capture(buf, sizeof(buf), "%s", cmd);
	show_log();
	cr_assert_eq(atoi(buf), 130, "exit %s after SIGINT", buf);
	rep = load_json("report.json");
	cr_assert(json_is_true(
		json_object_get(json_object_get(rep, "run"), "interrupted")));
	json_decref(rep);
	sets = sets_of_results();
	before = json_object_size(sets);
	cr_assert_lt(before, 3, "stopped before the last round");
	json_decref(sets);
	snprintf(
		cmd, sizeof(cmd),
		"\"$LINERATE_BIN\" cluster %s --ssh '%s' --out %s --duration 2 "
		"--phases hosts,pairs --resume >%s.log 2>&1; echo $?",
		vrack_must(&rack, "VRACK_TOPOLOGY"),
		vrack_must(&rack, "VRACK_SSH"), out, out);
	vrack_capture(buf, sizeof(buf), "%s", cmd);
	show_log();
	rc = atoi(buf);
	cr_assert(rc == 0 || rc == 1, "exit %d after --resume", rc);
	sets = sets_of_results();
	cr_assert_eq(json_object_size(sets), 3, "every round once");
	json_object_foreach(sets, k, v)
		cr_assert_eq(json_integer_value(v), 4, "set %s: %lld results",
			     k, (long long)json_integer_value(v));
	rep = load_json("report.json");
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(rep, "run"), "sets_resumed")),
		     (json_int_t)before);
	json_decref(rep);
	json_decref(sets);
}

/* Under Slurm: one srun step of agents, reached over TCP with the secret. */
Test(cluster, slurm_launcher_runs_the_rack, .timeout = 180)
{
	const char *conf = vrack_slurm_up(&rack);
	char cmd[2048], buf[64];
	json_t *hosts, *h, *sets;
	const char *name;
	int rc;

	snprintf(out, sizeof(out), "%s/out", rack.state);
	snprintf(
		cmd, sizeof(cmd),
		"rm -rf %s; SLURM_CONF=%s setsid -w salloc -N4 \"$LINERATE_BIN\" "
		"cluster %s --launcher slurm --remote-linerate "
		"\"$LINERATE_BIN\" --out %s --duration 2 --rounds 1 "
		"--phases hosts,pairs >%s.log 2>&1; echo $?",
		out, conf, vrack_must(&rack, "VRACK_TOPOLOGY"), out, out);
	vrack_capture(buf, sizeof(buf), "%s", cmd);
	show_log();
	rc = atoi(buf);
	cr_assert(rc == 0 || rc == 1, "exit %d", rc);
	hosts = load_json("hosts.json");
	json_object_foreach(json_object_get(hosts, "servers"), name, h)
		cr_assert_str_eq(
			json_string_value(json_object_get(h, "status")), "up",
			"%s", name);
	cr_assert_eq(json_object_size(json_object_get(hosts, "servers")), 4);
	sets = sets_of_results();
	cr_assert_eq(json_integer_value(json_object_get(sets, "pairs-r1")), 4);
	json_decref(sets);
	json_decref(hosts);
}
