/* Unit tests: the vCard writer (lp_vcard.c): UTF-8 repair, text escaping,
 * SIP URI parts, folding, whole vCards. */
#include "tap.h"
#include "lp_vcard.h"
#include "apr_general.h"
#include "apr_strings.h"

/* 1 when every physical line of `s` ends with CRLF, is at most 75 octets,
 * starts no UTF-8 continuation byte, and no line breaks a `\x` pair. */
static int lines_ok(const char *s)
{
    while (*s) {
        const char *e = strstr(s, "\r\n");

        if (!e || e - s > 75 || ((unsigned char)*s & 0xC0) == 0x80)
            return 0;
        if (e > s && e[-1] == '\\') {
            /* a trailing backslash must be the second of a `\\` pair */
            const char *b = e;
            int n = 0;

            while (b > s && b[-1] == '\\') {
                b--;
                n++;
            }
            if (n % 2)
                return 0;
        }
        s = e + 2;
    }
    return 1;
}

/* The folded text unfolded (CRLF + space removed), its final CRLF off. */
static const char *unfold(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *o = out;

    for (; *s; s++) {
        if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ') {
            s += 2;
            continue;
        }
        *o++ = *s;
    }
    *o = '\0';
    if (o - out >= 2 && o[-2] == '\r' && o[-1] == '\n')
        o[-2] = '\0';
    return out;
}

