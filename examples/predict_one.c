/* How long will a conv-bn-relu (batch 8, 64 -> 64 channels, 56x56, 3x3) take?
 * build: cc predict_one.c $(pkg-config --cflags --libs modlat) -o predict_one
 * run:   ./predict_one data/paper/static/selection.h5 */
#include <stdio.h>

#include <modlat.h>

int main(int argc, char **argv)
{
	char err[MODLAT_ERR_LEN];
	struct modlat_predictor *p;
	struct modlat_module m;
	struct modlat_result r;

	if (argc != 2) {
		fprintf(stderr, "usage: predict_one SELECTION|MODEL\n");
		return 2;
	}
	if (!(p = modlat_open(argv[1], err))) { /* once: loads every module's model */
		fprintf(stderr, "predict_one: %s\n", err);
		return 1;
	}
	modlat_module_init(&m);
	m.name = "conv-bn-relu";
	m.batch = 8, m.cin = 64, m.cout = 64, m.hw = 56, m.kernel = 3, m.stride = 1;
	m.mem_avail = 24e9, m.util = 0.0, m.flags = MODLAT_STATE_GIVEN; /* else: read live */
	/* thread-safe, allocates nothing: call it from any thread, as often as needed */
	if (modlat_predict_ex(p, &m, &r, err) < 0) {
		fprintf(stderr, "predict_one: %s\n", err);
		modlat_close(p);
		return 1;
	}
	printf("%.6g ms%s\n", r.latency_ms, r.flags & MODLAT_OUT_OF_RANGE ? " (out of range)" : "");
	modlat_close(p);
	return 0;
}
