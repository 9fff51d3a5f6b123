/* SPDX-License-Identifier: MIT */
/* Private to preflight: one NIC of the topology and what was found. */
#ifndef LINERATE_PF_H
#define LINERATE_PF_H

#include <jansson.h>

#include "linerate/model.h"
#include "linerate/topology.h"

struct pf_nic {
	const char *name; /* the template NIC's name */
	const struct lr_nic_tmpl *tmpl;
	const struct lr_host_tmpl *host;
	struct lr_nic_spec spec; /* what the topology expects */
	double expected; /* its ceiling, Gb/s */
	const json_t *dev, *port, *netdev, *pci; /* found, or NULL */
	json_t *findings; /* the document's array */
	json_t *warnings; /* the document's array: counters already high */
};

/* The model's ceiling for a spec; its binding factor into what. */
double pf_ceiling(const struct lr_nic_spec *spec, char *what, size_t len);
/*
 * Add a finding "NAME SUBJECT FOUND, expected EXPECTED: consequence" where
 * the consequence is the ceiling of spec (NULL: none in Gb/s, say why).
 */
void pf_finding(struct pf_nic *n, const char *check, const char *subject,
		const char *expected, const char *found,
		const struct lr_nic_spec *spec, const char *why);

/* Each returns true when it found the port unusable (later checks moot). */
bool pf_check_presence(struct pf_nic *n);
bool pf_check_state(struct pf_nic *n);
void pf_check_link(struct pf_nic *n);
void pf_check_mtu(struct pf_nic *n);
void pf_check_gid(struct pf_nic *n);
void pf_check_pcie(struct pf_nic *n);
void pf_check_pcie_sizes(struct pf_nic *n);
void pf_check_switch(struct pf_nic *n);
void pf_check_numa(struct pf_nic *n);
void pf_check_dcb(struct pf_nic *n);
void pf_check_counters(struct pf_nic *n, const json_t *counters);
/* Error counters already high when the inventory read them: warnings. */
void pf_check_high_counters(struct pf_nic *n);

/* obj[key] as a number (integer or real), or fallback. */
double pf_num(const json_t *obj, const char *key, double fallback);
const char *pf_str(const json_t *obj, const char *key);

#endif
