// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the decoders of what a peer sends, on any JSON document (as
 * a frame's body is parsed: jansson, duplicate keys rejected). The
 * document is given to each decoder whole, and its "params", "opts" and
 * "side" members as a 'test' or 'result' message carries them.
 *
 * Properties: decoded test parameters encode and decode again to the same
 * parameters; a decoded side encodes and decodes again; a result built on
 * it renders (fuzz_render).
 */
#include <string.h>

#include "fuzz.h"

static void params_roundtrip(const struct lr_test_params *p)
{
	struct lr_test_params q;
	char err[256];
	json_t *enc = lr_params_to_json(p);

	FUZZ_CHECK(enc != NULL);
	FUZZ_CHECK(!lr_params_from_json(enc, &q, err, sizeof(err)));
	FUZZ_CHECK(!memcmp(p, &q, sizeof(q)));
	json_decref(enc);
}

/* As 'serve' checks a test request: parameters, then the options. */
static void test_request(const json_t *params, const json_t *opts,
			 struct lr_test_params *p)
{
	const struct lr_transport_ops *ops;
	char err[256];

	if (lr_params_from_json(params, p, err, sizeof(err))) {
		lr_params_default(p);
		p->bidir = true;
	} else {
		params_roundtrip(p);
	}
	for (unsigned i = 0; (ops = lr_transport_at(i)); i++)
		if (!lr_transport_check_opts(ops, opts, err, sizeof(err)))
			ops->check(p, opts, err, sizeof(err));
}

/* As 'pair' takes the server's side of the result. */
static void side(const json_t *j, const struct lr_test_params *p)
{
	struct lr_side s, again;
	char err[256];
	json_t *enc;

	if (lr_side_from_json(j, &s, err, sizeof(err)))
		return;
	enc = lr_side_to_json(&s);
	FUZZ_CHECK(enc != NULL);
	FUZZ_CHECK(!lr_side_from_json(enc, &again, err, sizeof(err)));
	lr_side_free(&again);
	json_decref(enc);
	fuzz_render(p, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr_test_params p;
	json_t *j;

	fuzz_init();
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return 0;
	test_request(j, j, &p);
	side(j, &p);
	test_request(json_object_get(j, "params"), json_object_get(j, "opts"),
		     &p);
	side(json_object_get(j, "side"), &p);
	json_decref(j);
	return 0;
}
