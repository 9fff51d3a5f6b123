// SPDX-License-Identifier: MIT
/*
 * `linerate cluster` without a rack: agents are local processes started by
 * a launcher script in place of ssh (it drops the ssh options and the host
 * name and runs the rest here), every "server" of the topology is this
 * host and its NIC is lo. What is tested is the coordinator: the agents'
 * hello, inventory, listeners, the barrier, results.jsonl, hosts.json and
 * the reports; bad input; the secret that gates `serve --listen`. The
 * rates of loopback are not judged here (the cluster suite does that on a
 * virtual rack).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/sock.h"
#include "linerate/util.h"
#include "proc.h"

static char dir[64], topo[128], launcher[128], outdir[128];

static const char topology[] =
	"version: 1\n"
	"name: loopback\n"
	"profiles:\n"
	"  lo: { link: ethernet, transport: tcp, rate: 100G, mtu: 9000 }\n"
	"hosts:\n"
	"  h:\n"
	"    nics:\n"
	"      - { name: lo, profile: lo, rail: 0 }\n"
	"servers:\n"
	"  - { hosts: 'n[1-4]', template: h }\n"
	"switches:\n"
	"  - { name: leaf, tier: leaf, servers: 'n[1-4]' }\n";

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* An executable stand-in for ssh at path: it skips the "-o OPTION" pairs,
 * then runs body with the host in $1 and the remote command after it. */
static void write_ssh(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fprintf(f, "#!/bin/sh\nwhile [ \"$1\" = -o ]; do shift 2; done\n%s",
		body);
	fclose(f);
	chmod(path, 0755);
}

static void up(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lr-cluster-%d", (int)getpid());
	mkdir(dir, 0755);
	snprintf(topo, sizeof(topo), "%s/lo.yaml", dir);
	snprintf(launcher, sizeof(launcher), "%s/launch", dir);
	snprintf(outdir, sizeof(outdir), "%s/out", dir);
	write_file(topo, topology, 0644);
	/* in place of ssh: skip "-o OPTION" pairs and the host, run the rest */
	write_ssh(launcher, "shift\n"
			    "exec \"$@\"\n");
}

