// SPDX-License-Identifier: MIT
/*
 * verbs: which device, port and GID this end uses.
 *
 * A device is named as "name[:port]", or by one of its netdevs, or by an
 * IP address of one of its GIDs. The GID is chosen automatically (RoCE v2
 * first, then the peer address's family, then not link-local) unless
 * --gid-index forces it; the reason is kept for the results.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/util.h"
#include "verbs.h"

#define SYS_IB "/sys/class/infiniband"

static int read_sysfs(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	if (n == 0)
		return -ENODATA;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void list_names(struct ibv_device **list, int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "",
					ibv_get_device_name(list[i]));
}

/* Whether GID entry idx of dev:port is the netdev or the address ip. */
static bool gid_matches(const char *dev, unsigned port, unsigned idx,
			const char *what)
{
	char path[256], val[64];
	struct in6_addr a6, g;
	struct in_addr a4;

	snprintf(path, sizeof(path), SYS_IB "/%s/ports/%u/gid_attrs/ndevs/%u",
		 dev, port, idx);
	if (!read_sysfs(path, val, sizeof(val)) && !strcmp(val, what))
		return true;
	snprintf(path, sizeof(path), SYS_IB "/%s/ports/%u/gids/%u", dev, port,
		 idx);
	if (read_sysfs(path, val, sizeof(val)) ||
	    inet_pton(AF_INET6, val, &g) != 1)
		return false;
	if (inet_pton(AF_INET, what, &a4) == 1) {
		memset(&a6, 0, sizeof(a6));
		a6.s6_addr[10] = 0xff;
		a6.s6_addr[11] = 0xff;
		memcpy(&a6.s6_addr[12], &a4, 4);
	} else if (inet_pton(AF_INET6, what, &a6) != 1) {
		return false;
	}
	return !memcmp(&a6, &g, sizeof(g));
}

/* Find the device and port that carry netdev or address 'what'. */
static int find_by_netdev(struct ibv_device **list, int n, const char *what,
			  int *devi, unsigned *port)
{
	for (int i = 0; i < n; i++) {
		const char *name = ibv_get_device_name(list[i]);

		for (unsigned p = 1; p <= 8; p++) {
			for (unsigned g = 0; g < 256; g++) {
				if (!gid_matches(name, p, g, what))
					continue;
				*devi = i;
				*port = p;
				return 0;
			}
		}
	}
	return -ENODEV;
}

/* Split "name[:port]"; port 0 when absent. */
static int parse_spec(const char *spec, char *name, size_t len, unsigned *port)
{
	const char *colon = strrchr(spec, ':');
	uint64_t v;

	*port = 0;
	/* An IPv6 address has several colons: not name:port. */
	if (!colon || strchr(spec, ':') != colon) {
		snprintf(name, len, "%s", spec);
		return 0;
	}
	if (lr_parse_uint(colon + 1, 1, 255, &v))
		return -EINVAL;
	snprintf(name, len, "%.*s", (int)(colon - spec), spec);
	*port = (unsigned)v;
	return 0;
}

/* The first device with an active port (else the first device). */
static int first_active_device(struct ibv_device **list, int n)
{
	for (int i = 0; i < n; i++) {
		struct ibv_context *ctx = ibv_open_device(list[i]);
		struct ibv_device_attr da;
		struct ibv_port_attr pa;
		bool up = false;

		if (!ctx)
			continue;
		if (ibv_query_device(ctx, &da))
			da.phys_port_cnt = 0;
		for (unsigned p = 1; p <= da.phys_port_cnt && !up; p++)
			up = !ibv_query_port(ctx, (uint8_t)p, &pa) &&
			     pa.state == IBV_PORT_ACTIVE;
		ibv_close_device(ctx);
		if (up)
			return i;
	}
	return 0;
}

