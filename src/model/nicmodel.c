// SPDX-License-Identifier: MIT
/*
 * What a NIC's engines allow, beside its link and its PCIe slot
 * (docs/model.md gives each default and its source):
 * - RDMA READ: one QP keeps at most max_rd_atom READs outstanding, so it
 *   moves outstanding x message per round trip (Little's law; the round
 *   trip includes the message's own serialisation), and some NICs have a
 *   per-QP read engine slower than the link.
 * - Small messages: a message rate per QP and per NIC; a flow of q QPs
 *   moves at most q x rate_qp x message bytes per second.
 * A parameter that is 0 is unknown: where it could bind, the model says
 * that it cannot judge (enum lr_unknown) instead of judging on the wire.
 */
#include <stdio.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"

/*
 * Built-in models. max_rd_atom: ibv_devinfo -v of ConnectX-4 to -7
 * (mlx5) reports max_qp_rd_atom 16. msg_rate: the NVIDIA product briefs
 * (ConnectX-5 "up to 200 million messages per second", ConnectX-6 215
 * million, ConnectX-7 "330-370 million": the upper figure, a ceiling).
 * read_qp_gbps: ConnectX-7 NDR back to back, ib_read_bw --report_gbits
 * with 1 QP and 16 outstanding READs of 1 MiB measured 328.61 Gb/s
 * while ib_write_bw gave 392.34 (issue 12): 330G. Per-QP message rates
 * and READ round trips have no public figure here: unknown.
 */
static const struct lr_nic_model builtin[] = {
	{ .name = "connectx-5", .max_rd_atom = 16, .msg_rate = 200e6 },
	{ .name = "connectx-6", .max_rd_atom = 16, .msg_rate = 215e6 },
	{ .name = "connectx-7",
	  .max_rd_atom = 16,
	  .msg_rate = 370e6,
	  .read_qp_gbps = 330 },
};

const struct lr_nic_model *lr_nic_model_find(const char *name)
{
	for (size_t i = 0; name && i < LR_ARRAY_SIZE(builtin); i++)
		if (!strcmp(builtin[i].name, name))
			return &builtin[i];
	return NULL;
}

const char *lr_nic_model_names(void)
{
	return "connectx-5, connectx-6, connectx-7";
}

const char *lr_unknown_name(enum lr_unknown u)
{
	switch (u) {
	case LR_UNKNOWN_MSG_RATE: return "unknown-message-rate";
	case LR_UNKNOWN_READ_WINDOW: return "unknown-read-round-trip";
	default: return NULL;
	}
}

unsigned lr_read_outstanding(const struct lr_nic_model *m, unsigned asked)
{
	if (!asked)
		return m->max_rd_atom;
	return m->max_rd_atom && asked > m->max_rd_atom ? m->max_rd_atom :
							  asked;
}

/* Gb/s of msg-byte messages at rate messages per second. */
static double msg_gbps(double rate, uint64_t msg)
{
	return rate * (double)msg * 8 / 1e9;
}

static void tighter(struct lr_qp_limit *q, enum lr_res_kind kind, double gbps)
{
	if (gbps > 0 && (!(q->gbps > 0) || gbps < q->gbps)) {
		q->kind = kind;
		q->gbps = gbps;
	}
}

void lr_qp_limit(const struct lr_nic_model *m, const struct lr_qp_opts *o,
		 double link_gbps, struct lr_qp_limit *q)
{
	unsigned qps = o->qps ? o->qps : 1;
	unsigned n = lr_read_outstanding(m, o->outstanding);

	if (o->op == LR_OP_STREAM)
		return;
	if (o->op == LR_OP_READ) {
		tighter(q, LR_RES_QP_READ, qps * m->read_qp_gbps);
		if (o->msg && n && m->read_rtt_us > 0 && link_gbps > 0) {
			double bits = (double)o->msg * 8;
			double ns = m->read_rtt_us * 1e3 + bits / link_gbps;

			tighter(q, LR_RES_READ_WINDOW, qps * n * bits / ns);
		}
	}
	if (o->msg)
		tighter(q, LR_RES_QP_MSG,
			qps * msg_gbps(m->msg_rate_qp, o->msg));
}

double lr_nic_msg_gbps(const struct lr_nic_model *m, enum lr_op op,
		       uint64_t msg)
{
	if (op == LR_OP_STREAM || !msg)
		return 0;
	return msg_gbps(m->msg_rate, msg);
}

enum lr_unknown lr_model_unknown(const struct lr_nic_model *m,
				 const struct lr_qp_opts *o)
{
	unsigned n = lr_read_outstanding(m, o->outstanding);

	if (o->op == LR_OP_STREAM || !o->msg)
		return LR_UNKNOWN_NONE;
	if (o->msg < LR_JUDGE_MSG_MIN &&
	    !(m->msg_rate_qp > 0 && m->msg_rate > 0))
		return LR_UNKNOWN_MSG_RATE;
	if (o->op == LR_OP_READ && !(n && m->read_rtt_us > 0) &&
	    (n ? n : 1) * o->msg < LR_JUDGE_READ_WINDOW)
		return LR_UNKNOWN_READ_WINDOW;
	return LR_UNKNOWN_NONE;
}

const char *lr_qp_what(const struct lr_nic_model *m, const struct lr_qp_opts *o,
		       enum lr_res_kind kind, char *buf, size_t len)
{
	unsigned qps = o->qps ? o->qps : 1;
	const char *name = m->name ? m->name : "NIC";

	switch (kind) {
	case LR_RES_QP_READ:
		snprintf(buf, len, "%u QP%s x %gG READ engine (%s)", qps,
			 qps == 1 ? "" : "s", m->read_qp_gbps, name);
		break;
	case LR_RES_READ_WINDOW:
		snprintf(buf, len,
			 "%u QP%s x %u outstanding READs of %llu B per %g us "
			 "round trip (%s)",
			 qps, qps == 1 ? "" : "s",
			 lr_read_outstanding(m, o->outstanding),
			 (unsigned long long)o->msg, m->read_rtt_us, name);
		break;
	case LR_RES_QP_MSG:
		snprintf(buf, len, "%u QP%s x %gM messages/s of %llu B (%s)",
			 qps, qps == 1 ? "" : "s", m->msg_rate_qp / 1e6,
			 (unsigned long long)o->msg, name);
		break;
	default:
		snprintf(buf, len, "%gM messages/s of %llu B (%s)",
			 m->msg_rate / 1e6, (unsigned long long)o->msg, name);
	}
	return buf;
}
