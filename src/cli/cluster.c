// SPDX-License-Identifier: MIT
/* linerate cluster: the acceptance run of a rack (docs/cluster.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/cli.h"
#include "linerate/cluster.h"
#include "linerate/topology.h"
#include "linerate/util.h"

#define CMD "cluster"

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void cluster_usage(void)
{
	printf("usage: linerate cluster TOPOLOGY [--hosts RANGE] [--ssh CMD]\n"
	       "         [--launcher ssh|slurm] [--remote-linerate PATH] "
	       "[--fanout N]\n"
	       "         [--phases LIST] [--transport tcp|verbs] "
	       "[--duration S]\n"
	       "         [--rounds N|all] [--out DIR] [--resume] [--json] "
	       "[--quiet]\n\n"
	       "  --hosts RANGE          servers to run (default: all of "
	       "the topology)\n"
	       "  --ssh CMD              the ssh command and its options "
	       "(as rsync -e; default ssh)\n"
	       "  --launcher ssh|slurm   agents over ssh (default) or one "
	       "srun step\n"
	       "  --remote-linerate PATH linerate on the servers (default: "
	       "linerate on PATH)\n"
	       "  --fanout N             agents starting at once (default "
	       "64)\n"
	       "  --phases LIST          of hosts,pairs,fabric,retest "
	       "(default all)\n"
	       "  --transport T          tcp (default) or verbs\n"
	       "  --duration S           each set's window (default 10)\n"
	       "  --rounds N|all         pairs rounds (default 3)\n"
	       "  --out DIR              results and reports (default "
	       "linerate-cluster)\n"
	       "  --resume               continue the run in DIR\n"
	       "  --json                 the report document on stdout\n"
	       "  --quiet                no progress, no verdict text\n\n"
	       "Writes DIR/results.jsonl, DIR/hosts.json, DIR/report.json, "
	       "report.xml, report.html.\n"
	       "Exit: 0 pass, 1 findings, 2 bad input, 3 could not start, "
	       "130 interrupted.\n");
}

struct cluster_cli {
	struct lr_cluster_opts o;
	const char *topo_path, *hosts;
};

/* Whether argv[0] of the ssh command can be run. */
static bool runnable(const char *cmd)
{
	char **v;
	bool ok = false;

	if (lr_argv_split(cmd, &v))
		return false;
	if (strchr(v[0], '/')) {
		ok = !access(v[0], X_OK);
	} else {
		const char *path = getenv("PATH");
		char *p = strdup(path ? path : "/usr/bin:/bin"), *save = NULL;

		for (char *d = strtok_r(p, ":", &save); d && !ok;
		     d = strtok_r(NULL, ":", &save)) {
			char full[4096];

			snprintf(full, sizeof(full), "%s/%s", d, v[0]);
			ok = !access(full, X_OK);
		}
		free(p);
	}
	lr_argv_free(v);
	return ok;
}

