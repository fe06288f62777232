/*
 * lp_qrcode — a QR code as a PNG, built in memory (docs/document.md): error
 * correction level H, 8-bit mode, LP_QRCODE_SIZE pixels square with at
 * least LP_QRCODE_MARGIN white pixels around the modules, 1-bit grayscale.
 * Pure: no request_rec, no global state, no files; safe from any thread.
 */
#ifndef LP_QRCODE_H
#define LP_QRCODE_H

#include "apr_pools.h"

#define LP_QRCODE_SIZE 300
#define LP_QRCODE_MARGIN 10

/** Pixels per module for a symbol `modules` wide: the largest integer that
 *  fits the symbol and both margins in LP_QRCODE_SIZE, at least 1. */
int lp_qrcode_scale(int modules);

/**
 * Encodes `text` and writes the PNG into `p`.  Returns APR_SUCCESS with
 * *png and *len set; APR_ENOSPC when the text is too long for a QR code at
 * level H; APR_EGENERAL when libqrencode or libpng failed (memory).
 */
apr_status_t lp_qrcode_png(apr_pool_t *p, const char *text,
                           const unsigned char **png, apr_size_t *len);

#endif
