/* A decoder that always fails the way mislicensed vendor libraries do. */
int unpack(char *src, char *dst, int bmpSave) { (void)src; (void)dst; (void)bmpSave; return -1; }
int GetBmp(char *path, int intf) { (void)path; (void)intf; return -5; /* WltRS: not licensed for this reader */ }
