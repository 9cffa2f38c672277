/*
 * A small C interface over liblzma for the WebAssembly build (scripts/wasm/build-liblzma.sh).
 *
 * One encoder per wasm instance. JavaScript copies input into a fixed buffer (xz_input), calls xz_write
 * and then xz_pump until it returns 0, copying out the bytes each call leaves at xz_output. xz_finish
 * ends the input the same way. Two container layouts are produced, matching xz-utils 5.4.1:
 *
 *  - single-threaded (xz -T1): liblzma's own stream encoder; with a block size, a full barrier after every
 *    block_size input bytes, as xz's --block-size does in single-threaded mode (no sizes in block headers);
 *  - multi-threaded (xz -T2 and up): the layout of liblzma's threaded encoder, rebuilt here without threads
 *    from the same building blocks its worker uses (see mt_* below), so it is byte-identical.
 *
 * All liblzma calls are to its public API, plus two internal functions of the threaded encoder's (see
 * below) that fix its block size and output buffer size.
 */
#include <stdlib.h>
#include <string.h>
#include "lzma.h"

/* Internal to liblzma (compiled in with it): the threaded encoder's block output buffer size and default block size. */
extern uint64_t lzma_block_buffer_bound64(uint64_t uncompressed_size);
extern uint64_t lzma_mt_block_size(const lzma_filter *filters);

#define IO_SIZE (1u << 17)

typedef struct {
	lzma_stream strm; /* single-threaded: the stream encoder; multi-threaded: the current block's encoder */
	lzma_options_lzma lzma;
	lzma_filter filters[2];
	lzma_check check;
	int mt;
	uint64_t block_size;  /* 0: a single block (single-threaded only) */
	uint64_t block_left;  /* single-threaded: input bytes until the next barrier */
	int finishing;
	int done;
	size_t in_pos, in_len; /* pending input in io_in */
	const uint8_t *out_ptr; /* where the last xz_pump left its output */

	/* Multi-threaded layout: a block is emitted when complete, as its header holds its sizes. Memory is
	 * bounded by the block size: its compressed form is kept, and its input while the block may still
	 * not fit the threaded encoder's output buffer (it is then stored uncompressed, from the input; see
	 * mt_may_overflow). Both buffers are allocated once, at their final sizes, when the first block
	 * starts: grown step by step, each step's old buffer would stay in the instance's memory (which never
	 * shrinks), resident, beside the new one. Pages not written are not resident: a short stream, or a
	 * block whose input is let go early, costs no more than what was written. */
	int header_sent;
	lzma_index *index;
	lzma_block block;
	int in_block;
	int overflow;          /* the block's encoder output passed out_limit: store it uncompressed */
	int keep_input;        /* the block's input is copied to bin (it may yet overflow) */
	uint64_t out_limit;    /* the threaded encoder's per-block output buffer size */
	uint8_t *bin; size_t bin_len, bin_cap; /* bin_len: the block's input so far (kept or not) */
	uint8_t *bout; size_t bout_len, bout_cap;

	uint8_t io_in[IO_SIZE];
	uint8_t io_out[IO_SIZE];
} xz_enc;

static int grow(uint8_t **buf, size_t *cap, uint64_t need, uint64_t max)
{
	if (need <= *cap) return 1;
	uint64_t c = *cap ? *cap : 65536;
	while (c < need) c *= 2;
	if (c > max) c = max;
	if (c < need || c > SIZE_MAX) return 0;
	uint8_t *p = realloc(*buf, (size_t)c);
	if (p == NULL) return 0;
	*buf = p;
	*cap = (size_t)c;
	return 1;
}

/* preset: 0..9, optionally | LZMA_PRESET_EXTREME; check: an lzma_check id; mt: 0 or 1; block_size: 0 for
 * the default (single-threaded: one block; multi-threaded: liblzma's default, 3x the dictionary, min 1 MiB).
 * A double carries block_size so that JavaScript needs no BigInt. Returns NULL on bad options or memory. */
xz_enc *xz_create(uint32_t preset, uint32_t check, uint32_t mt, double block_size)
{
	xz_enc *e = calloc(1, sizeof(xz_enc));
	if (e == NULL) return NULL;
	e->strm = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_lzma_preset(&e->lzma, preset)) goto fail;
	e->filters[0].id = LZMA_FILTER_LZMA2;
	e->filters[0].options = &e->lzma;
	e->filters[1].id = LZMA_VLI_UNKNOWN;
	e->check = (lzma_check)check;
	if (!lzma_check_is_supported(e->check)) goto fail;
	e->mt = mt != 0;
	e->block_size = (uint64_t)block_size;
	if (e->mt) {
		if (e->block_size == 0) e->block_size = lzma_mt_block_size(e->filters);
		if (e->block_size == 0 || e->block_size > SIZE_MAX) goto fail;
		e->out_limit = lzma_block_buffer_bound64(e->block_size);
		if (e->out_limit == 0) goto fail;
		e->index = lzma_index_init(NULL);
		if (e->index == NULL) goto fail;
	} else {
		if (lzma_stream_encoder(&e->strm, e->filters, e->check) != LZMA_OK) goto fail;
		e->block_left = e->block_size;
	}
	return e;
