/*
 * A fake sdtapi-style reader SDK (SDT_OpenPort ... SDT_ReadBaseMsg), same C ABI as the vendor's.
 * The "card on the reader" is the file CARD_FILE (a -D define): absent = no card; 1280 bytes =
 * 256 text + 1024 WLT; the text "crash" = segfault during the read; "hang" = never return.
 * Build with -DOMIT_READ to lose SDT_ReadBaseMsg, -DWITH_FP to add SDT_ReadBaseFPMsg.
 * Port 7 never opens (0x01), mimicking a wrong port number.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef CARD_FILE
#error "compile with -DCARD_FILE=\"/path\""
#endif

static int opened = -1;

int SDT_OpenPort(int port) {
  if (port == 7) return 0x01;
  opened = port;
  return 0x90;
}

int SDT_ClosePort(int port) {
  if (port != opened) return 0x01;
  opened = -1;
  return 0x90;
}

static long card_size(unsigned char *buf, long cap) {
  FILE *f = fopen(CARD_FILE, "rb");
  if (!f) return -1;
  long n = (long)fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

int SDT_StartFindIDCard(int port, unsigned char *mana, int ifOpen) {
  unsigned char buf[2048];
  (void)ifOpen;
  if (port != opened) return 0x02;
  if (card_size(buf, sizeof buf) < 0) return 0x80;
  memset(mana, 0, 4);
  return 0x9f;
}

int SDT_SelectIDCard(int port, unsigned char *mana, int ifOpen) {
  unsigned char buf[2048];
  (void)ifOpen;
  if (port != opened) return 0x02;
  if (card_size(buf, sizeof buf) < 0) return 0x81;
  memset(mana, 0x11, 8);
  return 0x90;
}

static int read_common(int port, unsigned char *ch, unsigned *chLen, unsigned char *ph, unsigned *phLen) {
  unsigned char buf[2048];
  if (port != opened) return 0x02;
  long n = card_size(buf, sizeof buf);
  if (n < 0) return 0x41;
  if (n >= 5 && memcmp(buf, "crash", 5) == 0) {
    volatile unsigned char *nowhere = NULL;
    *nowhere = 1;
  }
  if (n >= 4 && memcmp(buf, "hang", 4) == 0) for (;;) sleep(1);
  if (n != 1280) return 0x41;
  memcpy(ch, buf, 256);
  *chLen = 256;
  memcpy(ph, buf + 256, 1024);
  *phLen = 1024;
  return 0x90;
}

#ifndef OMIT_READ
int SDT_ReadBaseMsg(int port, unsigned char *ch, unsigned *chLen, unsigned char *ph, unsigned *phLen, int ifOpen) {
  (void)ifOpen;
  return read_common(port, ch, chLen, ph, phLen);
}
#endif

#ifdef WITH_FP
int SDT_ReadBaseFPMsg(int port, unsigned char *ch, unsigned *chLen, unsigned char *ph, unsigned *phLen,
                      unsigned char *fp, unsigned *fpLen, int ifOpen) {
  (void)ifOpen;
  int rc = read_common(port, ch, chLen, ph, phLen);
  if (rc != 0x90) return rc;
  for (int i = 0; i < 1024; i++) fp[i] = (unsigned char)(i ^ 0x5a);
  *fpLen = 1024;
  return 0x90;
}
#endif
