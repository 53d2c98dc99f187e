/*
 * A decoder that crashes the way vendor code does: on malformed input `unpack` dereferences
 * NULL (SIGSEGV); on good input it decodes. `abort_now` aborts, `hang` never returns.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "fake_photo.h"

int unpack(char *src, char *dst, int bmpSave) {
  (void)bmpSave;
  if (!looks_like_wlt((unsigned char *)src)) {
    volatile int *nowhere = NULL;
    *nowhere = 42;
    raise(SIGSEGV); /* in case the store above was optimised into something survivable */
  }
  fake_raw_rgb((const unsigned char *)src, (unsigned char *)dst);
  return 1;
}

int abort_now(char *wlt, char *bmp) { (void)wlt; (void)bmp; abort(); }

int hang(char *wlt, char *bmp) {
  (void)wlt; (void)bmp;
  for (;;) sleep(1);
}
