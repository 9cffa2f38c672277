/*
 * A small C surface over libzstd for the WebAssembly build (scripts/wasm/build-libzstd.sh), shaped after
 * the zstd command-line tool's compression loop (programs/fileio.c in zstd 1.5.4) so that JavaScript can
 * replay it call for call: the CLI reads its input in ZSTD_CStreamInSize() pieces, hands each piece to
 * ZSTD_compressStream2 until it is consumed, and writes out what each call produced. Which piece carries
 * ZSTD_e_end, and how big the pieces are, can change the output, so JavaScript stages input here in a
 * buffer of exactly that size and decides the directive itself.
 *
 * All sizes crossing the boundary are 32-bit (wasm32); a pledged size is passed as a double so that any
 * size up to 2^53 is exact.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include "zstd.h"
#include "compress/zstd_compress_internal.h" /* ZSTD_getCParamsFromCCtxParams, to predict frame headers */
#include <stdlib.h>

/*
 * Allocation. wasi-libc's dlmalloc cannot serve a single request of 2 GiB or more (it asks sbrk for less
 * than half the 32-bit address space), yet ZSTDMT's round buffer at level 22 is exactly 2 GiB. Requests of
 * 1 GiB or more therefore get fresh pages straight from memory.grow (dlmalloc copes with memory it did
 * not grow itself) and are never reused: each encoder has an instance of its own, whose memory goes with
 * it, and libzstd makes such allocations once per stream. The allocator cannot change libzstd's output.
 */
#define ZW_BIG ((size_t)1 << 30)
#define ZW_PAGE ((size_t)65536)
#define ZW_MAX_BIG 8

static void *zw_big[ZW_MAX_BIG]; /* the big blocks handed out and not yet given back */

static void *zw_alloc (void *opaque, size_t size)
{
  (void)opaque;
  if (size < ZW_BIG) return malloc(size);
  for (int i = 0; i < ZW_MAX_BIG; i++) {
    if (zw_big[i] != NULL) continue;
    size_t const old = __builtin_wasm_memory_grow(0, (size + ZW_PAGE - 1) / ZW_PAGE);
    if (old == (size_t)-1) return NULL;
    zw_big[i] = (void *)(old * ZW_PAGE);
    return zw_big[i];
  }
  return NULL;
}

static void zw_dealloc (void *opaque, void *p)
{
  (void)opaque;
  for (int i = 0; i < ZW_MAX_BIG; i++) {
    if (p != NULL && zw_big[i] == p) { zw_big[i] = NULL; return; }
  }
  free(p);
}

static const ZSTD_customMem zw_mem = { zw_alloc, zw_dealloc, NULL };

typedef struct {
  ZSTD_CCtx *cctx;
  ZSTD_inBuffer in;
  ZSTD_outBuffer out;
  size_t lastResult;
} zw_stream;

/* A stream with the CLI's buffer sizes; 0 when out of memory. */
zw_stream *zw_create (void)
{
  zw_stream *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->cctx = ZSTD_createCCtx_advanced(zw_mem);
  s->in.src = malloc(ZSTD_CStreamInSize());
  s->out.dst = malloc(ZSTD_CStreamOutSize());
  s->out.size = ZSTD_CStreamOutSize();
  if (s->cctx == NULL || s->in.src == NULL || s->out.dst == NULL) {
    ZSTD_freeCCtx(s->cctx); free((void *)s->in.src); free(s->out.dst); free(s);
    return NULL;
  }
  return s;
}

void zw_free (zw_stream *s)
{
  if (s == NULL) return;
  ZSTD_freeCCtx(s->cctx);
  free((void *)s->in.src);
  free(s->out.dst);
  free(s);
}

/* ZSTD_CCtx_setParameter; returns 0 or a zstd error code (see zw_is_error). */
size_t zw_set_parameter (zw_stream *s, int param, int value) { return ZSTD_CCtx_setParameter(s->cctx, (ZSTD_cParameter)param, value); }

size_t zw_set_pledged_size (zw_stream *s, double size) { return ZSTD_CCtx_setPledgedSrcSize(s->cctx, (unsigned long long)size); }

/* Where JavaScript writes the next piece of input, and how much fits. */
unsigned char *zw_input_buffer (zw_stream *s) { return (unsigned char *)s->in.src; }
size_t zw_input_capacity (void) { return ZSTD_CStreamInSize(); }

/* The staged input is `size` bytes, none consumed yet. */
void zw_set_input (zw_stream *s, size_t size) { s->in.size = size; s->in.pos = 0; }
size_t zw_input_remaining (zw_stream *s) { return s->in.size - s->in.pos; }

/* One ZSTD_compressStream2 call into an emptied output buffer; returns its result (bytes still to flush,
 * or an error code). The bytes produced are zw_output_buffer()[0 .. zw_output_size()). */
size_t zw_compress (zw_stream *s, int endOp)
{
  s->out.pos = 0;
  s->lastResult = ZSTD_compressStream2(s->cctx, &s->out, &s->in, (ZSTD_EndDirective)endOp);
  return s->lastResult;
}
unsigned char *zw_output_buffer (zw_stream *s) { return s->out.dst; }
size_t zw_output_size (zw_stream *s) { return s->out.pos; }

unsigned zw_is_error (size_t code) { return ZSTD_isError(code); }
const char *zw_error_name (size_t code) { return ZSTD_getErrorName(code); }

/* The window log a frame would be written with, for the frame-header prediction in zstdCandidateParams:
 * compression level, pledged size (negative: unknown) and --long window log (0: off), resolved exactly as
 * ZSTD_compressStream2 resolves them when it starts a frame. Returns 0 on error. */
unsigned zw_window_log (int level, double size, int longWindowLog)
{
  unsigned long long const srcSize = size < 0 ? ZSTD_CONTENTSIZE_UNKNOWN : (unsigned long long)size;
  unsigned result = 0;
  ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
  if (p == NULL) return 0;
  if (!ZSTD_isError(ZSTD_CCtxParams_setParameter(p, ZSTD_c_compressionLevel, level))
   && (longWindowLog == 0 || (!ZSTD_isError(ZSTD_CCtxParams_setParameter(p, ZSTD_c_enableLongDistanceMatching, 1))
                              && !ZSTD_isError(ZSTD_CCtxParams_setParameter(p, ZSTD_c_windowLog, longWindowLog))))) {
    result = ZSTD_getCParamsFromCCtxParams(p, srcSize, 0, ZSTD_cpm_noAttachDict).windowLog;
  }
  ZSTD_freeCCtxParams(p);
  return result;
}