fail:
	lzma_end(&e->strm);
	free(e);
	return NULL;
}

uint8_t *xz_input(xz_enc *e) { return e->io_in; }
uint32_t xz_input_size(void) { return IO_SIZE; }
const uint8_t *xz_output(xz_enc *e) { return e->out_ptr; }
int xz_done(xz_enc *e) { return e->done; }

/* The first n bytes of xz_input are the next input (the previous input must have been pumped through). */
void xz_write(xz_enc *e, uint32_t n) { e->in_pos = 0; e->in_len = n; }
void xz_finish(xz_enc *e) { e->finishing = 1; }

static int32_t st_pump(xz_enc *e)
{
	e->strm.next_out = e->io_out;
	e->strm.avail_out = IO_SIZE;
	while (!e->done && e->strm.avail_out > 0) {
		lzma_action action;
		size_t n = e->in_len - e->in_pos;
		if (e->block_size != 0 && e->block_left == 0) {
			action = LZMA_FULL_BARRIER;
			n = 0;
		} else {
			if (e->block_size != 0 && n > e->block_left) n = (size_t)e->block_left;
			if (n == 0 && !e->finishing) break;
			action = n == 0 ? LZMA_FINISH : LZMA_RUN;
		}
		e->strm.next_in = e->io_in + e->in_pos;
		e->strm.avail_in = n;
		lzma_ret ret = lzma_code(&e->strm, action);
		size_t used = n - e->strm.avail_in;
		e->in_pos += used;
		if (e->block_size != 0) e->block_left -= used;
		if (ret == LZMA_STREAM_END) {
			if (action == LZMA_FULL_BARRIER) e->block_left = e->block_size;
			else if (action == LZMA_FINISH) e->done = 1;
		} else if (ret != LZMA_OK) {
			return -(int32_t)ret;
		}
	}
	e->out_ptr = e->io_out;
	return (int32_t)(IO_SIZE - e->strm.avail_out);
}

/* Runs the block encoder on the block's newest input (or finishes it), keeping its output within
 * out_limit like the threaded encoder's worker; sets overflow when the limit is reached first. */
static int mt_code(xz_enc *e, const uint8_t *in, size_t n, lzma_action action)
{
	e->strm.next_in = in;
	e->strm.avail_in = n;
	for (;;) {
		if (e->bout_len == e->out_limit) { e->overflow = 1; lzma_end(&e->strm); return 0; }
		if (e->bout_len == e->bout_cap && !grow(&e->bout, &e->bout_cap, e->bout_len + 1, e->out_limit)) return LZMA_MEM_ERROR;
		e->strm.next_out = e->bout + e->bout_len;
		e->strm.avail_out = e->bout_cap - e->bout_len;
		lzma_ret ret = lzma_code(&e->strm, action);
		e->bout_len = e->bout_cap - e->strm.avail_out;
		if (ret == LZMA_STREAM_END) return 0;
		if (ret != LZMA_OK) return ret;
		if (action == LZMA_RUN && e->strm.avail_in == 0) return 0;
	}
}

static int mt_start_block(xz_enc *e)
{
	/* As the threaded encoder's worker: header space is reserved for the largest sizes a block can have. */
	e->block = (lzma_block){
		.version = 0,
		.check = e->check,
		.compressed_size = e->out_limit,
		.uncompressed_size = e->block_size,
		.filters = e->filters,
	};
	lzma_ret ret = lzma_block_header_size(&e->block);
	if (ret != LZMA_OK) return ret;
	/* Before the block's encoder: it is freed at the block's end, and the next block's takes its place. */
	if (!grow(&e->bout, &e->bout_cap, e->out_limit, e->out_limit)) return LZMA_MEM_ERROR;
	if (!grow(&e->bin, &e->bin_cap, e->block_size, e->block_size)) return LZMA_MEM_ERROR;
	ret = lzma_block_encoder(&e->strm, &e->block);
	if (ret != LZMA_OK) return ret;
	e->bout_len = e->block.header_size;
	e->bin_len = 0;
	e->overflow = 0;
	e->keep_input = 1;
	e->in_block = 1;
	return 0;
}

/* Bytes of a block's input that LZMA2 may have taken but not written out yet: the chunk being built (at
 * most 2 MiB of input; lzma2_encoder.h) and the LZ encoder's look-ahead (a few KiB: the encoder runs until
 * only its keep_size_after bytes are left unencoded). */
#define LZMA2_PENDING_MAX ((2u << 20) + (64u << 10))

/*
 * Whether the block's output may still reach out_limit, after the input given so far: a bound on the
 * rest of LZMA2's output. Each chunk costs at most 6 bytes more than its input (a chunk that does not
 * compress is stored, with a 3-byte header; a compressed one has a header of 5 or 6), and chunks other
 * than the last hold at least ~60 KiB of input, so 1/4096 per byte is ample. Once this is false it stays
 * false, and the block's input need not be kept: a compressible block lets go of it after a few MiB.
 */