static int find_device(struct ibv_device **list, int n, const char *spec,
		       int *devi, unsigned *port, bool *by_addr)
{
	char name[128], names[512];

	*by_addr = false;
	if (!spec) {
		*devi = first_active_device(list, n);
		*port = 0;
		return 0;
	}
	if (parse_spec(spec, name, sizeof(name), port)) {
		lr_err("verbs: bad device '%s' (expected NAME[:PORT])", spec);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(ibv_get_device_name(list[i]), name)) {
			*devi = i;
			return 0;
		}
	}
	if (!find_by_netdev(list, n, spec, devi, port)) {
		*by_addr = true;
		return 0;
	}
	list_names(list, n, names, sizeof(names));
	lr_err("verbs: unknown RDMA device '%s' (present: %s)", spec, names);
	return -ENODEV;
}

/* The first active port of ctx, or 1. */
static unsigned first_active_port(struct ibv_context *ctx, unsigned nports)
{
	struct ibv_port_attr pa;

	for (unsigned p = 1; p <= nports; p++)
		if (!ibv_query_port(ctx, (uint8_t)p, &pa) &&
		    pa.state == IBV_PORT_ACTIVE)
			return p;
	return 1;
}

static int open_port(struct lr_vdev *dev, struct ibv_device *d, unsigned port)
{
	int ret;

	snprintf(dev->name, sizeof(dev->name), "%s", ibv_get_device_name(d));
	dev->ctx = ibv_open_device(d);
	if (!dev->ctx) {
		ret = errno ? -errno : -ENODEV;
		lr_err("verbs: cannot open %s: %s", dev->name, strerror(-ret));
		return ret;
	}
	ret = ibv_query_device(dev->ctx, &dev->dattr);
	if (ret) {
		lr_err("verbs: query %s: %s", dev->name, strerror(ret));
		goto close_ctx;
	}
	if (!port)
		port = first_active_port(dev->ctx, dev->dattr.phys_port_cnt);
	if (port > dev->dattr.phys_port_cnt) {
		lr_err("verbs: %s has no port %u (ports 1-%u)", dev->name, port,
		       dev->dattr.phys_port_cnt);
		ret = EINVAL;
		goto close_ctx;
	}
	dev->port = (uint8_t)port;
	ret = ibv_query_port(dev->ctx, dev->port, &dev->pattr);
	if (ret) {
		lr_err("verbs: query %s port %u: %s", dev->name, port,
		       strerror(ret));
		goto close_ctx;
	}
	dev->roce = dev->pattr.link_layer == IBV_LINK_LAYER_ETHERNET;
	return 0;

close_ctx:
	ibv_close_device(dev->ctx);
	dev->ctx = NULL;
	return -ret;
}

int lr_vdev_open(struct lr_vdev *dev, const char *spec, int gid_index,
		 const char *peer_host)
{
	struct ibv_device **list;
	unsigned port;
	bool by_addr;
	int n = 0, devi, ret;

	list = ibv_get_device_list(&n);
	if (!list || n == 0) {
		lr_err("verbs: no RDMA device found (no driver loaded, or no "
		       "rdma link: e.g. 'rdma link add rxe0 type rxe netdev "
		       "eth0')");
		ret = -ENODEV;
		goto free_list;
	}
	ret = find_device(list, n, spec, &devi, &port, &by_addr);
	if (ret)
		goto free_list;
	ret = open_port(dev, list[devi], port);
	if (ret)
		goto free_list;
	/* A port that is down has no GIDs worth explaining: say so first. */
	ret = lr_vdev_check_port(dev, 0);
	if (!ret)
		ret = lr_vdev_pick_gid(dev, gid_index, peer_host,
				       by_addr ? spec : NULL);
	if (ret)
		lr_vdev_close(dev);
free_list:
	if (list)
		ibv_free_device_list(list);
	return ret;
}

void lr_vdev_close(struct lr_vdev *dev)
{
	if (dev->ctx && !dev->borrowed)
		ibv_close_device(dev->ctx);
	dev->ctx = NULL;
}

static void gid_type(const struct lr_vdev *dev, int idx, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SYS_IB "/%s/ports/%u/gid_attrs/types/%d",
		 dev->name, dev->port, idx);
	if (read_sysfs(path, buf, len))
		snprintf(buf, len, "%s", dev->roce ? "unknown" : "IB");
}

