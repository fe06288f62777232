/* Unit tests: QR code to PNG (lp_qrcode.c).  The PNG is read back with
 * libpng and compared pixel by pixel with the symbol libqrencode makes at
 * level H in 8-bit mode; renders from several threads must agree. */
#include "tap.h"
#include "lp_qrcode.h"
#include "apr_general.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>

#define URL "https://sip.example.org/provisioning/" \
            "c0ffee-Token_1.2~abcdefghijklmnopqrstuvwxyz?reset_password=1"
#define THREADS 8
#define RENDERS 50

static unsigned be32(const unsigned char *b)
{
    return (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8
           | b[3];
}

/* 0 when every pixel of the PNG is what the symbol of `text` says: white
 * margins of at least LP_QRCODE_MARGIN, modules scaled and centred. */
static int pixels_match(const unsigned char *png, apr_size_t len,
                        const char *text)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_H);
    png_image img;
    unsigned char *px;
    int scale, off, x, y, bad = 0;

    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!qr || !png_image_begin_read_from_memory(&img, png, len))
        return -1;
    img.format = PNG_FORMAT_GRAY;
    px = malloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, px, 0, NULL))
        return -1;
    scale = lp_qrcode_scale(qr->width);
    off = (LP_QRCODE_SIZE - qr->width * scale) / 2;
    if (off < LP_QRCODE_MARGIN)
        bad++;
    for (y = 0; y < (int)img.height; y++)
        for (x = 0; x < (int)img.width; x++) {
            int mx = (x - off) / scale, my = (y - off) / scale;
            int inside = x >= off && y >= off && mx < qr->width
                         && my < qr->width;
            int dark = inside && (qr->data[my * qr->width + mx] & 1);

            bad += (px[y * img.width + x] == 0) != dark;
        }
    free(px);
    QRcode_free(qr);
    return bad;
}

typedef struct {
    const unsigned char *want;
    apr_size_t want_len;
    int differing;
} job;

static void *APR_THREAD_FUNC render_loop(apr_thread_t *t, void *data)
{
    job *j = data;
    apr_pool_t *p;
    int i;

    apr_pool_create(&p, NULL);
    for (i = 0; i < RENDERS; i++) {
        const unsigned char *png;
        apr_size_t len;

        if (lp_qrcode_png(p, URL, &png, &len) != APR_SUCCESS
            || len != j->want_len || memcmp(png, j->want, len))
            j->differing++;
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

int main(void)
{
    apr_pool_t *p;
    const unsigned char *png, *png2;
    apr_size_t len, len2;
    apr_thread_t *threads[THREADS];
    job jobs[THREADS];
    char *big;
    apr_status_t rv;
    int i, differing;

    apr_initialize();
    apr_pool_create(&p, NULL);

    ok(lp_qrcode_scale(21) == 13, "version 1 (21 modules): 13 px each");
    ok(lp_qrcode_scale(45) == 6, "version 7 (45 modules): 6 px each");
    ok(lp_qrcode_scale(140) == 2, "140 modules: 2 px each");
    ok(lp_qrcode_scale(177) == 1, "version 40 (177 modules): 1 px each");
    ok(lp_qrcode_scale(0) == 1 && lp_qrcode_scale(400) == 1,
       "never below 1 px");

    rv = lp_qrcode_png(p, URL, &png, &len);
    ok(rv == APR_SUCCESS, "renders a provisioning URL");
    if (rv != APR_SUCCESS)
        return tap_done();
    ok(len > 33 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "PNG signature");
    is(apr_pstrmemdup(p, (const char *)png + 12, 4), "IHDR", "IHDR first");
    ok(be32(png + 16) == LP_QRCODE_SIZE && be32(png + 20) == LP_QRCODE_SIZE,
       "300 x 300 px");
    ok(png[24] == 1 && png[25] == 0, "1-bit grayscale");
    ok(memcmp(png + len - 8, "IEND", 4) == 0, "ends with IEND");
    ok(len < 2048, apr_psprintf(p, "small: %" APR_SIZE_T_FMT " bytes", len));
    ok(pixels_match(png, len, URL) == 0,
       "every pixel is the level-H 8-bit symbol, scaled and centred");
    ok(pixels_match(png, len, "https://sip.example.org/provisioning/other")
       != 0, "... and not another symbol");

    rv = lp_qrcode_png(p, URL, &png2, &len2);
    ok(rv == APR_SUCCESS && len2 == len && memcmp(png, png2, len) == 0,
       "same text, same bytes");

    /* level H in 8-bit mode holds 1273 bytes at most (version 40); digits
     * would hold 3057 in numeric mode: these stay 8-bit */
    big = apr_palloc(p, 1275);
    memset(big, '7', 1274);
    big[1274] = '\0';
    ok(lp_qrcode_png(p, big, &png2, &len2) == APR_ENOSPC,
       "1274 digits: APR_ENOSPC");
    big[1273] = '\0';
    rv = lp_qrcode_png(p, big, &png2, &len2);
    ok(rv == APR_SUCCESS && pixels_match(png2, len2, big) == 0,
       "1273 digits: the largest symbol, exact at 1 px per module");

    for (i = 0; i < THREADS; i++) {
        jobs[i].want = png;
        jobs[i].want_len = len;
        jobs[i].differing = 0;
        apr_thread_create(&threads[i], NULL, render_loop, &jobs[i], p);
    }
    for (differing = 0, i = 0; i < THREADS; i++) {
        apr_thread_join(&rv, threads[i]);
        differing += jobs[i].differing;
    }
    ok(differing == 0, apr_psprintf(p, "%d threads x %d renders: identical",
                                    THREADS, RENDERS));

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
