package io.llmtestbench.runtime.internal.wasi;

/** WASI preview 1 constants (errno values, rights, flags, file types) used by the host's implementation. */
final class Wasi {
    private Wasi() {}

    // errno (the values wasi-libc's errno takes)
    static final int ESUCCESS = 0;
    static final int EACCES = 2;
    static final int EBADF = 8;
    static final int EBUSY = 10;
    static final int EDQUOT = 19;
    static final int EEXIST = 20;
    static final int EFBIG = 22;
    static final int EILSEQ = 25;
    static final int EINVAL = 28;
    static final int EIO = 29;
    static final int EISDIR = 31;
    static final int ELOOP = 32;
    static final int EMFILE = 33;
    static final int EMLINK = 34;
    static final int ENAMETOOLONG = 37;
    static final int ENOENT = 44;
    static final int ENOSPC = 51;
    static final int ENOTDIR = 54;
    static final int ENOTEMPTY = 55;
    static final int ENOTSOCK = 57;
    static final int ENOTSUP = 58;
    static final int EPERM = 63;
    static final int EROFS = 69;
    static final int ESPIPE = 70;
    static final int EXDEV = 75;
    static final int ENOTCAPABLE = 76;

    // rights
    static final long RIGHT_FD_DATASYNC = 1L;
    static final long RIGHT_FD_READ = 1L << 1;
    static final long RIGHT_FD_SEEK = 1L << 2;
    static final long RIGHT_FD_FDSTAT_SET_FLAGS = 1L << 3;
    static final long RIGHT_FD_SYNC = 1L << 4;
    static final long RIGHT_FD_TELL = 1L << 5;
    static final long RIGHT_FD_WRITE = 1L << 6;
    static final long RIGHT_FD_ADVISE = 1L << 7;
    static final long RIGHT_FD_ALLOCATE = 1L << 8;
    static final long RIGHT_FD_READDIR = 1L << 14;
    static final long RIGHT_FD_FILESTAT_GET = 1L << 21;
    static final long RIGHT_FD_FILESTAT_SET_SIZE = 1L << 22;
    static final long RIGHT_FD_FILESTAT_SET_TIMES = 1L << 23;
    static final long RIGHT_POLL_FD_READWRITE = 1L << 27;
    /** Every right a regular file can have. */
    static final long FILE_RIGHTS = RIGHT_FD_DATASYNC | RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_FDSTAT_SET_FLAGS
            | RIGHT_FD_SYNC | RIGHT_FD_TELL | RIGHT_FD_WRITE | RIGHT_FD_ADVISE | RIGHT_FD_ALLOCATE
            | RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_POLL_FD_READWRITE;
    /** Every right a directory can have: the fd_* ones above that apply, and all path_* rights (bits 9-20, 24-26). */
    static final long DIRECTORY_RIGHTS = RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_ADVISE
            | (1L << 9) | (1L << 10) | (1L << 11) | (1L << 12) | (1L << 13) | RIGHT_FD_READDIR | (1L << 15) | (1L << 16)
            | (1L << 17) | (1L << 18) | (1L << 19) | (1L << 20) | RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_TIMES
            | (1L << 24) | (1L << 25) | (1L << 26);
    /** The rights whose request means "open for writing". */
    static final long WRITE_RIGHTS = RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;

    // lookupflags, oflags, fdflags, fstflags, whence
    static final int LOOKUP_SYMLINK_FOLLOW = 1;
    static final int O_CREAT = 1;
    static final int O_DIRECTORY = 2;
    static final int O_EXCL = 4;
    static final int O_TRUNC = 8;
    static final int FDFLAG_APPEND = 1;
    static final int FDFLAG_DSYNC = 2;
    static final int FDFLAG_SYNC = 16;
    static final int FST_ATIM = 1;
    static final int FST_ATIM_NOW = 2;
    static final int FST_MTIM = 4;
    static final int FST_MTIM_NOW = 8;
    static final int WHENCE_SET = 0;
    static final int WHENCE_CUR = 1;
    static final int WHENCE_END = 2;

    // filetype
    static final int FILETYPE_UNKNOWN = 0;
    static final int FILETYPE_CHARACTER_DEVICE = 2;
    static final int FILETYPE_DIRECTORY = 3;
    static final int FILETYPE_REGULAR_FILE = 4;
    static final int FILETYPE_SYMBOLIC_LINK = 7;

    // clocks and events
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int EVENTTYPE_CLOCK = 0;
    static final int EVENTTYPE_FD_READ = 1;
    static final int EVENTTYPE_FD_WRITE = 2;
    static final int SUBCLOCK_ABSTIME = 1;
}