static void down(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(cluster_lo, .init = up, .fini = down, .timeout = 60);

/* linerate cluster TOPO --out OUT --remote-linerate BIN WORDS... */
static int cluster(struct proc *p, const char *const *extra)
{
	const char *words[32] = { "cluster",
				  topo,
				  "--out",
				  outdir,
				  "--remote-linerate",
				  getenv("LINERATE_BIN") };
	size_t n = 6;

	for (size_t i = 0; extra[i] && n < 31; i++)
		words[n++] = extra[i];
	words[n] = NULL;
	proc_start(p, words);
	return proc_wait(p, 100000); /* the tests' own timeouts bound it */
}

/* The process's stderr, kept until the next call (freed then). */
static const char *err_of(const struct proc *p)
{
	static char *text;

	free(text);
	text = proc_slurp(p->err);
	return text ? text : "";
}

static json_t *load(const char *name)
{
	char path[256];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	j = json_load_file(path, 0, &e);
	cr_assert_not_null(j, "%s: %s", path, e.text);
	return j;
}

Test(cluster_lo, agents_run_a_round_and_every_file_is_written)
{
	const char *extra[] = { "--ssh",       launcher,   "--phases",
				"hosts,pairs", "--rounds", "1",
				"--duration",  "0.5",	   NULL };
	struct proc p;
	json_t *hosts, *rep, *h, *doc, *fl;
	char path[256], line[1 << 16];
	const char *name;
	FILE *f;
	int rc = cluster(&p, extra), lines = 0;

	/* loopback is not a 100G NIC: pass or findings, but it ran */
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	cr_assert(strstr(err_of(&p), "inside traffic windows"));
	hosts = load("hosts.json");
	json_object_foreach(json_object_get(hosts, "servers"), name, h) {
		cr_assert_str_eq(
			json_string_value(json_object_get(h, "status")), "up",
			"%s", name);
		/* the address comes from the agent's inventory */
		cr_assert_str_eq(
			json_string_value(json_object_get(
				json_object_get(h, "addresses"), "lo")),
			"127.0.0.1");
		cr_assert(json_is_object(json_object_get(h, "preflight")));
	}
	cr_assert_eq(json_object_size(json_object_get(hosts, "servers")), 4);
	snprintf(path, sizeof(path), "%s/results.jsonl", outdir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		double s, e;

		doc = json_loads(line, 0, NULL);
		fl = json_object_get(doc, "flow");
		cr_assert_str_eq(json_string_value(json_object_get(fl, "set")),
				 "pairs-r1");
		cr_assert_str_eq(
			json_string_value(json_object_get(fl, "phase")),
			"pairs");
		cr_assert_eq(json_integer_value(json_object_get(fl, "round")),
			     1);
		s = json_number_value(json_object_get(
			json_object_get(fl, "window"), "start_unix"));
		e = json_number_value(json_object_get(
			json_object_get(fl, "window"), "end_unix"));
		/* the client end's window: 0.5 s, on the wall clock of now */
		cr_assert_float_eq(e - s, 0.5, 0.05);
		cr_assert_gt(s, 1.7e9);
		cr_assert_str_eq(
			json_string_value(json_object_get(doc, "status")), "ok",
			"%s", line);
		json_decref(doc);
		lines++;
	}
	fclose(f);
	/* 4 servers: 2 pairs, one bidirectional test each */
	cr_assert_eq(lines, 2);
	rep = load("report.json");
	cr_assert_str_eq(json_string_value(json_object_get(rep, "schema")),
			 "linerate.report/1");
	cr_assert_eq(json_array_size(json_object_get(rep, "flows")), 4);
	snprintf(path, sizeof(path), "%s/report.html", outdir);
	cr_assert_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/report.xml", outdir);
	cr_assert_eq(access(path, R_OK), 0);
	json_decref(rep);
	json_decref(hosts);
	proc_cleanup(&p);
}

Test(cluster_lo, an_earlier_run_needs_resume)
{
	const char *extra[] = { "--ssh",       launcher,   "--phases",
				"hosts,pairs", "--rounds", "1",
				"--duration",  "0.3",	   NULL };
	struct proc p;

	cluster(&p, extra);
	proc_cleanup(&p);
	cr_assert_eq(cluster(&p, extra), 2);
	cr_assert(strstr(err_of(&p), "--resume continues it"));
	proc_cleanup(&p);
}

Test(cluster_lo, hosts_outside_the_topology_is_bad_input)
{
	const char *extra[] = { "--ssh", launcher, "--hosts", "n[3-5]", NULL };
	struct proc p;

	cr_assert_eq(cluster(&p, extra), 2);
	cr_assert(strstr(err_of(&p), "'n5' is not a server of"), "%s",
		  err_of(&p));
	proc_cleanup(&p);
}

Test(cluster_lo, ssh_command_that_does_not_exist_is_bad_input)
{
	const char *extra[] = { "--ssh", "/nonexistent/ssh -F x", NULL };
	struct proc p;

	cr_assert_eq(cluster(&p, extra), 2);
	cr_assert(strstr(err_of(&p), "no such command"), "%s", err_of(&p));
	proc_cleanup(&p);
}

Test(cluster_lo, names_that_do_not_resolve_are_bad_input)
{
	char bad[160];
	const char *extra[] = { "--ssh", bad, NULL };
	struct proc p;

	/* what OpenSSH prints for a name that does not resolve (no lookup
	 * leaves this machine in a test) */
	snprintf(bad, sizeof(bad), "%s/nores", dir);
	write_ssh(bad, "echo \"ssh: Could not resolve hostname $1: Name or "
		       "service not known\" >&2\n"
		       "exit 255\n");
	cr_assert_eq(cluster(&p, extra), 2);
	cr_assert(strstr(err_of(&p), "Could not resolve hostname n2"), "%s",
		  err_of(&p));
	cr_assert(strstr(err_of(&p), "no agent could start"));
	proc_cleanup(&p);
}

Test(cluster_lo, a_server_that_fails_is_a_finding_the_others_run)
{
	char part[160];
	const char *extra[] = { "--ssh",       part,	   "--phases",
				"hosts,pairs", "--rounds", "all",
				"--duration",  "0.3",	   NULL };
	struct proc p;
	json_t *rep, *f;
	size_t i;
	bool found = false;
	int rc;

	/* n3's linerate is missing: the shell says so, as on a real server */
	snprintf(part, sizeof(part), "%s/part", dir);
	write_ssh(part, "h=$1; shift\n"
			"[ \"$h\" = n3 ] && { echo \"sh: 1: linerate: not "
			"found\" >&2; exit 127; }\n"
			"exec \"$@\"\n");
	rc = cluster(&p, extra);
	cr_assert_eq(rc, 1, "exit %d: %s", rc, err_of(&p));
	rep = load("report.json");
	json_array_foreach(json_object_get(rep, "findings"), i, f)
		found |= !strcmp(json_string_value(
					 json_object_get(f, "subject")),
				 "n3") &&
			 !strcmp(json_string_value(json_object_get(f, "kind")),
				 "unreachable");
	cr_assert(found, "no finding about n3");
	/* 3 servers left: 3 rounds with a bye each, one pair per round */
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(rep, "run"), "sets_run")),
		     3);
	json_decref(rep);
	proc_cleanup(&p);
}

