// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "linerate/control.h"
#include "linerate/result.h"
#include "linerate/transport.h"
#include "owned.h"

static int decode(const char *text, struct lr_test_params *p, char *err)
{
	json_t *j = json_loads(text, 0, NULL);
	int ret;

	cr_assert_not_null(j, "bad test JSON: %s", text);
	ret = lr_params_from_json(j, p, err, 256);
	json_decref(j);
	return ret;
}

Test(params, roundtrip)
{
	struct lr_test_params a, b;
	char err[256];
	json_t *j;

	lr_params_default(&a);
	a.streams = 8;
	a.bidir = true;
	a.msg_size = 65536;
	j = own_json(lr_params_to_json(&a));
	cr_assert_eq(lr_params_from_json(j, &b, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(b.streams, 8);
	cr_assert(b.bidir);
	cr_assert_eq(b.msg_size, 65536);
	cr_assert_float_eq(b.duration_s, a.duration_s, 1e-12);
	cr_assert_float_eq(b.warmup_s, a.warmup_s, 1e-12);
	release(j);
}

struct reject {
	const char *json;
	const char *says;
};

static const struct reject rejects[] = {
	{ "[]", "must be an object" },
	{ "{\"transport\":\"tcp\",\"evil\":1}",
	  "unknown test parameter 'evil'" },
	{ "{\"msg_size\":1}", "'transport' must name a transport" },
	{ "{\"transport\":\"tcp\",\"streams\":100000}",
	  "streams must be 1 to 128" },
	{ "{\"transport\":\"tcp\",\"streams\":0}", "streams must be 1 to 128" },
	{ "{\"transport\":\"tcp\",\"streams\":-1}",
	  "'streams' must be a non-negative" },
	{ "{\"transport\":\"tcp\",\"msg_size\":0}",
	  "msg_size must be 1 byte to 64 MiB" },
	{ "{\"transport\":\"tcp\",\"msg_size\":1099511627776}",
	  "msg_size must be" },
	{ "{\"transport\":\"tcp\",\"duration_s\":-5}",
	  "duration_s must be above 0" },
	{ "{\"transport\":\"tcp\",\"duration_s\":1e12}",
	  "duration_s must be above 0" },
	{ "{\"transport\":\"tcp\",\"interval_s\":0.0001}",
	  "interval_s must be" },
	{ "{\"transport\":\"tcp\",\"duration_s\":86400,\"interval_s\":0.01}",
	  "at most 100000" },
	{ "{\"transport\":\"tcp\",\"bidir\":1}",
	  "'bidir' must be true or false" },
	{ "{\"transport\":\"tcp\",\"mode\":\"fast\"}", "'mode' must be" },
	{ "{\"transport\":\"tcp\",\"duration_s\":\"10\"}",
	  "'duration_s' must be a number" },
	{ "{\"transport\":\"tcp\",\"bytes\":1000,\"warmup_s\":1}",
	  "takes no warm-up" },
	{ "{\"transport\":\"tcp\",\"bytes\":3,\"streams\":4}",
	  "at least one per stream" },
	{ "{\"transport\":\"tcp\",\"msg_size\":67108864,\"streams\":128}",
	  "msg_size x streams x directions must be at most 1 GiB" },
};

Test(params, every_bad_field_rejected_with_reason)
{
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		struct lr_test_params p;
		char err[256] = "";

		cr_assert_neq(decode(rejects[i].json, &p, err), 0,
			      "%s accepted", rejects[i].json);
		cr_assert(strstr(err, rejects[i].says), "%s: '%s' lacks '%s'",
			  rejects[i].json, err, rejects[i].says);
	}
}

Test(params, bytes_mode_clears_duration)
{
	struct lr_test_params p;
	char err[256];

	cr_assert_eq(
		decode("{\"transport\":\"tcp\",\"bytes\":1048576}", &p, err), 0,
		"%s", err);
	cr_assert_eq(p.bytes, 1048576);
	cr_assert_float_eq(p.duration_s, 0, 1e-12);
}

static int no_check(const struct lr_test_params *p, const json_t *opts,
		    char *err, size_t errlen)
{
	return 0;
}

/* A transport that can do one stream, one direction, bandwidth only. */
static const struct lr_transport_ops plain_ops = {
	.abi = LR_TRANSPORT_ABI,
	.caps = 0,
	.name = "plain",
	.check = no_check,
};

Test(params, transport_capabilities_checked)
{
	struct lr_test_params p;
	char err[256];

	lr_params_default(&p);
	cr_assert_eq(lr_transport_check(&plain_ops, &p, NULL, err, sizeof(err)),
		     0, "%s", err);
	p.bidir = true;
	cr_assert_eq(lr_transport_check(&plain_ops, &p, NULL, err, sizeof(err)),
		     -EINVAL);
	cr_assert_str_eq(err, "transport plain cannot run both directions at "
			      "once");
	p.bidir = false;
	p.mode = LR_MODE_LAT;
	cr_assert_eq(lr_transport_check(&plain_ops, &p, NULL, err, sizeof(err)),
		     -EINVAL);
	cr_assert_str_eq(err, "transport plain cannot run latency mode");
	p.mode = LR_MODE_BW;
	p.streams = 2;
	cr_assert_eq(lr_transport_check(&plain_ops, &p, NULL, err, sizeof(err)),
		     -EINVAL);
	cr_assert_str_eq(err,
			 "transport plain cannot run more than one stream");
}

Test(params, unknown_transport_named_with_the_known_ones)
{
	char err[256];

	cr_assert_null(lr_transport_lookup("ftp", err, sizeof(err)));
	cr_assert_str_eq(err, "unknown transport 'ftp' (known: tcp, verbs)");
	cr_assert_not_null(lr_transport_lookup("tcp", err, sizeof(err)));
}

/* verbs moves whole messages: --bytes must be a multiple of --size (issue
 * 9: it used to round up and report the whole last message). */
Test(params, verbs_bytes_must_be_whole_messages)
{
	const struct lr_transport_ops *v = lr_transport_find("verbs");
	struct lr_test_params p = { .transport = "verbs",
				    .msg_size = 65536,
				    .streams = 1,
				    .bytes = 1000000,
				    .interval_s = 1 };
	json_t *opts = json_object();
	char err[256] = "";

	cr_assert_not_null(v);
	cr_assert_eq(lr_transport_check(v, &p, opts, err, sizeof(err)),
		     -EINVAL);
	cr_assert_str_eq(err, "verbs moves whole messages: --bytes 1000000 is "
			      "not a multiple of --size 65536 (983040 or "
			      "1048576 would be)");
	p.bytes = 1048576;
	cr_assert_eq(lr_transport_check(v, &p, opts, err, sizeof(err)), 0, "%s",
		     err);
	json_decref(opts);
}
