/* SPDX-License-Identifier: Apache-2.0 */
/* file.h: writing a file so that a reader (or a crash) sees either the old content or the new,
 * never half of it: write a temporary file beside it, fsync, rename over, fsync the folder. */
#ifndef GF_FILE_H
#define GF_FILE_H

#include <stddef.h>

/* Replace `path` with `len` bytes of `data` atomically, keeping the old file's permissions
 * (0644 for a new one). Returns 0, or GF_ERROR with where = path and the system's reason.
 * Blocks on file I/O. */
int gf_file_write_atomic(const char *path, const void *data, size_t len);

#endif