static int parse_opt(struct cluster_cli *c, int ch, const char *arg)
{
	struct lr_cluster_opts *o = &c->o;
	uint64_t u;
	char bad[64];

	switch (ch) {
	case 'H': c->hosts = arg; return 0;
	case 's':
		if (!runnable(arg))
			return lr_cli_usage(CMD,
					    "--ssh: '%s': no such command "
					    "(or an open quote)",
					    arg);
		o->ssh = arg;
		return 0;
	case 'L':
		if (strcmp(arg, "ssh") && strcmp(arg, "slurm"))
			return lr_cli_usage(CMD,
					    "--launcher: '%s' (expected "
					    "ssh or slurm)",
					    arg);
		o->launcher =
			strcmp(arg, "ssh") ? LR_LAUNCH_SLURM : LR_LAUNCH_SSH;
		return 0;
	case 'R': o->remote_linerate = arg; return 0;
	case 'F':
		if (lr_cli_uint(CMD, "fanout", arg, 1, 4096, &u))
			return LR_EXIT_USAGE;
		o->fanout = (unsigned)u;
		return 0;
	case 'P':
		if (lr_phases_parse(arg, &o->phases, bad, sizeof(bad)))
			return lr_cli_usage(CMD,
					    "--phases: unknown phase '%s' "
					    "(expected hosts, pairs, fabric, "
					    "retest)",
					    bad);
		return 0;
	case 'T':
		if (strcmp(arg, "tcp") && strcmp(arg, "verbs"))
			return lr_cli_usage(CMD,
					    "--transport: '%s' (expected tcp "
					    "or verbs)",
					    arg);
		o->transport = arg;
		return 0;
	case 'D':
		return lr_cli_seconds(CMD, "duration", arg, 0.1, 3600,
				      &o->duration_s) ?
			       LR_EXIT_USAGE :
			       0;
	case 'n':
		if (!strcmp(arg, "all")) {
			o->rounds = 0;
			return 0;
		}
		if (lr_cli_uint(CMD, "rounds", arg, 1, 1000000, &u))
			return LR_EXIT_USAGE;
		o->rounds = (unsigned)u;
		return 0;
	case 'o': o->out_dir = arg; return 0;
	case 'r': o->resume = true; return 0;
	case 'j': o->json = true; return 0;
	case 'q': o->quiet = true; return 0;
	default: return LR_EXIT_USAGE;
	}
}

