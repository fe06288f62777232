/*
 * lp_assemble — the document of docs/document.md from its parts: steps 1, 2, 4, 5, 6
 * and 7 (base rc, the space's custom entries, vCard list, the space's ui
 * flags, proxy_0 identity, auth_info_N), with FlexiAPI 2.1's CardDAV
 * sections after the custom entries.  The request-bound
 * steps (hooks, overwrite-all) are applied by the caller.  Pure logic.
 */
#ifndef LP_ASSEMBLE_H
#define LP_ASSEMBLE_H

#include "lp_doc.h"
#include "lp_space_row.h"
#include "mod_linphone_provisioning.h"

/**
 * A new document (freed with the pool): a copy of `rc` (may be NULL), the
 * space's custom entries (space may be NULL), misc/contacts-vcard-list =
 * `vcard` unless NULL, then, when `account` is not NULL, the space's ui
 * section (unless one exists), its identity and one auth_info_N per password
 * (realm from account->realm).  Every value is made XML-safe.
 */
xmlDocPtr lp_assemble(apr_pool_t *p, xmlDocPtr rc, const lp_space *space,
                      const char *vcard, const linphone_account *account);

/** The index of the account's first password's auth_info_N: its CardDAV
 *  credentials take the ones before (0 without account). */
int lp_auth_info_first(const linphone_account *account);

#endif
