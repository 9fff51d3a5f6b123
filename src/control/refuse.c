// SPDX-License-Identifier: MIT
/*
 * serve: turning a client away so that it reads why. The refusal goes out
 * as one frame, then the write side is shut and what the client sent (its
 * hello) is read and dropped until it closes or a second has passed: a
 * socket closed with unread data resets the connection, and a reset can
 * destroy the refusal before the client has read it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/control.h"
#include "linerate/util.h"
#include "session_int.h"

#define DRAIN_MS 1000
#define TICK_MS 50

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int fd;
	uint64_t deadline;
} q[LR_SRV_REFUSING];
static unsigned nq;
static bool started, failed;

/* Read what is there; false once the client has closed (or failed). */
static bool drain(int fd)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EINTR);
	}
}

static void reap_once(void)
{
	uint64_t now = lr_now_ns();

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nq;) {
		if (drain(q[i].fd) && now < q[i].deadline) {
			i++;
			continue;
		}
		close(q[i].fd);
		q[i] = q[--nq];
	}
	pthread_mutex_unlock(&lock);
}

static void *reaper(void *arg)
{
	(void)arg;
	for (;;) {
		lr_sleep_ns(TICK_MS * 1000000ull);
		reap_once();
	}
	return NULL;
}

/* Under the lock: the reaper runs, or cannot. */
static bool reaper_up(void)
{
	pthread_t th;

	if (!started && !failed) {
		failed = pthread_create(&th, NULL, reaper, NULL) != 0;
		started = !failed;
		if (started)
			pthread_detach(th);
	}
	return started;
}

void srv_refuse(int fd, const char *fmt, ...)
{
	char text[512];
	struct lr_ctl c;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lr_ctl_init(&c, fd, fd, LR_CTL_MAX_FRAME_SERVER, "client");
	lr_ctl_send_error(&c, "%s", text);
	shutdown(fd, SHUT_WR);
	pthread_mutex_lock(&lock);
	if (reaper_up() && nq < LR_SRV_REFUSING) {
		q[nq].fd = fd;
		q[nq++].deadline = lr_now_ns() + DRAIN_MS * 1000000ull;
		fd = -1;
	}
	pthread_mutex_unlock(&lock);
	if (fd >= 0) { /* no room: what has arrived, then close */
		drain(fd);
		close(fd);
	}
}