/* Whether report.json has a finding about subject of kind, with cause
 * holding what. */
static bool has_finding(const char *subject, const char *kind, const char *what)
{
	json_t *rep = load("report.json"), *f;
	bool found = false;
	size_t i;

	json_array_foreach(json_object_get(rep, "findings"), i, f) {
		const char *c = json_string_value(json_object_get(f, "cause"));

		found |= !strcmp(json_string_value(
					 json_object_get(f, "subject")),
				 subject) &&
			 !strcmp(json_string_value(json_object_get(f, "kind")),
				 kind) &&
			 c && strstr(c, what);
	}
	json_decref(rep);
	return found;
}

/*
 * n2 runs another version of linerate (a stand-in that answers the hello
 * as linerate 0.0.9 would): a "version" finding about n2 that names both
 * versions, the others measured, exit 1.
 */
Test(cluster_lo, an_agent_of_another_version_is_a_finding)
{
	char other[160], fake[160], text[1024];
	const char *extra[] = { "--ssh",       other,	   "--phases",
				"hosts,pairs", "--rounds", "all",
				"--duration",  "0.3",	   NULL };
	const char hello[] = "{\"type\":\"hello\",\"version\":1,"
			     "\"software\":\"linerate 0.0.9\"}";
	struct proc p;
	int rc;

	snprintf(fake, sizeof(fake), "%s/old-linerate", dir);
	/* one frame: the length (4 bytes, big-endian) and the JSON */
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "printf '\\000\\000\\000\\%03o%s'\n"
		 "cat >/dev/null\n",
		 (unsigned)strlen(hello), hello);
	write_file(fake, text, 0755);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(text, sizeof(text),
		 "h=$1; shift; shift\n"
		 "[ \"$h\" = n2 ] && exec %s \"$@\"\n"
		 "exec %s \"$@\"\n",
		 fake, getenv("LINERATE_BIN"));
	write_ssh(other, text);
	rc = cluster(&p, extra);
	cr_assert_eq(rc, 1, "exit %d: %s", rc, err_of(&p));
	cr_assert(has_finding("n2", "version", "linerate 0.0.9"), "%s",
		  err_of(&p));
	proc_cleanup(&p);
}

/* An output directory that cannot be made: the run cannot start, exit 3
 * with the path and the reason. */
Test(cluster_lo, output_that_cannot_be_made_is_exit_3)
{
	const char *words[] = { "cluster",
				topo,
				"--ssh",
				launcher,
				"--remote-linerate",
				getenv("LINERATE_BIN"),
				"--out",
				"/proc/self/nonexistent/out",
				NULL };
	struct proc p;

	proc_start(&p, words);
	cr_assert_eq(proc_wait(&p, 50000), 3);
	cr_assert(strstr(err_of(&p),
			 "cannot create /proc/self/nonexistent/out: "
			 "No such file or directory"),
		  "%s", err_of(&p));
	proc_cleanup(&p);
}

