/* SPDX-License-Identifier: MIT */
/* Internals of the verdict library (include/linerate/verdict.h). */
#ifndef LR_VERDICT_VD_H
#define LR_VERDICT_VD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "linerate/model.h"
#include "linerate/verdict.h"
#include "vj.h"

/*
 * Every tolerance and counter threshold, in one place (docs/verdicts.md
 * has the same table). tolerance: the topology's own when it gives one.
 */
struct vd_limits {
	double tolerance; /* pass >= (1 - t) x expected, above > (1 + t) x */
	double explained; /* |measured - preflight ceiling| <= this x ceiling */
	double window_overlap; /* a flow's window shared with its set's */
	double retrans_ratio; /* TCP retransmitted / sent segments: evidence */
	double min_error_delta; /* an error counter rising by >= this */
	double host_alone_share; /* "alone": <= this many NICs of the server */
	double stopped; /* an interval below this x expected: a stop, a fault */
	unsigned max_intervals; /* per-interval rates kept per flow */
};

extern const struct vd_limits vd_limits;

enum vd_verdict {
	VD_PASS,
	VD_BELOW,
	VD_ABOVE,
	VD_FAILED,
	VD_NOJUDGE, /* the model cannot judge this flow */
};

const char *vd_verdict_name(enum vd_verdict v);

struct vd_flow {
	char *where; /* "file:line" */
	char *src, *dst; /* "SERVER/NIC" */
	uint32_t set; /* index in vd.sets */
	int round; /* -1: none */
	long src_nic, dst_nic; /* topology NIC instances, -1 until resolved */
	double start, end; /* window, CLOCK_REALTIME s; NaN: unknown */
	double gbps; /* measured, authoritative */
	double iv_min, iv_med, iv_max; /* interval statistics; NaN: none */
	unsigned iv_n;
	float *iv; /* per-interval rates (at most max_intervals) */
	uint32_t n_iv;
	enum lr_op op;
	uint64_t msg;
	unsigned qps;
	unsigned outstanding; /* READs per QP the test ran with, 0: unknown */
	double retrans, retrans_ratio; /* NaN: not reported */
	char *err_src, *err_dst; /* rising error counters of each end */
	bool pause_src, pause_dst; /* ... pause frames only */
	char *error; /* failed: why */
	char *dir; /* "c2s", "s2c" */
	/* computed */
	double expected, ecmp_slowest, ratio;
	char *limited_by; /* the resource that bounds it in the model */
	int limit_kind; /* enum lr_res_kind, -1: none */
	enum vd_verdict verdict;
	bool claimed; /* explained by a finding */
	bool shared; /* passed with the flows its binding resource bounds */
};

struct vd_set {
	char *id;
	char *phase;
	uint32_t *flows;
	size_t n_flows, cap;
	double aggregate, expected; /* Gb/s of the set */
};

struct vd_finding {
	char *subject;
	char *kind;
	char *cause;
	double expected, measured, ratio; /* NaN: not a rate */
	bool fault; /* false: a design limit or a note */
	char **evidence;
	size_t n_evidence;
	uint32_t *flows;
	size_t n_flows;
};

struct vd_evidence {
	char *subject; /* "SERVER/NIC" */
	char *text;
	double ceiling; /* preflight's predicted ceiling, NaN: none */
};

struct vd_intern;

struct lr_verdict {
	struct vd_flow *flows;
	size_t n_flows, cap_flows;
	struct vd_set *sets;
	size_t n_sets, cap_sets;
	struct vd_intern *set_ix; /* "phase\tset" -> set */
	struct vd_finding *findings;
	size_t n_findings, cap_findings;
	struct vd_evidence *pf; /* preflight evidence */
	size_t n_pf, cap_pf;
	size_t n_docs;
	const struct lr_topo *topo;
	double tolerance;
	bool computed;
	struct vj_arena arena; /* the document being loaded */
	const char *own_prefix; /* set id of a document without one: "#N" */
	/* per NIC instance after compute: flows that touch it (CSR) */
	uint32_t *nic_off, *nic_flows;
};

/* util.c */
int vd_grow(void **v, size_t *cap, size_t need, size_t size);
char *vd_strdup(const char *s);
char *vd_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct vd_intern *vd_intern_new(void);
void vd_intern_free(struct vd_intern *ix);
/* Index of key, adding it with value `next` if absent; -ENOMEM. */
long vd_intern(struct vd_intern *ix, const char *key, uint32_t next);
/* The set of (phase, id), created if new. */
long vd_set_get(struct lr_verdict *v, const char *phase, const char *id);
struct vd_flow *vd_flow_new(struct lr_verdict *v);
/* Set ids of documents without one: PREFIX + document index. */
void vd_verdict_own_prefix(struct lr_verdict *v, const char *prefix);
/* Move every flow of src (documents only) to the end of dst. */
int vd_merge(struct lr_verdict *dst, struct lr_verdict *src);
/* Free the flows from index first on (a document that failed half-way). */
void vd_flows_drop(struct lr_verdict *v, size_t first);

