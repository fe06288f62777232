/*
 * lp_assemble — the assembly steps that need no request (docs/document.md).
 */
#include "lp_assemble.h"
#include "lp_crypto.h"
#include "lp_text.h"

#include "apr_strings.h"

#include <string.h>

const char *const lp_ui_flags[LP_UI_FLAGS] = {
    "super", "disable_chat_feature", "disable_meetings_feature",
    "disable_broadcast_feature", "hide_settings", "hide_account_settings",
    "disable_call_recordings_feature", "only_display_sip_uri_username",
    "assistant_hide_create_account", "assistant_disable_qr_code",
    "assistant_hide_third_party_account", "max_account"
};

static void set(apr_pool_t *p, xmlNodePtr section, const char *name,
                const char *value)
{
    lp_doc_set(section, name, lp_xml_clean(p, value), 0);
}

int lp_auth_info_first(const linphone_account *a)
{
    return a && a->carddav ? a->carddav->nelts : 0;
}

/* FlexiAPI 2.1's CardDAV sections, in its order: the space's servers as
 * remote_contact_directory_N (entries as SpaceCardDavServer's
 * getProvisioningSection), then the account's credentials on them as the
 * first auth_info_N. */
static void carddav(apr_pool_t *p, xmlDocPtr doc, const lp_space *space,
                    const linphone_account *a)
{
    int i;

    for (i = 0; space && space->carddav && i < space->carddav->nelts; i++) {
        const lp_carddav_server *c = &APR_ARRAY_IDX(space->carddav, i,
                                                    lp_carddav_server);
        xmlNodePtr s = lp_doc_section(doc, apr_psprintf(
                                          p, "remote_contact_directory_%d", i));

        set(p, s, "enabled", c->enabled);
        set(p, s, "type", "carddav");
        set(p, s, "uri", c->uri);
        set(p, s, "min_characters", c->min_characters);
        set(p, s, "results_limit", c->results_limit);
        set(p, s, "timeout", c->timeout);
        set(p, s, "delay", c->delay);
        set(p, s, "carddav_fields_for_user_input", c->fields_for_user_input);
        set(p, s, "carddav_fields_for_domain", c->fields_for_domain);
        set(p, s, "carddav_use_exact_match_policy",
            c->use_exact_match_policy);
    }
    for (i = 0; i < lp_auth_info_first(a); i++) {
        const linphone_carddav_credential *c =
            &APR_ARRAY_IDX(a->carddav, i, linphone_carddav_credential);
        xmlNodePtr s = lp_doc_section(doc, lp_doc_auth_section(p, i));

        set(p, s, "username", c->username);
        set(p, s, "realm", c->realm);
        set(p, s, "ha1", c->password);
        set(p, s, "algorithm", c->algorithm);
    }
}

xmlDocPtr lp_assemble(apr_pool_t *p, xmlDocPtr rc, const lp_space *space,
                      const char *vcard, const linphone_account *a)
{
    xmlDocPtr doc = rc ? lp_doc_copy(rc) : lp_doc_new();
    int i, first = lp_auth_info_first(a);

    lp_doc_pool_free(p, doc);
    if (space && space->custom)        /* validated when the row was read */
        lp_rc_parse(p, space->custom, strlen(space->custom), doc);
    carddav(p, doc, space, a);
    if (vcard)
        set(p, lp_doc_section(doc, "misc"), "contacts-vcard-list", vcard);
    if (!a)
        return doc;

    if (space && !lp_doc_find_section(doc, "ui")) {
        xmlNodePtr ui = lp_doc_section(doc, "ui");

        for (i = 0; i < LP_UI_FLAGS; i++)
            set(p, ui, lp_ui_flags[i], space->ui[i]);
    }

    set(p, lp_doc_section(doc, "proxy_0"), "reg_identity",
        lp_reg_identity(p, a->display_name, a->username, a->domain));

    for (i = 0; a->passwords && i < a->passwords->nelts; i++) {
        const linphone_password *pw =
            &APR_ARRAY_IDX(a->passwords, i, linphone_password);
        xmlNodePtr s = lp_doc_section(doc, lp_doc_auth_section(p, first + i));
        int clear = strcmp(pw->algorithm, LP_ALG_CLEAR) == 0;

        set(p, s, "username", a->username);
        set(p, s, "domain", a->domain);
        set(p, s, clear ? "passwd" : "ha1", pw->password);
        set(p, s, "realm", a->realm ? a->realm : a->domain);
        if (!clear)
            set(p, s, "algorithm", pw->algorithm);
    }
    return doc;
}