/* --json: the linerate.report/1 document alone on stdout; --quiet: nothing
 * on stdout, and no summary on stderr. */
Test(cluster_lo, json_and_quiet)
{
	const char *json[] = { "--ssh",	      launcher,	  "--phases",
			       "hosts,pairs", "--rounds", "1",
			       "--duration",  "0.3",	  "--json",
			       NULL };
	const char *quiet[] = { "--ssh",       launcher,   "--phases",
				"hosts,pairs", "--rounds", "1",
				"--duration",  "0.3",	   "--quiet",
				"--resume",    NULL };
	struct proc p;
	json_error_t e;
	json_t *doc;
	char *out;
	int rc;

	/* loopback's rate is not judged here: pass or findings */
	rc = cluster(&p, json);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	out = proc_slurp(p.out);
	doc = json_loads(out ? out : "", 0, &e);
	cr_assert_not_null(doc, "stdout is not one JSON document: %s\n%s",
			   e.text, out);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.report/1");
	json_decref(doc);
	free(out);
	proc_cleanup(&p);
	rc = cluster(&p, quiet);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	out = proc_slurp(p.out);
	cr_assert_str_eq(out ? out : "", "", "--quiet printed on stdout");
	free(out);
	cr_assert_null(strstr(err_of(&p), "inside traffic windows"), "%s",
		       err_of(&p));
	proc_cleanup(&p);
}

/*
 * The progress line is drawn on a terminal only: under script(1) (a pty)
 * stderr shows "pairs round 1/1, N flows running, ... ETA ..., worst
 * ratio ..." redrawn with \r and erased at the end; through a pipe none.
 */
Test(cluster_lo, progress_line_on_a_tty_only)
{
	const char *piped[] = { "--ssh",       launcher,   "--phases",
				"hosts,pairs", "--rounds", "1",
				"--duration",  "1",	   NULL };
	char cmd[1024], path[160];
	struct proc p;
	char *tty;
	int rc;

	snprintf(path, sizeof(path), "%s/tty.txt", dir);
	snprintf(cmd, sizeof(cmd),
		 "script -qec '\"%s\" cluster %s --out %s/tty "
		 "--remote-linerate \"%s\" --ssh %s --phases hosts,pairs "
		 "--rounds 1 --duration 1 >/dev/null' /dev/null >%s 2>&1",
		 getenv("LINERATE_BIN"), topo, dir, getenv("LINERATE_BIN"),
		 launcher, path);
	rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) <= 1, "%s: %d", cmd, rc);
	tty = proc_slurp(path);
	cr_assert_not_null(tty);
	cr_assert_not_null(strstr(tty, "\r\033[Kpairs round 1/1, "), "%s", tty);
	cr_assert_not_null(strstr(tty, " flows running, "), "%s", tty);
	cr_assert_not_null(strstr(tty, " ETA "), "%s", tty);
	/* erased before the verdict */
	cr_assert_not_null(strstr(tty, "\r\033[K"), "%s", tty);
	free(tty);
	rc = cluster(&p, piped);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	cr_assert_null(strstr(err_of(&p), "\033[K"), "%s", err_of(&p));
	cr_assert_null(strstr(err_of(&p), " ETA "), "%s", err_of(&p));
	proc_cleanup(&p);
}

/* The start times of the agents of a hosts-only run with --fanout n: a
 * launcher logs the time, then waits 0.3 s before the agent runs. */
