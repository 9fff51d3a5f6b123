/* SPDX-License-Identifier: MIT */
/*
 * Test helper: a virtual rack (scripts/vrack, docs/vrack.md) for the
 * cluster suite. vrack_up() runs `scripts/vrack up` with a name unique to
 * this process and its own state directory, then reads the rack's env
 * file (VRACK_* keys: topology, ssh_config, servers, namespaces, data
 * addresses). Every call fails the test on error; vrack_down() is safe on
 * a rack that is not (or half) up. Needs root.
 */
#ifndef LINERATE_TEST_VRACK_H
#define LINERATE_TEST_VRACK_H

#include <stdbool.h>
#include <stddef.h>

#define VRACK_MAX_KEYS 512

struct vrack {
	char name[16]; /* namespaces NAME-vrI, NAME-fab */
	char state[96]; /* its state directory */
	bool up;
	size_t n;
	char *keys[VRACK_MAX_KEYS], *vals[VRACK_MAX_KEYS];
};

/* Skip the test unless root with ip netns, tc, sshd and ssh-keygen. */
void vrack_require(void);
/* `scripts/vrack up` with extra options (e.g. "--servers 4 --nics 2",
 * or NULL); --bin is the directory of LINERATE_BIN, so `linerate` is on
 * PATH in the rack's ssh sessions. */
void vrack_up(struct vrack *r, const char *opts);
void vrack_down(struct vrack *r);
/* `scripts/vrack WORDS --state STATE -q`; returns its exit status. */
int vrack_cmd(struct vrack *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* `scripts/vrack slurm up` (skips the test without Slurm's packages);
 * returns the rack's slurm.conf, for SLURM_CONF. vrack_down() stops it. */
const char *vrack_slurm_up(struct vrack *r);

/* A key of the env file (without quotes), or NULL. */
const char *vrack_get(const struct vrack *r, const char *key);
/* The same, failing the test when absent. */
const char *vrack_must(const struct vrack *r, const char *key);
/* The namespace of a server, a NIC's data address. */
const char *vrack_ns(const struct vrack *r, const char *server);
const char *vrack_addr(const struct vrack *r, const char *server,
		       const char *nic);

/* Run sh -c CMD, its stdout into out (NUL-terminated, trailing newline
 * removed); returns the exit status. */
int vrack_capture(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
