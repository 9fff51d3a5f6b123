// SPDX-License-Identifier: MIT
/* linerate preflight TOPOLOGY: placeholder until the checks land. */
#include "linerate/cli.h"
#include "linerate/util.h"

int cmd_preflight(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return lr_cli_usage("preflight", "not implemented yet");
}