static int agent_starts(const char *fanout, double *t, int max)
{
	char slow[160], log[160], text[512];
	const char *extra[] = { "--ssh",    slow,   "--phases", "hosts",
				"--fanout", fanout, NULL };
	struct proc p;
	int n = 0, rc;
	FILE *f;

	snprintf(log, sizeof(log), "%s/starts-%s", dir, fanout);
	snprintf(slow, sizeof(slow), "%s/slow", dir);
	snprintf(text, sizeof(text),
		 "shift\n"
		 "date +%%s.%%N >>%s\n"
		 "sleep 0.3\n"
		 "exec \"$@\"\n",
		 log);
	write_ssh(slow, text);
	rc = cluster(&p, extra);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	proc_cleanup(&p);
	f = fopen(log, "r");
	cr_assert_not_null(f);
	while (n < max && fscanf(f, "%lf", &t[n]) == 1)
		n++;
	fclose(f);
	return n;
}

/*
 * --fanout 1: one agent starts at a time. Each start begins only after the
 * agent before it answered, which its launcher delays by 0.3 s, so
 * consecutive starts are at least 0.3 s apart however loaded the machine
 * is (load only spreads them more).
 */
Test(cluster_lo, fanout_bounds_the_agents_starting_at_once)
{
	double t[8];
	int n = agent_starts("1", t, 8);

	cr_assert_eq(n, 4, "4 agents started");
	for (int i = 1; i < n; i++)
		cr_assert_geq(t[i] - t[i - 1], 0.3,
			      "start %d only %.3f s after the one before", i,
			      t[i] - t[i - 1]);
}

/* results.jsonl: complete lines per flow.set, and whether a line is cut. */
static json_t *results_by_set(void)
{
	char path[256], line[1 << 16];
	json_t *sets = json_object();
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.jsonl", outdir);
	f = fopen(path, "r");
	if (!f)
		return sets;
	while (fgets(line, sizeof(line), f)) {
		json_t *d = json_loads(line, 0, NULL);
		const char *set = json_string_value(
			json_object_get(json_object_get(d, "flow"), "set"));

		if (set && strchr(line, '\n'))
			json_object_set_new(
				sets, set,
				json_integer(json_integer_value(json_object_get(
						     sets, set)) +
					     1));
		json_decref(d);
	}
	fclose(f);
	return sets;
}

/*
 * What a crash part-way through writing the next set leaves: one whole
 * result of a set that was not written (a copy of the first line, its set
 * renamed), then a line cut short.
 */
static void crash_in_next_set(size_t sets_done)
{
	char path[256], line[1 << 16], set[32];
	json_t *d;
	char *text;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.jsonl", outdir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	d = json_loads(line, 0, NULL);
	cr_assert_not_null(d);
	snprintf(set, sizeof(set), "pairs-r%zu", sets_done + 1);
	json_object_set_new(json_object_get(d, "flow"), "set",
			    json_string(set));
	text = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	f = fopen(path, "a");
	cr_assert_not_null(f);
	fprintf(f, "%s\n{\"schema\": \"linerate.result/1\", \"flow\": {\"se",
		text);
	fclose(f);
	free(text);
}

/*
 * The coordinator killed (SIGKILL: no report, no clean-up) after its first
 * set, then a crash part-way through the next set's writes: --resume cuts
 * the stream back to the last whole set and finishes the run without a
 * set twice or a set short (3 rounds of 2 pairs for 4 servers).
 */
Test(cluster_lo, resume_after_kill_repeats_no_set)
{
	const char *words[] = { "cluster",
				topo,
				"--out",
				outdir,
				"--ssh",
				launcher,
				"--remote-linerate",
				getenv("LINERATE_BIN"),
				"--phases",
				"hosts,pairs",
				"--rounds",
				"all",
				"--duration",
				"1",
				NULL };
	const char *resume[] = { "--ssh",	launcher,   "--phases",
				 "hosts,pairs", "--rounds", "all",
				 "--duration",	"1",	    "--resume",
				 NULL };
	json_t *sets, *v, *rep;
	const char *k;
	struct proc p;
	size_t before = 0;
	int rc;

	proc_start(&p, words);
	for (int i = 0; i < 400 && before == 0; i++) {
		lr_sleep_ns(50000000);
		sets = results_by_set();
		before = json_object_size(sets);
		json_decref(sets);
	}
	cr_assert_gt(before, 0, "no set finished in 20 s");
	proc_kill(&p, SIGKILL);
	proc_wait(&p, 10000);
	proc_cleanup(&p);
	sets = results_by_set();
	before = json_object_size(sets);
	json_decref(sets);
	cr_assert_lt(before, 3, "killed before the last round");
	crash_in_next_set(before);
	rc = cluster(&p, resume);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s", rc, err_of(&p));
	proc_cleanup(&p);
	sets = results_by_set();
	cr_assert_eq(json_object_size(sets), 3, "every round once");
	json_object_foreach(sets, k, v)
		cr_assert_eq(json_integer_value(v), 2, "set %s: %lld results",
			     k, (long long)json_integer_value(v));
	json_decref(sets);
	rep = load("report.json");
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(rep, "run"), "sets_resumed")),
		     (json_int_t)before);
	json_decref(rep);
}