static bool gid_is_zero(const union ibv_gid *g)
{
	static const union ibv_gid zero;

	return !memcmp(g, &zero, sizeof(*g));
}

static bool gid_is_v4(const union ibv_gid *g)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(g->raw, pfx, sizeof(pfx));
}

static bool gid_is_link_local(const union ibv_gid *g)
{
	return g->raw[0] == 0xfe && (g->raw[1] & 0xc0) == 0x80;
}

/* 4 when peer is an IPv4 address or a name, 6 for IPv6. */
static int peer_family(const char *peer_host)
{
	struct in6_addr a6;

	if (peer_host && inet_pton(AF_INET6, peer_host, &a6) == 1 &&
	    !IN6_IS_ADDR_V4MAPPED(&a6))
		return 6;
	return 4;
}

struct gid_score {
	int idx, score;
	char type[24];
};

/*
 * The source address the kernel routes from toward the peer (a UDP
 * connect, nothing sent): the GID of that address is the one whose
 * netdev, VLAN and address reach the peer. "" when there is no route.
 */
static void route_source(const char *peer_host, char *buf, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = -1;

	buf[0] = '\0';
	if (!peer_host || !peer_host[0] ||
	    getaddrinfo(peer_host, "4791", &hints, &ai) || !ai)
		return;
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, ai->ai_addr, ai->ai_addrlen) &&
	    !getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&ss)->sin_addr, buf,
				  (socklen_t)len);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&ss)->sin6_addr, buf,
				  (socklen_t)len);
	}
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
}

static int score_gid(const struct lr_vdev *dev, int idx, int fam,
		     const char *want_ip, const char *route_ip,
		     struct gid_score *s)
{
	union ibv_gid g;

	if (ibv_query_gid(dev->ctx, dev->port, idx, &g) || gid_is_zero(&g))
		return -ENOENT;
	s->idx = idx;
	gid_type(dev, idx, s->type, sizeof(s->type));
	s->score = 0;
	if (want_ip &&
	    gid_matches(dev->name, dev->port, (unsigned)idx, want_ip))
		s->score += 32;
	if (route_ip[0] &&
	    gid_matches(dev->name, dev->port, (unsigned)idx, route_ip))
		s->score += 16;
	if (!strcmp(s->type, "RoCE v2"))
		s->score += 8;
	if ((fam == 4) == gid_is_v4(&g))
		s->score += 4;
	if (!gid_is_link_local(&g))
		s->score += 2;
	return 0;
}

static int auto_gid(struct lr_vdev *dev, const char *peer_host,
		    const char *want_ip)
{
	struct gid_score best = { .idx = -1, .score = -1 }, s;
	int fam = peer_family(peer_host);
	char route_ip[INET6_ADDRSTRLEN], on_route[INET6_ADDRSTRLEN + 32] = "";

	if (!dev->roce) {
		dev->gid_index = 0;
		snprintf(dev->gid_why, sizeof(dev->gid_why),
			 "auto: InfiniBand, port GID (index 0)");
		return 0;
	}
	route_source(peer_host, route_ip, sizeof(route_ip));
	for (int i = 0; i < dev->pattr.gid_tbl_len; i++) {
		if (score_gid(dev, i, fam, want_ip, route_ip, &s))
			continue;
		if (s.score > best.score)
			best = s;
	}
	if (best.idx < 0) {
		lr_err("verbs: %s port %u has no GID (no IP address on its "
		       "netdev?)",
		       dev->name, dev->port);
		return -EADDRNOTAVAIL;
	}
	dev->gid_index = best.idx;
	if (best.score & 16)
		snprintf(on_route, sizeof(on_route), "%s, the route's source, ",
			 route_ip);
	snprintf(dev->gid_why, sizeof(dev->gid_why),
		 "auto: %s%s%s, %s, %s (index %d of %d)",
		 want_ip ? "address of --dev, " : "", on_route, best.type,
		 best.score & 4 ? (fam == 4 ? "IPv4 like the peer" :
					      "IPv6 like the peer") :
				  "other family",
		 best.score & 2 ? "not link-local" : "link-local", best.idx,
		 dev->pattr.gid_tbl_len);
	return 0;
}

