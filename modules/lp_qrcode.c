/*
 * lp_qrcode — QR code to PNG in memory (see lp_qrcode.h).
 *
 * libpng writes through a callback into a buffer of the caller's pool, and
 * allocates from that pool as well: the error path (libpng longjmps) leaks
 * nothing, and a request's allocations stay in its pool.  libqrencode
 * mallocs its symbol; it is freed on every path.
 */
#include "lp_qrcode.h"

#include "apr_errno.h"
#include <errno.h>
#include <string.h>
#include <png.h>
#include <qrencode.h>

/* the PNG as libpng writes it: grows in the pool, old copies left there */
typedef struct {
    apr_pool_t *p;
    unsigned char *data;
    apr_size_t len, cap;
} sink;

static void sink_write(png_structp png, png_bytep bytes, png_size_t n)
{
    sink *s = png_get_io_ptr(png);

    if (s->len + n > s->cap) {
        apr_size_t cap = s->cap ? s->cap * 2 : 2048;
        unsigned char *d;

        while (cap < s->len + n)
            cap *= 2;
        d = apr_palloc(s->p, cap);
        if (s->len)
            memcpy(d, s->data, s->len);
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->len, bytes, n);
    s->len += n;
}

static void sink_flush(png_structp png)
{
}

static png_voidp pool_malloc(png_structp png, png_alloc_size_t n)
{
    return apr_palloc(png_get_mem_ptr(png), n);
}

static void pool_free(png_structp png, png_voidp ptr)
{
}

/* libpng's default handlers print to stderr; ours only unwind */
static void on_error(png_structp png, png_const_charp msg)
{
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
}

int lp_qrcode_scale(int modules)
{
    int scale = modules > 0
                ? (LP_QRCODE_SIZE - 2 * LP_QRCODE_MARGIN) / modules : 1;

    return scale > 0 ? scale : 1;
}

/* Paints module row `y` of the symbol into a packed 1-bit row (MSB first,
 * 0 = black), centred like every other row. */
static void paint_row(unsigned char *row, apr_size_t rowbytes,
                      const QRcode *qr, int y, int scale, int offset)
{
    int x, px;

    memset(row, 0xFF, rowbytes);
    for (x = 0; x < qr->width; x++) {
        if (!(qr->data[y * qr->width + x] & 1))
            continue;
        for (px = offset + x * scale; px < offset + (x + 1) * scale; px++)
            row[px >> 3] &= (unsigned char)~(0x80 >> (px & 7));
    }
}

static int write_png(apr_pool_t *p, const QRcode *qr, sink *out)
{
    const int scale = lp_qrcode_scale(qr->width);
    const int offset = (LP_QRCODE_SIZE - qr->width * scale) / 2;
    const apr_size_t rowbytes = (LP_QRCODE_SIZE + 7) / 8;
    unsigned char *white = apr_palloc(p, rowbytes);
    unsigned char *row = apr_palloc(p, rowbytes);
    png_structp png;
    png_infop info;
    int y, i;

    memset(white, 0xFF, rowbytes);
    png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, NULL, on_error,
                                    on_warning, p, pool_malloc, pool_free);
    if (!png)
        return -1;
    info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, out, sink_write, sink_flush);
    png_set_IHDR(png, info, LP_QRCODE_SIZE, LP_QRCODE_SIZE, 1,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (y = 0; y < offset; y++)
        png_write_row(png, white);
    for (y = 0; y < qr->width; y++) {
        paint_row(row, rowbytes, qr, y, scale, offset);
        for (i = 0; i < scale; i++)
            png_write_row(png, row);
    }
    for (y = offset + qr->width * scale; y < LP_QRCODE_SIZE; y++)
        png_write_row(png, white);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

apr_status_t lp_qrcode_png(apr_pool_t *p, const char *text,
                           const unsigned char **png, apr_size_t *len)
{
    sink out = { p, NULL, 0, 0 };
    QRcode *qr;
    int rv;

    /* 8-bit mode throughout: QRcode_encodeString would switch to numeric
     * or alphanumeric segments for runs of digits */
    errno = 0;
    qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_H);
    if (!qr)
        return errno == ERANGE ? APR_ENOSPC : APR_EGENERAL;
    rv = write_png(p, qr, &out);
    QRcode_free(qr);
    if (rv)
        return APR_EGENERAL;
    *png = out.data;
    *len = out.len;
    return APR_SUCCESS;
}