/*
 * n2's ssh hangs (it never runs the agent, never exits): bounded by the
 * agents' 30 s start (CL_START_MS), n2 is an "unreachable" finding saying
 * so, the other three are measured, and the run ends (well under the 30 s
 * plus the rounds; 75 s is a bound a loaded machine keeps).
 */
Test(cluster_lo, a_hanging_ssh_is_bounded, .timeout = 120)
{
	char hang[160];
	const char *extra[] = { "--ssh",       hang,	   "--phases",
				"hosts,pairs", "--rounds", "all",
				"--duration",  "0.3",	   NULL };
	uint64_t t0 = lr_now_ns();
	struct proc p;
	int rc;

	snprintf(hang, sizeof(hang), "%s/hang", dir);
	write_ssh(hang, "h=$1; shift\n"
			"[ \"$h\" = n2 ] && exec sleep 600\n"
			"exec \"$@\"\n");
	rc = cluster(&p, extra);
	cr_assert_eq(rc, 1, "exit %d: %s", rc, err_of(&p));
	cr_assert_lt((double)(lr_now_ns() - t0) / 1e9, 75.0);
	cr_assert(has_finding("n2", "unreachable", "no answer within 30 s"),
		  "%s", err_of(&p));
	proc_cleanup(&p);
}

/* serve --listen with LINERATE_SECRET refuses a hello without it. */
Test(cluster_lo, listen_with_a_secret_refuses_strangers)
{
	const char *words[] = { "serve", "--listen", "127.0.0.1:0", NULL };
	char secret[] = "0123456789abcdef0123456789abcdef";
	struct lr_ctl c;
	json_t *hello = NULL;
	uint16_t port = 0;
	struct proc p;
	const char *log;
	int fd, ret;

	setenv("LINERATE_SECRET", secret, 1);
	proc_start(&p, words);
	unsetenv("LINERATE_SECRET");
	for (int i = 0; i < 100 && !port; i++) {
		log = err_of(&p);
		if (log && strstr(log, "port "))
			port = (uint16_t)atoi(strstr(log, "port ") + 5);
		usleep(20000);
	}
	cr_assert_gt(port, 0, "serve did not say its port");
	fd = lr_sock_connect("127.0.0.1", port, 2000, NULL);
	cr_assert_geq(fd, 0);
	lr_ctl_init(&c, fd, fd, LR_CTL_MAX_FRAME_CLIENT, "serve");
	ret = lr_ctl_hello_client(&c, 2000, &hello);
	cr_assert_eq(ret, -EREMOTEIO, "a hello without the secret: %d", ret);
	cr_assert(strstr(c.err, "secret"), "%s", c.err);
	close(fd);
	fd = lr_sock_connect("127.0.0.1", port, 2000, NULL);
	lr_ctl_init(&c, fd, fd, LR_CTL_MAX_FRAME_CLIENT, "serve");
	cr_assert_eq(lr_ctl_hello_client_secret(&c, 2000, secret, &hello), 0,
		     "%s", c.err);
	json_decref(hello);
	close(fd);
	proc_kill(&p, SIGTERM);
	proc_wait(&p, 5000);
	proc_cleanup(&p);
}
