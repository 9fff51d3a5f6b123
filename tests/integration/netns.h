/* SPDX-License-Identifier: MIT */
/* Test helper: shell commands and network namespaces (needs root). */
#ifndef LINERATE_TEST_NETNS_H
#define LINERATE_TEST_NETNS_H

/* system() of a formatted command; returns its status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Skip the test unless root with a working `ip netns`. */
void netns_require(void);
/* Wait (up to 3 s) for ifname in namespace ns to reach operstate state
 * ("UP", "LOWERLAYERDOWN"): linkwatch sets it asynchronously. */
void netns_wait_state(const char *ns, const char *ifname, const char *state);

#endif