int main(void)
{
    apr_pool_t *p;
    lp_vcard_contact c;
    apr_array_header_t *types, *actions;
    lp_vcard_action *act;
    const char *v, *line;
    char name[1024];
    int i;

    apr_initialize();
    apr_pool_create(&p, NULL);

    is(lp_vcard_utf8(p, "plain"), "plain", "ASCII unchanged");
    is(lp_vcard_utf8(p, "\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9",
       "valid UTF-8 unchanged");
    is(lp_vcard_utf8(p, "a\xFF" "b"), "a\xEF\xBF\xBD" "b",
       "invalid byte replaced");
    is(lp_vcard_utf8(p, "a\xC3"), "a\xEF\xBF\xBD", "truncated sequence");
    is(lp_vcard_utf8(p, "\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD",
       "overlong form");
    is(lp_vcard_utf8(p, "\xED\xA0\x80"),
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "surrogate");
    is(lp_vcard_utf8(p, "\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80",
       "4-byte character kept");
    is(lp_vcard_utf8(p, "\xF4\x90\x80\x80"),
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
       "above U+10FFFF");

    is(lp_vcard_text(p, "Doe, John"), "Doe\\, John", "comma escaped");
    is(lp_vcard_text(p, "a\\b"), "a\\\\b", "backslash escaped");
    is(lp_vcard_text(p, "a;b"), "a;b", "semicolon raw");
    is(lp_vcard_text(p, "a\r\nb\rc\nd"), "a b c d",
       "CRLF, CR, LF: one space each");
    is(lp_vcard_text(p, "a\tb\x01" "c\x7F"), "a b c ", "controls: spaces");
    is(lp_vcard_text(p, NULL), "", "NULL is empty");
    is(lp_vcard_text(p, "\\,"), "\\\\\\,", "backslash before comma");

    is(lp_vcard_uri_part(p, "alice.b-1_x", 0), "alice.b-1_x",
       "plain user kept");
    is(lp_vcard_uri_part(p, "a,b;c\\d@e f", 0), "a%2Cb%3Bc%5Cd%40e%20f",
       "user: separators encoded");
    is(lp_vcard_uri_part(p, "\xC3\xA9", 0), "%C3%A9", "user: UTF-8 encoded");
    is(lp_vcard_uri_part(p, "[::1]:5060", 1), "[::1]:5060",
       "host keeps brackets and port");

    is(lp_vcard_fold(p, "FN:short"), "FN:short\r\n", "short line: CRLF");
    memset(name, 'x', 75);
    name[75] = '\0';
    is(lp_vcard_fold(p, name), apr_pstrcat(p, name, "\r\n", NULL),
       "75 octets: not folded");
    name[75] = 'y';
    name[76] = '\0';
    v = lp_vcard_fold(p, name);
    ok(lines_ok(v), "76 octets: lines within 75");
    is(unfold(p, v), name, "76 octets: unfolds to the line");
    ok(strstr(v, "x\r\n y\r\n") != NULL, "76 octets: folded before the last");

    /* 200 two-byte characters, then 100 four-byte ones, after a prefix that
     * puts every boundary at an odd offset */
    strcpy(name, "FN:a");
    for (i = 0; i < 200; i++)
        strcat(name, "\xC3\xA9");
    for (i = 0; i < 100; i++)
        strcat(name, "\xF0\x9F\x98\x80");
    v = lp_vcard_fold(p, name);
    ok(lines_ok(v), "UTF-8: no character split, lines within 75");
    is(unfold(p, v), name, "UTF-8: unfolds whole");

    /* escapes never split */
    strcpy(name, "FN:");
    for (i = 0; i < 80; i++)
        strcat(name, i % 2 ? "\\," : "\\\\");
    v = lp_vcard_fold(p, name);
    ok(lines_ok(v), "escapes: never split");
    is(unfold(p, v), name, "escapes: unfold whole");

    memset(&c, 0, sizeof c);
    c.username = "bob";
    c.domain = "sip.example.org";
    is(lp_vcard_write(p, &c),
       "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n"
       "IMPP:sip:bob@sip.example.org\r\nFN:bob@sip.example.org\r\n"
       "END:VCARD\r\n", "no display name: FN is the address");

    c.display_name = "";
    line = lp_vcard_write(p, &c);
    ok(strstr(line, "\r\nFN:bob@sip.example.org\r\n") != NULL,
       "empty display name: FN is the address");

    types = apr_array_make(p, 2, sizeof(const char *));
    APR_ARRAY_PUSH(types, const char *) = "phone";
    APR_ARRAY_PUSH(types, const char *) = "door,bell";
    actions = apr_array_make(p, 2, sizeof(lp_vcard_action));
    act = apr_array_push(actions);
    act->key = "open";
    act->code = "12#";
    act = apr_array_push(actions);
    act->key = "light";
    act->code = "a;b";
    c.display_name = "Doe, \"J\"; \\x\r\nline2";
    c.dtmf_protocol = "sipinfo";
    c.types = types;
    c.actions = actions;
    is(lp_vcard_write(p, &c),
       "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n"
       "IMPP:sip:bob@sip.example.org\r\n"
       "FN:Doe\\, \"J\"; \\\\x line2\r\n"
       "X-LINPHONE-ACCOUNT-DTMF-PROTOCOL:sipinfo\r\n"
       "X-LINPHONE-ACCOUNT-TYPE:phone\r\n"
       "X-LINPHONE-ACCOUNT-TYPE:door\\,bell\r\n"
       "X-LINPHONE-ACCOUNT-ACTION:open;12#\r\n"
       "X-LINPHONE-ACCOUNT-ACTION:light;a;b\r\n"
       "END:VCARD\r\n", "every property, escaped, in FlexiAPI's order");

    c.dtmf_protocol = "";
    c.types = c.actions = NULL;
    c.display_name = "\xFF\xFE";
    ok(strstr(lp_vcard_write(p, &c),
              "\r\nFN:\xEF\xBF\xBD\xEF\xBF\xBD\r\nEND:VCARD\r\n") != NULL,
       "invalid UTF-8 repaired, empty dtmf protocol left out");

    c.username = "a,b";
    ok(strstr(lp_vcard_write(p, &c), "\r\nIMPP:sip:a%2Cb@sip.example.org\r\n")
       != NULL, "comma in a user name percent-encoded in IMPP");

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
