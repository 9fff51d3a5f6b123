// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "linerate/util.h"

static enum lr_log_level log_level = LR_LOG_WARN;
static char log_prefix[64] = "linerate";

static const char *const level_names[] = {
	[LR_LOG_ERROR] = "error",
	[LR_LOG_WARN] = "warning",
	[LR_LOG_INFO] = "info",
	[LR_LOG_DEBUG] = "debug",
};

void lr_log_set_level(enum lr_log_level level)
{
	log_level = level;
}

enum lr_log_level lr_log_get_level(void)
{
	return log_level;
}

void lr_log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix);
}

void lr_vlog(enum lr_log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	if (level > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per message so that threads do not interleave. */
	fprintf(stderr, "%s: %s: %s\n", log_prefix, level_names[level], line);
}

void lr_log(enum lr_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lr_vlog(level, fmt, ap);
	va_end(ap);
}
