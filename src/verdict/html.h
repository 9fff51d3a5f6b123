/* SPDX-License-Identifier: MIT */
/* Parts of the HTML page. Each returns 0 or -ENOMEM. */
#ifndef LR_VERDICT_HTML_H
#define LR_VERDICT_HTML_H

#include "vd.h"

/* measured/expected per NIC pair per rail, with a legend */
int vd_html_heatmap(struct vd_buf *b, const struct lr_verdict *v);
/* per server: measured against the model's line */
int vd_html_bars(struct vd_buf *b, const struct lr_verdict *v);
/* per-interval rates of the flows flagged intermittent */
int vd_html_plots(struct vd_buf *b, const struct lr_verdict *v);
/* The colour of a ratio on the heatmap's scale. */
const char *vd_html_colour(double ratio, char *buf, size_t len);

#endif
