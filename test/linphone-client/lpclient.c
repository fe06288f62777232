/*
 * lpclient — a real liblinphone client for the interop tests of
 * mod_linphone_provisioning (not part of the module).
 *
 *   lpclient [options] [CONFIG-URI]
 *
 *   -i FILE   start from this rc file (a copy of it: FILE is not changed)
 *             instead of an empty one; CONFIG-URI, when given, replaces its
 *             [misc] config-uri
 *   -o FILE   write the resulting rc (the core's whole configuration) to FILE
 *   -a FILE   root CA bundle (PEM) for HTTPS ([sip] root_ca and
 *             linphone_core_set_root_ca)
 *   -t SEC    give up waiting after SEC seconds (default 20)
 *   -c SEC    once configured, wait up to SEC more seconds for a friend list
 *             holding friends (the contacts list the core fetches from
 *             [misc] contacts-vcard-list), then print the friend lists
 *   -v        liblinphone's debug log on stderr (default: errors only)
 *
 * It starts a core on a private rc file (in a temporary directory, removed
 * at the end) whose [misc] config-uri is CONFIG-URI, iterates the core until
 * the configuring-status callback has reported and the core is On (or the
 * timeout), then prints on stdout, one `key=value` per line:
 *
 *   status=Successful|Failed|Skipped|Timeout
 *   message=<the callback's message>
 *   version=<liblinphone's version>
 *   config_uri=<[misc] config-uri after provisioning>
 *   account=N              then, for that account:
 *   identity=...           identity address
 *   server=...             server address
 *   auth_info=N            then, for that auth info:
 *   username=  domain=  realm=  ha1=  algorithm=  passwd=
 *   friend_list=N          (with -c) then, for that list:
 *   list_name=  list_uri=  friend_count=<count>
 *   friend=M               then, for that friend of the list:
 *   friend_name=  friend_address=
 *   remote_contact_directory_api=yes|no   whether this liblinphone has
 *                          the RemoteContactDirectory API (5.4 and later)
 *   remote_contact_directory=SECTION      each remote_contact_directory_N
 *                          section the core kept in its configuration, then
 *   rcd.KEY=VALUE          each of its entries
 *
 * Exit status: 0 when it could run (whatever the provisioning status),
 * 2 on a usage error, 1 when the core could not be created or -o's file
 * could not be written.
 *
 * Everything liblinphone itself writes to stdout is sent to stderr, so
 * stdout only holds the lines above.  After provisioning, liblinphone probes
 * its local IP with a UDP connect() to a public address (no packet is sent);
 * the tests run this program in a private network namespace with only the
 * loopback interface up, so nothing can leave the machine anyway.
 */
#define _GNU_SOURCE 1          /* nftw, mkdtemp, usleep */

#include <linphone/core.h>
#include <linphone/api/c-factory.h>
#include <linphone/lpconfig.h>
#include <linphone/logging.h>
#include <linphone/api/c-account.h>
#include <linphone/api/c-account-params.h>
#include <linphone/api/c-auth-info.h>
#include <linphone/friend.h>
#include <linphone/friendlist.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static FILE *out;               /* the real stdout */
static int verbose;
static int configured;          /* configuring status reported */
static LinphoneConfiguringState configuring_state;
static char configuring_message[512];
static LinphoneGlobalState global_state = LinphoneGlobalReady;

static void usage(void)
{
    fprintf(stderr,
            "usage: lpclient [-i rc-in] [-o rc-out] [-a root-ca.pem] "
            "[-t seconds] [-c seconds] [-v] [config-uri]\n"
            "       (a config-uri, or -i with an rc holding one)\n");
    exit(2);
}

static const char *state_name(LinphoneConfiguringState s)
{
    switch (s) {
    case LinphoneConfiguringSuccessful: return "Successful";
    case LinphoneConfiguringFailed:     return "Failed";
    case LinphoneConfiguringSkipped:    return "Skipped";
    }
    return "Unknown";
}

static void on_configuring(LinphoneCore *lc, LinphoneConfiguringState status,
                           const char *message)
{
    (void)lc;
    configured = 1;
    configuring_state = status;
    snprintf(configuring_message, sizeof configuring_message, "%s",
             message ? message : "");
}

static void on_global_state(LinphoneCore *lc, LinphoneGlobalState gstate,
                            const char *message)
{
    (void)lc;
    (void)message;
    global_state = gstate;
}

static void on_log(LinphoneLoggingService *s, const char *domain,
                   LinphoneLogLevel level, const char *message)
{
    (void)s;
    (void)level;
    fprintf(stderr, "lpclient[%s]: %s\n", domain ? domain : "", message);
}

/* One `key=value` line; newlines in the value would break the format. */
static void kv(const char *key, const char *value)
{
    fprintf(out, "%s=", key);
    for (; value && *value; value++)
        fputc(*value == '\n' || *value == '\r' ? ' ' : *value, out);
    fputc('\n', out);
}

static void kv_address(const char *key, const LinphoneAddress *a)
{
    char *s = a ? linphone_address_as_string(a) : NULL;

    kv(key, s);
    if (s)
        bctbx_free(s);
}

