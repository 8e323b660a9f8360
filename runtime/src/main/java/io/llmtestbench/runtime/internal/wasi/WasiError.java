package io.llmtestbench.runtime.internal.wasi;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/** A WASI call that fails with an errno (returned to the guest, never thrown to it). */
final class WasiError extends Exception {
    private static final long serialVersionUID = 1L;
    final int errno;
    /** The guest path refused for lack of permission (outside every grant), or null: see {@link RefusalWarnings}. */
    final String refusedPath;

    WasiError(int errno, String why) {
        this(errno, why, null);
    }

    private WasiError(int errno, String why, String refusedPath) {
        super(why, null, false, false);
        this.errno = errno;
        this.refusedPath = refusedPath;
    }

    /** {@code guestPath} is outside what the plugin was granted; {@code why} says how. */
    static WasiError refused(int errno, String guestPath, String why) {
        return new WasiError(errno, why, guestPath);
    }

    static WasiError of(IOException e) {
        return new WasiError(errno(e), e.toString());
    }

    /** The errno of a java.nio failure (by exception type, then by the strerror text Java keeps). */
    static int errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Wasi.ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Wasi.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Wasi.ENOTEMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return Wasi.EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return Wasi.ENOTDIR;
        }
        if (e instanceof NotLinkException) {
            return Wasi.EINVAL;
        }
        if (e instanceof FileSystemLoopException) {
            return Wasi.ELOOP;
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return Wasi.EXDEV;
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            String r = ((FileSystemException) e).getReason().toLowerCase(Locale.ROOT);
            if (r.contains("too many levels of symbolic links")) {
                return Wasi.ELOOP;
            }
            if (r.contains("is a directory")) {
                return Wasi.EISDIR;
            }
            if (r.contains("not a directory")) {
                return Wasi.ENOTDIR;
            }
            if (r.contains("cross-device")) {
                return Wasi.EXDEV;
            }
            if (r.contains("read-only file system")) {
                return Wasi.EROFS;
            }
            if (r.contains("no space left")) {
                return Wasi.ENOSPC;
            }
            if (r.contains("quota")) {
                return Wasi.EDQUOT;
            }
            if (r.contains("name too long")) {
                return Wasi.ENAMETOOLONG;
            }
            if (r.contains("not empty")) {
                return Wasi.ENOTEMPTY;
            }
            if (r.contains("file exists")) {
                return Wasi.EEXIST;
            }
            if (r.contains("invalid argument")) {
                return Wasi.EINVAL;
            }
            if (r.contains("busy")) {
                return Wasi.EBUSY;
            }
            if (r.contains("operation not permitted")) {
                return Wasi.EPERM;
            }
            if (r.contains("permission denied")) {
                return Wasi.EACCES;
            }
            if (r.contains("too many links")) {
                return Wasi.EMLINK;
            }
            if (r.contains("file too large")) {
                return Wasi.EFBIG;
            }
            if (r.contains("too many open files")) {
                return Wasi.EMFILE;
            }
            if (r.contains("no such file")) {
                return Wasi.ENOENT;
            }
        }
        return Wasi.EIO;
    }
}
