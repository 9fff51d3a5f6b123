/* SPDX-License-Identifier: MIT */
/* Point the sysfs root at tests/fixtures/sysfs/NAME. */
#ifndef LINERATE_TEST_FIXTURE_H
#define LINERATE_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "linerate/sysfs.h"

static inline const char *fixture_path(const char *name)
{
	static char path[4096];
	const char *src = getenv("LINERATE_SOURCE_ROOT");

	snprintf(path, sizeof(path), "%s/tests/fixtures/sysfs/%s",
		 src ? src : ".", name);
	return path;
}

static inline void use_fixture(const char *name)
{
	lr_sysfs_set_root(fixture_path(name));
}

#endif