static int parse(int argc, char **argv, struct cluster_cli *c)
{
	static const struct option opts[] = {
		{ "hosts", required_argument, NULL, 'H' },
		{ "ssh", required_argument, NULL, 's' },
		{ "launcher", required_argument, NULL, 'L' },
		{ "remote-linerate", required_argument, NULL, 'R' },
		{ "fanout", required_argument, NULL, 'F' },
		{ "phases", required_argument, NULL, 'P' },
		{ "transport", required_argument, NULL, 'T' },
		{ "duration", required_argument, NULL, 'D' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "resume", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, ret;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (ch == 'h') {
			cluster_usage();
			return LR_EXIT_OK;
		}
		if (ch == '?' || ch == ':')
			return lr_cli_bad_option(CMD, argv, opts);
		ret = parse_opt(c, ch, optarg);
		if (ret)
			return ret;
	}
	if (optind + 1 != argc)
		return lr_cli_usage(CMD,
				    optind < argc ?
					    "one TOPOLOGY only ('%s' too)" :
					    "no TOPOLOGY given%s",
				    optind < argc ? argv[optind + 1] : "");
	c->topo_path = argv[optind];
	return -1;
}

/* Servers named by a host range, each of the topology. */
static int select_range(const struct lr_topo *t, const char *what,
			const char *range, bool *sel)
{
	struct lr_names names = { 0 };
	const char *why = NULL;
	int n = lr_hostrange_expand(range, t->n_servers + 1, &names, &why);
	int ret = 0;

	if (n < 0) {
		lr_names_free(&names);
		return lr_cli_usage(CMD, "%s: '%s' is not a host range: %s",
				    what, range,
				    n == -E2BIG ? "more names than the "
						  "topology has servers" :
						  (why ? why : "syntax"));
	}
	for (size_t i = 0; i < names.n && !ret; i++) {
		long s = lr_topo_find_server(t, names.v[i]);

		if (s < 0)
			ret = lr_cli_usage(CMD,
					   "%s: '%s' is not a server of %s",
					   what, names.v[i], t->file);
		else
			sel[s] = true;
	}
	lr_names_free(&names);
	return ret;
}

static int slurm_select(const struct lr_topo *t, bool *sel, bool *have,
			size_t *nodes)
{
	const char *list = getenv("SLURM_JOB_NODELIST");
	struct lr_names names = { 0 };
	const char *why = NULL;
	int n;

	if (!list)
		return lr_cli_usage(CMD, "--launcher slurm: no "
					 "SLURM_JOB_NODELIST (run inside "
					 "salloc or sbatch)");
	n = lr_hostrange_expand(list, 1000000, &names, &why);
	if (n < 0) {
		lr_names_free(&names);
		return lr_cli_usage(CMD, "SLURM_JOB_NODELIST '%s': %s", list,
				    why ? why : "not a host range");
	}
	*nodes = names.n;
	for (size_t i = 0; i < names.n; i++) {
		long s = lr_topo_find_server(t, names.v[i]);

		if (s < 0)
			lr_warn("node %s of the allocation is not a server "
				"of %s: left out",
				names.v[i], t->file);
		else
			have[s] = true;
	}
	lr_names_free(&names);
	for (size_t s = 0; s < t->n_servers; s++)
		sel[s] = sel[s] && have[s];
	return 0;
}

static void summary(const struct lr_cluster_summary *s, const char *dir)
{
	double out = s->elapsed_s - s->window_s;

	fprintf(stderr,
		"linerate cluster: %zu servers (%zu up), %zu sets (%zu "
		"resumed), %zu flows in %.1f s: %.1f s inside traffic "
		"windows (%.0f%%), %.1f s outside (%.0f%%; agents up in "
		"%.2f s)%s\n",
		s->servers, s->servers_up, s->sets_run, s->sets_resumed,
		s->flows_run, s->elapsed_s, s->window_s,
		s->elapsed_s > 0 ? 100 * s->window_s / s->elapsed_s : 0, out,
		s->elapsed_s > 0 ? 100 * out / s->elapsed_s : 0, s->agents_s,
		s->interrupted ? "; interrupted" : "");
	fprintf(stderr, "linerate cluster: report: %s/report.html\n", dir);
}

static int run(struct cluster_cli *c, struct lr_topo *t)
{
	struct lr_cluster_summary sum;
	struct sigaction sa = { .sa_handler = on_signal };
	bool *sel = calloc(t->n_servers + 1, sizeof(*sel));
	bool *have = calloc(t->n_servers + 1, sizeof(*have));
	int ret = sel && have ? 0 : LR_EXIT_RUNTIME;

	for (size_t s = 0; !ret && s < t->n_servers; s++)
		sel[s] = !c->hosts;
	if (!ret && c->hosts)
		ret = select_range(t, "--hosts", c->hosts, sel);
	if (!ret && c->o.launcher == LR_LAUNCH_SLURM)
		ret = slurm_select(t, sel, have, &c->o.slurm_nodes);
	if (ret) {
		free(sel);
		free(have);
		return ret;
	}
	c->o.topo = t;
	c->o.selected = sel;
	c->o.stop = &stop_flag;
	c->o.progress = !c->o.quiet && isatty(STDERR_FILENO);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = lr_cluster_run(&c->o, &sum);
	free(sel);
	free(have);
	if (ret)
		return ret == -EINVAL || ret == -EEXIST ? LR_EXIT_USAGE :
							  LR_EXIT_RUNTIME;
	if (!c->o.quiet)
		summary(&sum, c->o.out_dir);
	return sum.exit_code;
}

int cmd_cluster(int argc, char **argv)
{
	struct cluster_cli c = {
		.o = { .fanout = 64,
		       .phases = (1u << LR_PHASE_COUNT) - 1,
		       .transport = "tcp",
		       .duration_s = 10,
		       .rounds = 3,
		       .out_dir = "linerate-cluster" },
	};
	struct lr_diags d = { 0 };
	struct lr_topo *t;
	int ret = parse(argc, argv, &c);

	if (ret >= 0)
		return ret;
	ret = lr_topo_load(c.topo_path, &d, &t);
	lr_diags_print(&d, 50);
	lr_diags_free(&d);
	if (ret)
		return LR_EXIT_USAGE;
	ret = run(&c, t);
	lr_topo_free(t);
	return ret;
}
