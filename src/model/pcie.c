// SPDX-License-Identifier: MIT
/*
 * PCIe ceilings per direction, derived from the PCI Express Base
 * Specification (docs/model.md gives each constant with its source).
 *
 * Raw: transfer rate x lanes x line code (Gen1/2 8b/10b, Gen3-5 128b/130b,
 * Gen6 FLIT mode 242/256). Gen5 x16 = 32 GT/s x 16 x 128/130 = 504.12.
 *
 * Usable, one direction:
 *   raw x (1 - SKP) x (1 - DLLP) x payload / (payload + per-TLP bytes)
 * - SKP ordered sets: Gen1/2 4 symbols at least every 1180 symbol times;
 *   Gen3-5 one 16-symbol block at least every 370 blocks.
 * - DLLPs: one Ack and one UpdateFC of 8 bytes each per Ack/UpdateFC
 *   latency interval, (MPS + 28) x AckFactor / width symbol times, for a
 *   stream of MPS-sized TLPs coming the other way (a NIC that sends and
 *   receives at once: the full-duplex case). Fraction of the link:
 *   2 x 8 / ((MPS + 28) x AckFactor), whatever the width.
 * - TLP bytes: Gen3-5 4 STP token (with the sequence number) + header +
 *   4 LCRC; Gen1/2 1 STP + 2 sequence + header + 4 LCRC + 1 END. A memory
 *   write (NIC receiving) has a 4-DW header (64-bit address, 16 B) and
 *   carries MPS bytes: 24 B more per TLP. A read completion (NIC
 *   transmitting: it reads host memory) has a 3-DW header (12 B): 20 B
 *   more per completion, of min(MPS, MRRS, the completion size the root
 *   port returns) bytes.
 * - Gen6 FLIT mode: 236 of the 242 non-FEC/CRC bytes of a flit carry
 *   TLPs; DLLPs travel in the other 6; no per-TLP framing, sequence or
 *   LCRC, only the header. Its SKP cost is not modelled.
 *
 * Gen3 x8 at MPS 256: writes 63.015 x 370/371 x (1 - 16/710) x 256/280 =
 * 56.16 Gb/s, completions 57.x: a ConnectX-5 measured 55.97.
 */
#include "linerate/model.h"
#include "linerate/util.h"

enum {
	TLP_FRAMING = 8, /* STP + sequence + LCRC (+ END on Gen1/2) */
	HDR_WRITE = 16, /* 4 DW: memory write, 64-bit address */
	HDR_CPL = 12, /* 3 DW: completion with data */
	DLLP_BYTES = 8, /* SDP + 4 B + 16-bit CRC (+ END on Gen1/2) */
	ACK_TLP_OVERHEAD = 28, /* TLPOverhead of the latency formula */
	SKP8B_SYMBOLS = 4, /* COM + 3 SKP */
	SKP8B_INTERVAL = 1180, /* symbol times, minimum */
	SKP128B_INTERVAL = 370, /* blocks, minimum */
	DEFAULT_MPS = 256,
	DEFAULT_MRRS = 512, /* Device Control reset value */
};

double lr_pcie_raw_gbps(unsigned gen, unsigned width)
{
	static const double lane[] = {
		0.0,
		2.5 * 8 / 10,
		5.0 * 8 / 10,
		8.0 * 128 / 130,
		16.0 * 128 / 130,
		32.0 * 128 / 130,
		64.0 * 242 / 256,
	};

	if (gen >= LR_ARRAY_SIZE(lane))
		return 0.0;
	return lane[gen] * width;
}

double lr_pcie_skp_fraction(unsigned gen)
{
	if (gen == 1 || gen == 2)
		return (double)SKP8B_SYMBOLS / (SKP8B_INTERVAL + SKP8B_SYMBOLS);
	if (gen >= 3 && gen <= 5)
		return 1.0 / (SKP128B_INTERVAL + 1);
	return 0.0;
}

/*
 * AckFactor (= UpdateFactor) of the spec's Ack and UpdateFC latency
 * tables: about how many max-size TLPs arrive before an Ack is due.
 */
double lr_pcie_ack_factor(unsigned max_payload, unsigned width)
{
	/* columns: x1-x4, x8, x12-x32 */
	static const double f[][3] = {
		{ 1.4, 2.5, 3.0 }, /* 128 */
		{ 1.4, 2.5, 3.0 }, /* 256 */
		{ 1.0, 1.0, 2.0 }, /* 512 */
		{ 1.0, 1.0, 1.0 }, /* 1024 and above */
	};
	size_t row = max_payload <= 128 ? 0 :
		     max_payload <= 256 ? 1 :
		     max_payload <= 512 ? 2 :
					  3;
	size_t col = width <= 4 ? 0 : width <= 8 ? 1 : 2;

	return f[row][col];
}

double lr_pcie_dllp_fraction(unsigned gen, unsigned width, unsigned max_payload)
{
	unsigned mps = max_payload ? max_payload : DEFAULT_MPS;

	if (gen >= 6)
		return 0.0; /* in the flit's DLP bytes */
	return 2.0 * DLLP_BYTES /
	       ((mps + ACK_TLP_OVERHEAD) * lr_pcie_ack_factor(mps, width));
}

unsigned lr_pcie_tlp_overhead(unsigned gen, bool completion)
{
	unsigned hdr = completion ? HDR_CPL : HDR_WRITE;

	return gen >= 6 ? hdr : hdr + TLP_FRAMING;
}

/* raw x (1 - SKP) x (1 - DLLP) (x 236/242 in flit mode) */
static double link_gbps(const struct lr_pcie_link *l)
{
	double raw = lr_pcie_raw_gbps(l->gen, l->width);

	if (l->gen >= 6)
		return raw * 236 / 242;
	return raw * (1 - lr_pcie_skp_fraction(l->gen)) *
	       (1 - lr_pcie_dllp_fraction(l->gen, l->width, l->max_payload));
}

double lr_pcie_write_gbps(const struct lr_pcie_link *l)
{
	double mps = l->max_payload ? l->max_payload : DEFAULT_MPS;

	return link_gbps(l) * mps / (mps + lr_pcie_tlp_overhead(l->gen, false));
}

unsigned lr_pcie_completion_bytes(const struct lr_pcie_link *l)
{
	unsigned c = l->max_payload ? l->max_payload : DEFAULT_MPS;
	unsigned mrrs = l->max_read_req ? l->max_read_req : DEFAULT_MRRS;

	if (mrrs < c)
		c = mrrs;
	if (l->read_completion && l->read_completion < c)
		c = l->read_completion;
	return c;
}

double lr_pcie_read_gbps(const struct lr_pcie_link *l)
{
	double c = lr_pcie_completion_bytes(l);

	return link_gbps(l) * c / (c + lr_pcie_tlp_overhead(l->gen, true));
}

double lr_pcie_dma_gbps(unsigned gen, unsigned width, unsigned max_payload)
{
	struct lr_pcie_link l = { .gen = gen,
				  .width = width,
				  .max_payload = max_payload };
	double r = lr_pcie_read_gbps(&l), w = lr_pcie_write_gbps(&l);

	return r < w ? r : w;
}
