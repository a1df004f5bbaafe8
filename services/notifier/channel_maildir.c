/* channel_maildir: a notice as <dir>/<key>.eml, written whole or not at all, never
 * twice (see channel.h). */
#include "channel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_uint channel_maildir_seq;

static enum delivery_net channel_maildir_net(int err)
{
	switch (err) {
	/* what an operator must fix: retrying changes nothing */
	case EACCES:
	case EPERM:
	case ENOENT:
	case ENOTDIR:
	case EROFS:
	case ENAMETOOLONG:
	case ELOOP:
	case EISDIR:
		return DELIVERY_NET_LOCAL_PERMANENT;
	/* disk full, quota, I/O errors, out of descriptors: may pass */
	default:
		return DELIVERY_NET_LOCAL_TRANSIENT;
	}
}

static int channel_maildir_fail(struct delivery_result *res, const char *doing, const char *path,
				int err, struct status *st)
{
	char reply[DELIVERY_REPLY_MAX];
	snprintf(reply, sizeof reply, "%s %.300s: %s", doing, path, strerror(err));
	delivery_result_set(res, DELIVERY_PROTO_FILE, channel_maildir_net(err), 0, reply);
	return channel_result_status(res, "maildir", st);
}

static int channel_maildir_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Moves tmp to path unless path exists: rename without replacing where the file system
 * can (one step), else link and unlink (the classic maildir way, also atomic). Returns 0,
 * or -1 with errno, EEXIST meaning the letter was there already. */
static int channel_maildir_place(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

int channel_maildir_send(const struct channel_config *cfg, const struct channel_item *item,
			 struct delivery_result *res, struct status *st)
{
	const char *dir = cfg->target;
	size_t klen = item->key ? strlen(item->key) : 0;
	bool hex = klen > 0 && klen <= 128;
	for (size_t i = 0; hex && i < klen; i++)
		hex = (item->key[i] >= '0' && item->key[i] <= '9') ||
		      (item->key[i] >= 'a' && item->key[i] <= 'f');
	/* the key names the file: anything but hex could climb out of the directory */
	if (!dir || !*dir || !hex) {
		delivery_result_set(res, DELIVERY_PROTO_FILE, DELIVERY_NET_CONFIG, 0,
				    !hex ? "the key is not lower-case hex" : "no mail directory");
		return channel_result_status(res, "maildir", st);
	}

	char path[PATH_MAX], tmp[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/%s.eml", dir, item->key);
	int m = snprintf(tmp, sizeof tmp, "%s/.%s.eml.%ld.%u.tmp", dir, item->key, (long)getpid(),
			 atomic_fetch_add(&channel_maildir_seq, 1));
	if (n < 0 || (size_t)n >= sizeof path || m < 0 || (size_t)m >= sizeof tmp)
		return channel_maildir_fail(res, "naming", dir, ENAMETOOLONG, st);

	struct stat sb;
	if (stat(path, &sb) == 0) {
		delivery_result_set(res, DELIVERY_PROTO_FILE, DELIVERY_NET_DONE, 0,
				    "already delivered");
		res->duplicate = true;
		return channel_result_status(res, "maildir", st);
	}

	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return channel_maildir_fail(res, "creating", tmp, errno, st);
	if (channel_maildir_write_all(fd, item->data, item->len) != 0 || fsync(fd) != 0) {
		int err = errno;
		close(fd);
		unlink(tmp);
		return channel_maildir_fail(res, "writing", tmp, err, st);
	}
	if (close(fd) != 0) {
		int err = errno;
		unlink(tmp);
		return channel_maildir_fail(res, "closing", tmp, err, st);
	}
	if (channel_maildir_place(tmp, path) != 0) {
		int err = errno;
		unlink(tmp);
		if (err != EEXIST)
			return channel_maildir_fail(res, "placing", path, err, st);
		/* another sender won the race with the same key: the letter is there once */
		delivery_result_set(res, DELIVERY_PROTO_FILE, DELIVERY_NET_DONE, 0,
				    "already delivered");
		res->duplicate = true;
		return channel_result_status(res, "maildir", st);
	}
	/* the name must survive a crash too; if this fsync fails the file is still in place
	 * and a retry finds it, so it is not an error worth a second letter */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	char reply[DELIVERY_REPLY_MAX];
	snprintf(reply, sizeof reply, "written %.400s", path);
	delivery_result_set(res, DELIVERY_PROTO_FILE, DELIVERY_NET_DONE, 0, reply);
	return channel_result_status(res, "maildir", st);
}

/* ---- stale temporary files ---- */

/* Digits only, at least one; the number they make in *out. */
static const char *channel_maildir_digits(const char *p, long *out)
{
	const char *start = p;
	long v = 0;
	while (*p >= '0' && *p <= '9' && p - start < 10)
		v = v * 10 + (*p++ - '0');
	if (p == start || (*p >= '0' && *p <= '9'))
		return NULL;
	*out = v;
	return p;
}

bool channel_maildir_is_temp(const char *name, long *pid)
{
	/* ".<key>.eml.<pid>.<n>.tmp", the key lower-case hex of 1 to 128 characters */
	if (name[0] != '.')
		return false;
	const char *p = name + 1;
	size_t klen = 0;
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++, klen++;
	if (klen == 0 || klen > 128 || strncmp(p, ".eml.", 5) != 0)
		return false;
	long seq;
	if (!(p = channel_maildir_digits(p + 5, pid)) || *p++ != '.' ||
	    !(p = channel_maildir_digits(p, &seq)))
		return false;
	return strcmp(p, ".tmp") == 0;
}

int channel_maildir_clean(const char *dir, long long before_ms, size_t *removed,
			  struct status *st)
{
	*removed = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;   /* nothing written yet, nothing left over */
		return status_fail(st, STATUS_FAILED_PRECONDITION, "cannot read %s: %s", dir,
				   strerror(errno));
	}
	long self = (long)getpid();
	for (struct dirent *e; (e = readdir(d));) {
		long pid;
		if (!channel_maildir_is_temp(e->d_name, &pid))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
			continue;
		long long mtime_ms = (long long)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
		if (mtime_ms >= before_ms)
			continue;
		/* another notifier sharing the directory may be writing it now; a file of this
		 * process's own id is a previous run's (a container's notifier is often pid 1) */
		if (pid != self && pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			(*removed)++;
	}
	closedir(d);
	return 0;
}
