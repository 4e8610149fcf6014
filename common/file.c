/* SPDX-License-Identifier: Apache-2.0 */
/* file.c: see file.h. */
#define _DEFAULT_SOURCE /* mkstemp, fchmod */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file.h"
#include "common/banned.h"

static int fail(const char *path, const char *what, int err)
{
    gf_error_set(GF_ERROR, "cannot %s: %s", what, strerror(err));
    gf_error_where("%s", path);
    return GF_ERROR;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int gf_file_write_atomic(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    struct stat st;
    mode_t mode = 0644;
    int fd, err;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
        return fail(path, "write (path too long)", ENAMETOOLONG);
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    fd = mkstemp(tmp);
    if (fd < 0)
        return fail(path, "create a temporary file beside it", errno);
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        err = errno;
        close(fd);
        unlink(tmp);
        return fail(path, "write", err);
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        err = errno;
        unlink(tmp);
        return fail(path, "replace", err);
    }
    sync_dir(path);
    return 0;
}
