// SPDX-License-Identifier: MIT
/*
 * PCIe ceilings per direction.
 *
 * Raw: transfer rate x lanes x line-code efficiency (Gen1/2 8b/10b, Gen3-5
 * 128b/130b, Gen6 FLIT mode 242/256). Gen5 x16 = 32 GT/s x 16 x 128/130 =
 * 504.12 Gb/s.
 *
 * Usable DMA: each TLP carries at most max_payload bytes and costs 24 more
 * on the link (Gen3+: 4 B STP framing token with sequence number, 16 B
 * 4-DW header with 64-bit address, 4 B LCRC; Gen1/2: 1 B STP, 2 B sequence,
 * 16 B header, 4 B LCRC, 1 B END). Flow-control and ACK DLLPs and SKP
 * ordered sets take about 5% more. Gen5 x16 at max payload 256:
 * 504.12 x 256/280 x 0.95 = 437.9 Gb/s (measured DMA is ~416-460); a Gen4
 * x16 slot gives 218.9, where a 400G NIC is known to cap near 210-230.
 */
#include "linerate/model.h"

enum { TLP_OVERHEAD = 24 };
#define DLLP_EFFICIENCY 0.95

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

	if (gen >= sizeof(lane) / sizeof(lane[0]))
		return 0.0;
	return lane[gen] * width;
}

double lr_pcie_dma_gbps(unsigned gen, unsigned width, unsigned max_payload)
{
	double mps = max_payload ? max_payload : 256;

	return lr_pcie_raw_gbps(gen, width) * mps / (mps + TLP_OVERHEAD) *
	       DLLP_EFFICIENCY;
}
