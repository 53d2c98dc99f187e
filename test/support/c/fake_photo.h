/*
 * Shared by the fake vendor libraries the native tests compile. NOT a WLT decoder: the real
 * algorithm is proprietary. It derives a deterministic 102x126 picture from the 1024 input bytes
 * so a test can recompute the expected pixels and prove the output came from *this* input.
 * Pixel (x, row): R = wlt[(row*102 + x) % 1024], G = 2x, B = 2row, rows in BMP (bottom-up) order.
 */
#ifndef FAKE_PHOTO_H
#define FAKE_PHOTO_H
#include <string.h>

#define FAKE_W 102
#define FAKE_H 126
#define FAKE_ROW 308
#define FAKE_BMP_SIZE (54 + FAKE_ROW * FAKE_H)

/* Raw output as `unpack` style libraries write it: R,G,B per pixel, no row padding. */
static inline void fake_raw_rgb(const unsigned char *wlt, unsigned char *out) {
  for (int row = 0; row < FAKE_H; row++)
    for (int x = 0; x < FAKE_W; x++) {
      unsigned char *p = out + (row * FAKE_W + x) * 3;
      p[0] = wlt[(row * FAKE_W + x) % 1024];
      p[1] = (unsigned char)(x * 2);
      p[2] = (unsigned char)(row * 2);
    }
}

static inline void put32(unsigned char *p, unsigned v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* A full 24-bit BMP (B,G,R, rows padded to 308) of the same picture, for WltToBmp-style ABIs. */
static inline int fake_bmp(const unsigned char *wlt, unsigned char *out, int width, int height) {
  int row_size = ((width * 3 + 3) / 4) * 4;
  int size = 54 + row_size * height;
  memset(out, 0, size);
  out[0] = 'B'; out[1] = 'M';
  put32(out + 2, size); put32(out + 10, 54); put32(out + 14, 40);
  put32(out + 18, width); put32(out + 22, height);
  out[26] = 1; out[28] = 24;
  put32(out + 34, row_size * height);
  for (int row = 0; row < height; row++)
    for (int x = 0; x < width; x++) {
      unsigned char *p = out + 54 + row * row_size + x * 3;
      p[0] = (unsigned char)(row * 2);
      p[1] = (unsigned char)(x * 2);
      p[2] = wlt[(row * width + x) % 1024];
    }
  return size;
}

static inline int looks_like_wlt(const unsigned char *wlt) { return wlt[0] == 'W' && wlt[1] == 'L'; }
#endif