int lr_vdev_pick_gid(struct lr_vdev *dev, int forced, const char *peer_host,
		     const char *want_ip)
{
	int ret;

	if (forced >= 0) {
		if (forced >= dev->pattr.gid_tbl_len) {
			lr_err("verbs: GID index %d out of range (%s port %u "
			       "has %d entries)",
			       forced, dev->name, dev->port,
			       dev->pattr.gid_tbl_len);
			return -ERANGE;
		}
		dev->gid_index = forced;
		snprintf(dev->gid_why, sizeof(dev->gid_why),
			 "forced by --gid-index");
	} else {
		ret = auto_gid(dev, peer_host, want_ip);
		if (ret)
			return ret;
	}
	ret = ibv_query_gid(dev->ctx, dev->port, dev->gid_index, &dev->gid);
	if (ret || (dev->roce && gid_is_zero(&dev->gid))) {
		lr_err("verbs: GID index %d of %s port %u is empty",
		       dev->gid_index, dev->name, dev->port);
		return -EADDRNOTAVAIL;
	}
	gid_type(dev, dev->gid_index, dev->gid_type, sizeof(dev->gid_type));
	return 0;
}

static const uint32_t mtu_bytes[] = {
	[IBV_MTU_256] = 256,   [IBV_MTU_512] = 512,   [IBV_MTU_1024] = 1024,
	[IBV_MTU_2048] = 2048, [IBV_MTU_4096] = 4096,
};

const char *lr_vdev_mtu_str(enum ibv_mtu m)
{
	static const char *const s[] = {
		[IBV_MTU_256] = "256",	 [IBV_MTU_512] = "512",
		[IBV_MTU_1024] = "1024", [IBV_MTU_2048] = "2048",
		[IBV_MTU_4096] = "4096",
	};

	return m >= IBV_MTU_256 && m <= IBV_MTU_4096 ? s[m] : "?";
}

static uint32_t mtu_to_bytes(enum ibv_mtu m)
{
	return m >= IBV_MTU_256 && m <= IBV_MTU_4096 ? mtu_bytes[m] : 0;
}

int lr_vdev_mtu_enum(uint32_t bytes, enum ibv_mtu *out)
{
	for (int m = IBV_MTU_256; m <= IBV_MTU_4096; m++) {
		if (mtu_bytes[m] == bytes) {
			*out = (enum ibv_mtu)m;
			return 0;
		}
	}
	return -EINVAL;
}

int lr_vdev_check_port(const struct lr_vdev *dev, uint32_t mtu)
{
	uint32_t active = mtu_to_bytes(dev->pattr.active_mtu);

	if (dev->pattr.state != IBV_PORT_ACTIVE) {
		lr_err("verbs: %s port %u is %s, not ACTIVE", dev->name,
		       dev->port, ibv_port_state_str(dev->pattr.state));
		return -ENETDOWN;
	}
	if (mtu && mtu > active) {
		lr_err("verbs: --mtu %u is above the active MTU of %s port %u "
		       "(%u)",
		       mtu, dev->name, dev->port, active);
		return -EINVAL;
	}
	return 0;
}

json_t *lr_vdev_describe(const struct lr_vdev *dev)
{
	char gid[INET6_ADDRSTRLEN], addr[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, dev->gid.raw, gid, sizeof(gid));
	if (gid_is_v4(&dev->gid))
		inet_ntop(AF_INET, &dev->gid.raw[12], addr, sizeof(addr));
	else
		snprintf(addr, sizeof(addr), "%s", gid);
	return json_pack(
		"{s:s, s:s, s:i, s:s, s:i, s:s, s:i, s:s, s:s, s:i}", "device",
		dev->name, "address", addr, "port", dev->port, "link_layer",
		dev->roce ? "Ethernet" : "InfiniBand", "lid", dev->pattr.lid,
		"gid", gid, "gid_index", dev->gid_index, "gid_type",
		dev->gid_type, "gid_choice", dev->gid_why, "active_mtu",
		(int)mtu_to_bytes(dev->pattr.active_mtu));
}
