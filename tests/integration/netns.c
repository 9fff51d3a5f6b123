// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "netns.h"

int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd), "command too long: %s",
		  cmd);
	return system(cmd);
}

void netns_require(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to create network namespaces");
	if (sh("ip netns list >/dev/null 2>&1"))
		cr_skip_test("'ip netns' is not available");
}

void netns_wait_state(const char *ns, const char *ifname, const char *state)
{
	for (int i = 0; i < 100; i++) {
		if (!sh("ip -n %s -o link show %s | grep -q 'state %s '", ns,
			ifname, state))
			return;
		usleep(30000);
	}
	cr_assert_fail("%s never reached state %s", ifname, state);
}
