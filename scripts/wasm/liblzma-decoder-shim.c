/*
 * The decoding half of the C interface over liblzma for the WebAssembly build (scripts/wasm/build-liblzma.sh).
 *
 * One .xz stream decoder per wasm instance, so decoders never share state. JavaScript copies input into a
 * fixed buffer (xzd_input), calls xzd_write, then xzd_pump until it returns 0, copying out the bytes each
 * call leaves at xzd_output; xzd_finish says the input has ended. liblzma checks everything the format
 * holds: block header CRCs, the blocks' CRC32/CRC64/SHA-256 checks, the index against the blocks, and the
 * footer. Filter chains may hold the BCJ filters (x86, PowerPC, IA-64, ARM, ARM-Thumb, ARM64, SPARC) and
 * delta before LZMA2, as xz 5.4.1 writes them.
 */
#include <stdlib.h>
#include "lzma.h"

#define IO_SIZE (1u << 17)

typedef struct {
	lzma_stream strm;
	int finishing;
	int done;
	size_t in_pos, in_len; /* pending input in io_in */
	uint8_t io_in[IO_SIZE];
	uint8_t io_out[IO_SIZE];
} xz_dec;

/* A decoder for exactly one stream (not LZMA_CONCATENATED: the caller walks stream padding itself). No
 * memory limit beyond the module's own 4 GiB, as xz itself decodes by default. NULL when out of memory. */
xz_dec *xzd_create(void)
{
	xz_dec *d = calloc(1, sizeof(xz_dec));
	if (d == NULL) return NULL;
	d->strm = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&d->strm, UINT64_MAX, 0) != LZMA_OK) {
		free(d);
		return NULL;
	}
	return d;
}

uint8_t *xzd_input(xz_dec *d) { return d->io_in; }
const uint8_t *xzd_output(xz_dec *d) { return d->io_out; }
int xzd_done(xz_dec *d) { return d->done; }
/* Input bytes the decoder has consumed, so an error can name its offset. */
double xzd_total_in(xz_dec *d) { return (double)d->strm.total_in; }

/* The first n bytes of xzd_input are the next input (the previous input must have been pumped through). */
void xzd_write(xz_dec *d, uint32_t n) { d->in_pos = 0; d->in_len = n; }
void xzd_finish(xz_dec *d) { d->finishing = 1; }

/* Returns how many bytes it left at xzd_output (call again until 0), or a negated lzma_ret on error: data
 * error, options error (a filter or option this build lacks), memory error, or a buffer error for input
 * that ended inside the stream. */
int32_t xzd_pump(xz_dec *d)
{
	d->strm.next_out = d->io_out;
	d->strm.avail_out = IO_SIZE;
	while (!d->done && d->strm.avail_out > 0) {
		size_t n = d->in_len - d->in_pos;
		if (n == 0 && !d->finishing) break;
		d->strm.next_in = d->io_in + d->in_pos;
		d->strm.avail_in = n;
		size_t out_before = d->strm.avail_out;
		lzma_ret ret = lzma_code(&d->strm, d->finishing ? LZMA_FINISH : LZMA_RUN);
		d->in_pos += n - d->strm.avail_in;
		if (ret == LZMA_STREAM_END) {
			d->done = 1;
		} else if (ret != LZMA_OK) {
			return -(int32_t)ret;
		} else if (n == d->strm.avail_in && out_before == d->strm.avail_out && !d->finishing) {
			break; /* needs more input */
		}
	}
	return (int32_t)(IO_SIZE - d->strm.avail_out);
}