static int mt_may_overflow(const xz_enc *e)
{
	uint64_t rest = e->block_size - e->bin_len + LZMA2_PENDING_MAX;
	return e->bout_len + rest + rest / 4096 + 64 >= e->out_limit;
}

static int mt_end_block(xz_enc *e)
{
	lzma_ret ret;
	if (!e->overflow) {
		ret = mt_code(e, NULL, 0, LZMA_FINISH);
		if (ret) return ret;
	}
	if (!e->overflow) {
		ret = lzma_block_header_encode(&e->block, e->bout);
		if (ret != LZMA_OK) return ret;
	} else {
		/* Incompressible: uncompressed LZMA2 chunks, with a header of their own. */
		if (!e->keep_input) return LZMA_PROG_ERROR; /* mt_may_overflow's bound was wrong */
		uint64_t need = lzma_block_buffer_bound64(e->bin_len);
		if (!grow(&e->bout, &e->bout_cap, need, need)) return LZMA_MEM_ERROR;
		size_t pos = 0;
		ret = lzma_block_uncomp_encode(&e->block, e->bin, e->bin_len, e->bout, &pos, e->bout_cap);
		if (ret != LZMA_OK) return ret;
		e->bout_len = pos;
	}
	lzma_end(&e->strm);
	ret = lzma_index_append(e->index, NULL, lzma_block_unpadded_size(&e->block), e->block.uncompressed_size);
	if (ret != LZMA_OK) return ret;
	e->in_block = 0;
	e->bout_len = (size_t)lzma_block_total_size(&e->block);
	return 0;
}

static int32_t mt_pump(xz_enc *e)
{
	lzma_stream_flags flags = { .version = 0, .check = e->check };
	int ret;
	if (e->done) return 0;
	if (!e->header_sent) {
		if (lzma_stream_header_encode(&flags, e->io_out) != LZMA_OK) return -LZMA_PROG_ERROR;
		e->header_sent = 1;
		e->out_ptr = e->io_out;
		return LZMA_STREAM_HEADER_SIZE;
	}
	for (;;) {
		size_t n = e->in_len - e->in_pos;
		if (e->in_block && (e->bin_len == e->block_size || (n == 0 && e->finishing))) {
			if ((ret = mt_end_block(e))) return -ret;
			e->out_ptr = e->bout;
			return (int32_t)e->bout_len;
		}
		if (n == 0) break;
		if (!e->in_block && (ret = mt_start_block(e))) return -ret;
		if (n > e->block_size - e->bin_len) n = (size_t)(e->block_size - e->bin_len);
		const uint8_t *in = e->io_in + e->in_pos;
		if (e->keep_input) memcpy(e->bin + e->bin_len, in, n);
		if (!e->overflow && (ret = mt_code(e, in, n, LZMA_RUN))) return -ret;
		e->bin_len += n;
		e->in_pos += n;
		if (e->keep_input && !e->overflow && !mt_may_overflow(e)) e->keep_input = 0;
	}
	if (!e->finishing) return 0;
	/* Index and stream footer. */
	size_t index_size = (size_t)lzma_index_size(e->index);
	size_t need = index_size + LZMA_STREAM_HEADER_SIZE;
	if (!grow(&e->bout, &e->bout_cap, need, need)) return -LZMA_MEM_ERROR;
	size_t pos = 0;
	if (lzma_index_buffer_encode(e->index, e->bout, &pos, e->bout_cap) != LZMA_OK) return -LZMA_PROG_ERROR;
	flags.backward_size = lzma_index_size(e->index);
	if (lzma_stream_footer_encode(&flags, e->bout + pos) != LZMA_OK) return -LZMA_PROG_ERROR;
	e->done = 1;
	e->out_ptr = e->bout;
	return (int32_t)(pos + LZMA_STREAM_HEADER_SIZE);
}

/* Multi-threaded layout, for an early comparison: the current block's output so far, at xz_block_output,
 * xz_block_output_size bytes from its start (0 outside a block, and once it is to be stored uncompressed).
 * Its first xz_block_header_size bytes are room for the header, written when the block ends; the LZMA2 data
 * after them is final as it appears. Single-threaded layout: always 0 (its output streams from xz_pump). */
const uint8_t *xz_block_output(xz_enc *e) { return e->bout; }
uint32_t xz_block_output_size(xz_enc *e) { return e->mt && e->in_block && !e->overflow ? (uint32_t)e->bout_len : 0; }
uint32_t xz_block_header_size(xz_enc *e) { return e->mt && e->in_block ? e->block.header_size : 0; }

/* Multi-threaded layout: whether the current block's input is still kept (0 outside a block; for tests). */
int xz_block_input_kept(xz_enc *e) { return e->mt && e->in_block && e->keep_input; }

/* Returns how many bytes it left at xz_output (call again until 0), or a negated lzma_ret on error. */
int32_t xz_pump(xz_enc *e)
{
	return e->mt ? mt_pump(e) : st_pump(e);
}