/* load.c */
struct vj;
int vd_load_doc(struct lr_verdict *v, const struct vj *doc, const char *where,
		const char *local, const char *remote);
/* Parse and load one document; where: file:line (line 0: file). */
int vd_load_text(struct lr_verdict *v, const char *text, size_t len,
		 const char *file, int line, const char *local,
		 const char *remote);

/* findings.c */
struct vd_finding *vd_finding_add(struct lr_verdict *v, const char *subject,
				  const char *kind, bool fault, const char *fmt,
				  ...) __attribute__((format(printf, 5, 6)));
int vd_finding_evidence(struct vd_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vd_finding_flow(struct lr_verdict *v, struct vd_finding *f, uint32_t flow);
/* Set expected/measured/ratio from the sums of its flows. */
void vd_finding_rates(const struct lr_verdict *v, struct vd_finding *f);
/* Preflight findings and rising counters of a NIC as evidence. */
void vd_finding_nic_evidence(const struct lr_verdict *v, struct vd_finding *f,
			     const char *nic);
/* Lowest preflight ceiling of a NIC, NaN if none. */
double vd_pf_ceiling(const struct lr_verdict *v, const char *nic);
void vd_findings_sort(struct lr_verdict *v);
void vd_finding_free(struct vd_finding *f);

/* compute.c */
bool vd_is_pass(const struct vd_flow *f);
/* The other end of flow fl as seen from NIC nic. */
long vd_partner(const struct vd_flow *f, long nic);
/* Name of a NIC instance "SERVER/NIC" into buf. */
const char *vd_nic_name(const struct lr_topo *t, long nic, char *buf,
			size_t len);

/* rules_util.c */
/* The flows that touch a NIC (after compute). */
size_t vd_nic_flows(const struct lr_verdict *v, long nic, const uint32_t **out);
/* nic passes in some flow whose partner is not except. */
bool vd_fine_elsewhere(const struct lr_verdict *v, long nic, long except);
/* below and not yet explained by a finding */
bool vd_open_below(const struct vd_flow *f);
/* leaf switch of a NIC instance */
int vd_leaf(const struct lr_verdict *v, long nic);
/* Whether a subject ("a/m0 <-> b/m0") names name as a whole word. */
bool vd_mentions(const char *subject, const char *name);
/* The resource that bounds f, as a subject: "n1/m0 (nic-link-tx)" ->
 * "n1/m0" (its source NIC when the model named none). */
void vd_limit_subject(const struct vd_flow *f, char *buf, size_t len);
/* A finding of a kind (NULL: any) about subject, or NULL. */
struct vd_finding *vd_finding_find(struct lr_verdict *v, const char *kind,
				   const char *subject);

/* rules: each adds its findings and claims the flows it explains. */
struct vd_rule {
	const char *name;
	int (*fn)(struct lr_verdict *v);
	const char *meaning;
};

extern const struct vd_rule vd_rules[];
extern const size_t vd_n_rules;

int vd_rule_window(struct lr_verdict *v);
int vd_rule_failed(struct lr_verdict *v);
int vd_rule_mismatch(struct lr_verdict *v);
int vd_rule_ecmp(struct lr_verdict *v);
int vd_rule_share(struct lr_verdict *v);
/* share.c: the set's flows (g's flow i is flows[i]) joined by the
 * resources they fill are judged by their sum. */
int vd_judge_shared(struct lr_verdict *v, const struct lr_graph *g,
		    const uint32_t *flows);
int vd_rule_host(struct lr_verdict *v);
int vd_rule_uplink(struct lr_verdict *v);
int vd_rule_nic(struct lr_verdict *v);
int vd_rule_pair_path(struct lr_verdict *v);
int vd_rule_intermittent(struct lr_verdict *v);
int vd_rule_errors(struct lr_verdict *v);
int vd_rule_below(struct lr_verdict *v);

/* html_esc.c: every text from outside goes through these. */
struct vd_buf {
	char *p;
	size_t n, cap;
	bool failed;
};

void vd_out(struct vd_buf *b, const char *s); /* markup, as is */
void vd_outf(struct vd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vd_txt(struct vd_buf *b, const char *s); /* escaped text */
void vd_attr(struct vd_buf *b, const char *s); /* escaped attribute value */

#endif
