// SPDX-License-Identifier: MIT
/*
 * `cluster --ssh CMD` split into words as rsync's -e does: blanks
 * separate, quotes ('...' and "...") and backslashes keep.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linerate/cluster.h"

/* The words of cmd joined with '|', or "EINVAL". */
static void split(const char *cmd, char *out, size_t len)
{
	char **v;
	int ret = lr_argv_split(cmd, &v);

	if (ret) {
		snprintf(out, len, "%s", ret == -EINVAL ? "EINVAL" : "error");
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; v[i]; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
			 i ? "|" : "", v[i]);
	lr_argv_free(v);
}

static void expect(const char *cmd, const char *want)
{
	char got[256];

	split(cmd, got, sizeof(got));
	cr_assert_str_eq(got, want, "split(%s)", cmd);
}

Test(argv, blanks_separate)
{
	expect("ssh", "ssh");
	expect("  ssh   -F\track/ssh_config \n", "ssh|-F|rack/ssh_config");
}

Test(argv, quotes_keep_blanks)
{
	expect("ssh -o 'ProxyCommand ssh -W %h:%p jump'",
	       "ssh|-o|ProxyCommand ssh -W %h:%p jump");
	expect("ssh -F \"my rack/ssh config\"", "ssh|-F|my rack/ssh config");
	expect("ssh -o''x", "ssh|-ox");
	/* one kind of quote inside the other is kept */
	expect("sh -c \"echo 'a b'\"", "sh|-c|echo 'a b'");
}

Test(argv, backslashes_keep)
{
	expect("ssh -F my\\ rack", "ssh|-F|my rack");
	expect("ssh \"a\\\"b\"", "ssh|a\"b");
	/* inside single quotes a backslash is itself */
	expect("ssh 'a\\ b'", "ssh|a\\ b");
}

Test(argv, open_quote_or_nothing_is_refused)
{
	expect("ssh -o 'Proxy", "EINVAL");
	expect("ssh \"x", "EINVAL");
	expect("", "EINVAL");
	expect("   ", "EINVAL");
}

Test(argv, many_words)
{
	char cmd[512] = "", want[512] = "";

	for (int i = 0; i < 40; i++) {
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "w%d ",
			 i);
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%sw%d", i ? "|" : "", i);
	}
	expect(cmd, want);
}
