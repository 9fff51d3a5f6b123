/* SPDX-License-Identifier: MIT */
/*
 * verdict: measured flows against the model of exactly the set of flows
 * that ran together, each shortfall named and located with its evidence
 * (docs/verdicts.md), rendered as text, the JSON document
 * "linerate.report/1", JUnit XML and a self-contained HTML page.
 *
 * Use: lr_verdict_new, add result documents (lr_verdict_add_result or
 * lr_verdict_load_file), failed flows and run-level findings, optionally
 * preflight documents, then lr_verdict_compute against the topology, then
 * render any number of times. Every add returns 0 or -EINVAL (bad input,
 * logged once with its place) / -ENOMEM; lr_verdict_compute returns
 * -EINVAL when a flow names a NIC that the topology does not have or two
 * results claim the same flow (logged with the place of each).
 *
 * Flow labels: a result document may carry
 * "flow": {"local": "SERVER/NIC", "remote": "SERVER/NIC", "set": "ID",
 *          "phase": "pairs", "round": 2, "window": {"start_unix": S,
 *          "end_unix": E}}
 * (only local and remote are required). Direction c2s is local -> remote,
 * s2c is remote -> local. A document without "flow" is one pair test; its
 * names are the caller's (local/remote of lr_verdict_add_result) or
 * local.host/local.endpoint.device and peer.host/peer.endpoint.device.
 */
#ifndef LINERATE_VERDICT_H
#define LINERATE_VERDICT_H

#include <stdio.h>

#include <jansson.h>

#include "linerate/topology.h"

#define LR_REPORT_SCHEMA "linerate.report/1"

struct lr_verdict;

/* A new, empty flow set; NULL on allocation failure (logged). */
struct lr_verdict *lr_verdict_new(void);
void lr_verdict_free(struct lr_verdict *v);

/*
 * Add one "linerate.result/1" document: one flow per direction it ran.
 * where names it in messages ("results.jsonl:12"). local/remote ("SERVER/NIC")
 * name the ends of a document without "flow"; NULL: from the document.
 */
int lr_verdict_add_result(struct lr_verdict *v, const json_t *doc,
			  const char *where, const char *local,
			  const char *remote);
/*
 * Add every result of a file: one JSON document, or a JSONL stream (one
 * "linerate.result/1" document per line, blank lines allowed).
 */
int lr_verdict_load_file(struct lr_verdict *v, const char *path);
/*
 * A flow that has no result (it could not run): local -> remote
 * ("SERVER/NIC"), its set and phase (NULL: none) and why.
 */
int lr_verdict_add_failed(struct lr_verdict *v, const char *local,
			  const char *remote, const char *set,
			  const char *phase, const char *error);
/*
 * A finding of the run itself, not of a flow: subject ("gpu017" or
 * "gpu017/mlx5_3"), kind ("unreachable", "agent-died", "version", ...) and
 * cause. It makes the verdict fail.
 */
int lr_verdict_add_run_finding(struct lr_verdict *v, const char *subject,
			       const char *kind, const char *cause);
/*
 * Preflight documents per server: {SERVER: "linerate.preflight/1" doc}.
 * Their findings become evidence of the NICs they name.
 */
int lr_verdict_add_preflight(struct lr_verdict *v, const json_t *by_server);

/*
 * Resolve the flows in t (which must outlive v), ask the model for each
 * concurrent set, give every flow its verdict and run the localisation
 * rules. Returns 0, -EINVAL (an input problem, logged) or -ENOMEM.
 */
int lr_verdict_compute(struct lr_verdict *v, const struct lr_topo *t);

/* Summary line, then findings worst first. */
void lr_verdict_print_text(const struct lr_verdict *v, FILE *out);
/*
 * The "linerate.report/1" document (new reference, NULL on allocation
 * failure). run: an optional object copied in as "run" (timings, phases).
 */
json_t *lr_verdict_json(const struct lr_verdict *v, const json_t *run);
/*
 * The same document printed to out (and a newline) as a stream, without
 * the tree: what `report --json` writes. 0, -EIO or -ENOMEM.
 */
int lr_verdict_print_json(const struct lr_verdict *v, const json_t *run,
			  FILE *out);
/* JUnit XML / self-contained HTML, written atomically. 0 or -errno. */
int lr_verdict_write_junit(const struct lr_verdict *v, const char *path);
int lr_verdict_write_html(const struct lr_verdict *v, const char *path);

/* LR_EXIT_OK when nothing was found, LR_EXIT_BELOW otherwise. */
int lr_verdict_exit(const struct lr_verdict *v);

#endif
