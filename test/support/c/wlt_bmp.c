/* Decoders that return a whole BMP, one exported function per vendor ABI, plus two broken ones. */
#include <stdio.h>
#include <stdlib.h>
#include "fake_photo.h"

/* libtermbhf / MIPS: int WltToBmp(char *wlt, char *bmp) -> 1 OK */
int WltToBmp(char *wlt, char *bmp) {
  if (!looks_like_wlt((unsigned char *)wlt)) return 0;
  fake_bmp((unsigned char *)wlt, (unsigned char *)bmp, FAKE_W, FAKE_H);
  return 1;
}

/* libwlt2bmp-x86-32: int Unpack(char *in, char *out, int bufsize) -> bytes written */
int Unpack(char *in, char *out, int bufsize) {
  if (bufsize <= FAKE_BMP_SIZE) return -2; /* the real one crashes; we just refuse */
  return fake_bmp((unsigned char *)in, (unsigned char *)out, FAKE_W, FAKE_H);
}

/* WltRS style: int GetBmp(char *wltPath, int intf) -> 1 OK; writes <name>.bmp next to <name>.wlt */
int GetBmp(char *path, int intf) {
  unsigned char wlt[1024], bmp[FAKE_BMP_SIZE];
  char out[4096];
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t n = fread(wlt, 1, sizeof wlt, f);
  fclose(f);
  if (n != sizeof wlt || intf != 1) return -3;
  fake_bmp(wlt, bmp, FAKE_W, FAKE_H);
  snprintf(out, sizeof out, "%s", path);
  char *dot = strrchr(out, '.');
  if (!dot) return -4;
  strcpy(dot, ".bmp");
  f = fopen(out, "wb");
  if (!f) return -4;
  fwrite(bmp, 1, sizeof bmp, f);
  fclose(f);
  return 1;
}

/* Broken: reports success with a 100x100 picture (a library for some other card or reader). */
int WltToBmpWrongSize(char *wlt, char *bmp) {
  fake_bmp((unsigned char *)wlt, (unsigned char *)bmp, 100, 100);
  return 1;
}

/* Broken: reports success and writes nothing. */
int WltToBmpNothing(char *wlt, char *bmp) { (void)wlt; (void)bmp; return 1; }
