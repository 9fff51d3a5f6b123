// SPDX-License-Identifier: MIT
/* Which counters count errors: one list for preflight and the verdicts. */
#include <string.h>

#include "linerate/counters.h"
#include "linerate/util.h"

/* Counter names that count errors, as the kernel and mlx5 name them. */
static const char *const error_counters[] = {
	"symbol_error",
	"link_downed",
	"link_error_recovery",
	"port_rcv_errors",
	"port_xmit_discards",
	"local_link_integrity_errors",
	"excessive_buffer_overrun_errors",
	"port_rcv_remote_physical_errors",
	"out_of_sequence",
	"packet_seq_err",
	"local_ack_timeout_err",
	"implied_nak_seq_err",
	"rnr_nak_retry_err",
	"out_of_buffer",
	"rx_crc_errors",
	"rx_errors",
	"tx_errors",
	"rx_missed_errors",
	"rx_fifo_errors",
	"rx_frame_errors",
	"tx_carrier_errors",
};

bool lr_counter_is_pause(const char *group, const char *name)
{
	(void)group;
	return strstr(name, "pause") && !strstr(name, "duration") &&
	       !strstr(name, "transition");
}

bool lr_counter_is_error(const char *group, const char *name)
{
	size_t n = strlen(group);

	/* every name below holds one of these: most counters are rejected
	 * at once (a verdict asks for every counter of every flow) */
	if (!strstr(name, "err") && !strstr(name, "discard") &&
	    !strstr(name, "link_down") && !strstr(name, "out_of_"))
		return false;
	for (size_t i = 0; i < LR_ARRAY_SIZE(error_counters); i++)
		if (!strcmp(name, error_counters[i]))
			return true;
	/* driver statistics: whatever the driver calls an error or discard */
	return n > 8 && !strcmp(group + n - 8, "/ethtool") &&
	       (strstr(name, "err") || strstr(name, "discard"));
}
