// SPDX-License-Identifier: MIT
/* Text rendering of a preflight document. */
#include "pf.h"
#include "linerate/preflight.h"

void lr_preflight_print(FILE *out, const json_t *doc)
{
	size_t i, n = lr_preflight_count(doc);
	json_t *f;

	json_array_foreach(json_object_get(doc, "findings"), i, f)
		fprintf(out, "! %s\n", pf_str(f, "message"));
	json_array_foreach(json_object_get(doc, "warnings"), i, f)
		fprintf(out, "~ warning: %s\n", pf_str(f, "message"));
	fprintf(out, "%s: %zu NIC%s checked against %s (%s): ",
		pf_str(doc, "server"),
		json_array_size(json_object_get(doc, "nics")),
		json_array_size(json_object_get(doc, "nics")) == 1 ? "" : "s",
		pf_str(doc, "topology"), pf_str(doc, "template"));
	if (n)
		fprintf(out, "%zu finding%s\n", n, n == 1 ? "" : "s");
	else
		fprintf(out, "clean\n");
}
