/*
 * Thin C layer between libbz2 (built with BZ_NO_STDIO) and src/compression/bzip2/libbz2.ts.
 *
 * Each handle owns one bz_stream plus an input and an output window inside the WebAssembly memory, so
 * JavaScript only copies bytes in and out of those windows and calls one function per step; it never has
 * to lay out a bz_stream itself. A JavaScript caller copies at most shim_in_capacity() bytes into
 * shim_in_buffer(), calls shim_push(), then calls shim_compress()/shim_decompress() until the input is
 * consumed, reading shim_produced() bytes from shim_out_buffer() after every call.
 */
#include <stdlib.h>
#include <string.h>
#include "bzlib.h"

/* Exported to JavaScript under its own name. */
#define EXPORT(name) __attribute__((export_name(#name)))

#define IN_CAP (256 * 1024)
#define OUT_CAP (256 * 1024)

/* The bzip2 command line (bzip2.c, main) passes workFactor 30 and verbosity 0 to BZ2_bzWriteOpen. The
   work factor decides when blocksort gives up its main sort for the fallback sort, which changes origPtr
   for periodic blocks, so it has to match for byte-identical output. */
#define CLI_WORK_FACTOR 30

typedef struct {
  bz_stream strm;
  int decompressing;
  unsigned int produced;
  char in[IN_CAP];
  char out[OUT_CAP];
} shim_handle;

/* With BZ_NO_STDIO libbz2 reports a failed internal assertion here and would carry on afterwards; stop
   instead: the trap surfaces in JavaScript as a WebAssembly.RuntimeError. */
void bz_internal_error (int errcode) {
  (void)errcode;
  __builtin_trap();
}

static shim_handle *new_handle (void) {
  shim_handle *h = malloc(sizeof(shim_handle));
  if (h == NULL) return NULL;
  memset(&h->strm, 0, sizeof(h->strm)); /* bzalloc/bzfree/opaque NULL: libbz2 uses malloc/free */
  h->produced = 0;
  return h;
}

/* A compressor for `bzip2 -<blockSize100k>`; NULL when out of memory or blockSize100k is not 1..9. */
EXPORT(shim_compress_new) shim_handle *shim_compress_new (int blockSize100k) {
  shim_handle *h = new_handle();
  if (h == NULL) return NULL;
  h->decompressing = 0;
  if (BZ2_bzCompressInit(&h->strm, blockSize100k, 0, CLI_WORK_FACTOR) != BZ_OK) { free(h); return NULL; }
  return h;
}

/* A decompressor for one bzip2 stream (libbz2 stops at the end-of-stream marker). small = 0: the faster,
   larger (4 bytes per block byte) decoding tables, as `bzip2 -d` without -s. */
EXPORT(shim_decompress_new) shim_handle *shim_decompress_new (void) {
  shim_handle *h = new_handle();
  if (h == NULL) return NULL;
  h->decompressing = 1;
  if (BZ2_bzDecompressInit(&h->strm, 0, 0) != BZ_OK) { free(h); return NULL; }
  return h;
}

EXPORT(shim_free) void shim_free (shim_handle *h) {
  if (h == NULL) return;
  if (h->decompressing) BZ2_bzDecompressEnd(&h->strm); else BZ2_bzCompressEnd(&h->strm);
  free(h);
}

EXPORT(shim_in_buffer) char *shim_in_buffer (shim_handle *h) { return h->in; }
EXPORT(shim_out_buffer) char *shim_out_buffer (shim_handle *h) { return h->out; }
EXPORT(shim_in_capacity) unsigned int shim_in_capacity (void) { return IN_CAP; }
EXPORT(shim_out_capacity) unsigned int shim_out_capacity (void) { return OUT_CAP; }

/* Make the first n bytes of the input window the pending input. Only valid once the previous input has
   been consumed (shim_avail_in() == 0), since libbz2 may still be reading the window otherwise. */
EXPORT(shim_push) int shim_push (shim_handle *h, unsigned int n) {
  if (n > IN_CAP || h->strm.avail_in != 0) return BZ_PARAM_ERROR;
  h->strm.next_in = h->in;
  h->strm.avail_in = n;
  return BZ_OK;
}

EXPORT(shim_avail_in) unsigned int shim_avail_in (shim_handle *h) { return h->strm.avail_in; }

/* Compressed bytes consumed so far (decompression) as a double, exact below 2^53. */
EXPORT(shim_total_in) double shim_total_in (shim_handle *h) {
  return (double)h->strm.total_in_hi32 * 4294967296.0 + (double)h->strm.total_in_lo32;
}

static void reset_output (shim_handle *h) {
  h->strm.next_out = h->out;
  h->strm.avail_out = OUT_CAP;
}

/* One BZ2_bzCompress call (BZ_RUN, or BZ_FINISH when finish != 0) into an empty output window. */
EXPORT(shim_compress) int shim_compress (shim_handle *h, int finish) {
  reset_output(h);
  int r = BZ2_bzCompress(&h->strm, finish ? BZ_FINISH : BZ_RUN);
  h->produced = OUT_CAP - h->strm.avail_out;
  /* libbz2 answers a BZ_RUN call that can make no progress (no input left, no output pending) with
     BZ_PARAM_ERROR. A caller whose last call filled the output window cannot tell whether output is still
     pending and simply calls again, so that answer means "nothing more for now" here. */
  if (!finish && r == BZ_PARAM_ERROR && h->strm.avail_in == 0 && h->produced == 0) r = BZ_RUN_OK;
  return r;
}

/* One BZ2_bzDecompress call into an empty output window. */
EXPORT(shim_decompress) int shim_decompress (shim_handle *h) {
  reset_output(h);
  int r = BZ2_bzDecompress(&h->strm);
  h->produced = OUT_CAP - h->strm.avail_out;
  return r;
}

EXPORT(shim_produced) unsigned int shim_produced (shim_handle *h) { return h->produced; }