/* 1 when some friend list of the core holds a friend. */
static int have_friends(LinphoneCore *lc)
{
    const bctbx_list_t *it;

    for (it = linphone_core_get_friends_lists(lc); it; it = it->next)
        if (linphone_friend_list_get_friends(it->data))
            return 1;
    return 0;
}

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *o;
    char buf[8192];
    size_t n;

    if (!in)
        return -1;
    o = fopen(to, "wb");
    if (!o) {
        fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, o);
    fclose(in);
    return fclose(o);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

int main(int argc, char **argv)
{
    const char *rc_in = NULL, *rc_out = NULL, *root_ca = NULL, *uri = NULL;
    double timeout = 20, contacts_wait = 0, deadline, settle;
    char workdir[256], slashed[260], path[300];
    LinphoneFactory *factory;
    LinphoneConfig *cfg;
    LinphoneCore *lc;
    LinphoneCoreCbs *cbs;
    LinphoneLoggingServiceCbs *lcbs;
    const bctbx_list_t *it;
    const char *tmp;
    int opt, n, fd, status = 0;

    while ((opt = getopt(argc, argv, "i:o:a:t:c:v")) != -1) {
        switch (opt) {
        case 'i': rc_in = optarg; break;
        case 'o': rc_out = optarg; break;
        case 'a': root_ca = optarg; break;
        case 't':
            timeout = atof(optarg);
            if (timeout <= 0 || timeout > 600)
                usage();
            break;
        case 'c':
            contacts_wait = atof(optarg);
            if (contacts_wait <= 0 || contacts_wait > 600)
                usage();
            break;
        case 'v': verbose = 1; break;
        default: usage();
        }
    }
    if (optind < argc)
        uri = argv[optind++];
    if (optind != argc || (!uri && !rc_in))
        usage();
    if (root_ca && access(root_ca, R_OK)) {
        fprintf(stderr, "lpclient: cannot read %s: %s\n", root_ca,
                strerror(errno));
        return 2;
    }

    /* our results on the real stdout; the library's chatter on stderr */
    fd = dup(1);
    if (fd < 0 || !(out = fdopen(fd, "w")) || dup2(2, 1) < 0) {
        perror("lpclient: stdout");
        return 1;
    }

    /* a private directory for the rc and every file the core creates */
    tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/lpclient.XXXXXX",
             tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        perror("lpclient: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/linphonerc", workdir);
    if (rc_in && copy_file(rc_in, path)) {
        fprintf(stderr, "lpclient: cannot copy %s: %s\n", rc_in,
                strerror(errno));
        nftw(workdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        return 2;
    }
    linphone_logging_service_set_log_level(
        linphone_logging_service_get(),
        verbose ? LinphoneLogLevelDebug : LinphoneLogLevelError);
    lcbs = linphone_factory_create_logging_service_cbs(
        linphone_factory_get());
    linphone_logging_service_cbs_set_log_message_written(lcbs, on_log);
    linphone_logging_service_add_callbacks(linphone_logging_service_get(),
                                           lcbs);

    factory = linphone_factory_get();
    /* liblinphone appends file names to these without a separator */
    snprintf(slashed, sizeof slashed, "%s/", workdir);
    linphone_factory_set_config_dir(factory, slashed);
    linphone_factory_set_data_dir(factory, slashed);
    linphone_factory_set_download_dir(factory, slashed);

    /* settings of the test client itself, written before the core reads
     * the file: no fixed SIP ports, no sound card, no video */
    cfg = linphone_factory_create_config(factory, path);
    if (!cfg) {
        fprintf(stderr, "lpclient: cannot create the config\n");
        nftw(workdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    if (uri)
        linphone_config_set_string(cfg, "misc", "config-uri", uri);
    linphone_config_set_int(cfg, "sip", "sip_port", -1);
    linphone_config_set_int(cfg, "sip", "sip_tcp_port", -1);
    linphone_config_set_int(cfg, "sip", "sip_tls_port", -1);
    linphone_config_set_int(cfg, "video", "capture", 0);
    linphone_config_set_int(cfg, "video", "display", 0);
    if (root_ca)
        linphone_config_set_string(cfg, "sip", "root_ca", root_ca);
    linphone_config_sync(cfg);
    linphone_config_unref(cfg);

    lc = linphone_factory_create_core_3(factory, path, NULL, NULL);
    if (!lc) {
        fprintf(stderr, "lpclient: cannot create the core\n");
        nftw(workdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    cbs = linphone_factory_create_core_cbs(factory);
    linphone_core_cbs_set_configuring_status(cbs, on_configuring);
    linphone_core_cbs_set_global_state_changed(cbs, on_global_state);
    linphone_core_add_callbacks(lc, cbs);
    linphone_core_set_use_files(lc, TRUE);
    /* "lpclient/5.1.65 (belle-sip/...)": the default is "Unknown" */
    linphone_core_set_user_agent(lc, "lpclient", linphone_core_get_version());
    if (root_ca)
        linphone_core_set_root_ca(lc, root_ca);

    linphone_core_start(lc);
    deadline = now() + timeout;
    settle = 0;
    /* bounded: until configured and On, or the deadline */
    while (now() < deadline) {
        linphone_core_iterate(lc);
        if (configured && global_state == LinphoneGlobalOn) {
            if (!settle)
                settle = now() + 0.2;   /* let the new accounts load */
            else if (now() >= settle)
                break;
        }
        usleep(20000);
    }
    /* the contacts list is fetched after provisioning, asynchronously */
    if (contacts_wait > 0) {
        deadline = now() + contacts_wait;
        while (now() < deadline && !have_friends(lc)) {
            linphone_core_iterate(lc);
            usleep(20000);
        }
        /* a moment more for the friends parsed after the first */
        for (settle = now() + 0.3; now() < settle; usleep(20000))
            linphone_core_iterate(lc);
    }

    if (configured) {
        kv("status", state_name(configuring_state));
        kv("message", configuring_message);
    }
    else {
        kv("status", "Timeout");
        kv("message", "no configuring status reported");
    }
    kv("version", linphone_core_get_version());
    kv("config_uri", linphone_core_get_provisioning_uri(lc));

    n = 0;
    for (it = linphone_core_get_account_list(lc); it; it = it->next, n++) {
        const LinphoneAccountParams *p =
            linphone_account_get_params((LinphoneAccount *)it->data);

        fprintf(out, "account=%d\n", n);
        kv_address("identity", linphone_account_params_get_identity_address(p));
        kv_address("server", linphone_account_params_get_server_address(p));
    }
    n = 0;
    for (it = linphone_core_get_auth_info_list(lc); it; it = it->next, n++) {
        const LinphoneAuthInfo *ai = it->data;

        fprintf(out, "auth_info=%d\n", n);
        kv("username", linphone_auth_info_get_username(ai));
        kv("domain", linphone_auth_info_get_domain(ai));
        kv("realm", linphone_auth_info_get_realm(ai));
        kv("ha1", linphone_auth_info_get_ha1(ai));
        kv("algorithm", linphone_auth_info_get_algorithm(ai));
        kv("passwd", linphone_auth_info_get_password(ai));
    }

    /* FlexiAPI 2.1's CardDAV servers: liblinphone 5.4 reads them into
     * RemoteContactDirectory objects; an older one keeps the sections in
     * its configuration, unused.  Either way the configuration holds them. */
#if defined(__has_include)
#if __has_include(<linphone/api/c-remote-contact-directory.h>)
    kv("remote_contact_directory_api", "yes");
#else
    kv("remote_contact_directory_api", "no");
#endif
#endif
    {
        LinphoneConfig *conf = linphone_core_get_config(lc);
        bctbx_list_t *names = linphone_config_get_sections_names_list(conf);
        const bctbx_list_t *sn;

        for (sn = names; sn; sn = sn->next) {
            const char *section = sn->data;
            bctbx_list_t *keys;
            const bctbx_list_t *k;

            if (strncmp(section, "remote_contact_directory_", 25))
                continue;
            kv("remote_contact_directory", section);
            keys = linphone_config_get_keys_names_list(conf, section);
            for (k = keys; k; k = k->next) {
                char key[128];

                snprintf(key, sizeof key, "rcd.%s", (const char *)k->data);
                kv(key, linphone_config_get_string(conf, section, k->data,
                                                   ""));
            }
            bctbx_list_free(keys);
        }
        bctbx_list_free(names);
    }

    n = 0;
    for (it = contacts_wait > 0 ? linphone_core_get_friends_lists(lc) : NULL;
         it; it = it->next, n++) {
        LinphoneFriendList *fl = it->data;
        const bctbx_list_t *f;
        int m = 0;

        fprintf(out, "friend_list=%d\n", n);
        kv("list_name", linphone_friend_list_get_display_name(fl));
        kv("list_uri", linphone_friend_list_get_uri(fl));
        fprintf(out, "friend_count=%d\n",
                (int)bctbx_list_size(linphone_friend_list_get_friends(fl)));
        for (f = linphone_friend_list_get_friends(fl); f; f = f->next, m++) {
            fprintf(out, "friend=%d\n", m);
            kv("friend_name", linphone_friend_get_name(f->data));
            kv_address("friend_address", linphone_friend_get_address(f->data));
        }
    }

    if (rc_out) {
        char *dump = linphone_config_dump(linphone_core_get_config(lc));
        FILE *f = fopen(rc_out, "w");
        int bad = !f;

        if (f) {
            bad = fputs(dump ? dump : "", f) < 0;
            bad |= fclose(f) != 0;
        }
        if (bad) {
            fprintf(stderr, "lpclient: cannot write %s: %s\n", rc_out,
                    strerror(errno));
            status = 1;
        }
        if (dump)
            bctbx_free(dump);
    }
    fflush(out);

    linphone_core_stop(lc);
    linphone_core_unref(lc);
    linphone_core_cbs_unref(cbs);
    linphone_logging_service_cbs_unref(lcbs);
    nftw(workdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return status;
}
