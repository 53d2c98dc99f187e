/* A decoder with the libwlt2bmp.so `unpack` ABI: raw RGB out, 1 = OK, 0 = bmpSave vendor code wrong. */
#include "fake_photo.h"
#define VENDOR_CODE 602

int unpack(char *src, char *dst, int bmpSave) {
  if (bmpSave != VENDOR_CODE) return 0;
  fake_raw_rgb((const unsigned char *)src, (unsigned char *)dst);
  return 1;
}
