package io.llmtestbench.runtime.internal.wasi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * How a guest path is turned into something on the host without ever leaving a granted directory.
 *
 * <p>Every directory the guest holds is an open directory descriptor ({@link SecureDirectoryStream}: on
 * Linux and macOS an fd used with {@code openat}, {@code fstatat}, {@code unlinkat}, {@code renameat}). A
 * guest path is walked one component at a time from the descriptor it is relative to: each intermediate
 * directory is opened with {@code O_NOFOLLOW} from the one before, so what is opened is exactly what was
 * checked — a component swapped for a symbolic link after the check makes the open fail instead of
 * following it (no time-of-check/time-of-use gap). {@code ..} pops the walk's own stack of open
 * directories and is refused when it would leave the descriptor the path is relative to (the rule of
 * WASI's capability model: a directory fd grants what is below it, nothing above). Symbolic links are
 * followed by the host, not the kernel: the link's text is read and spliced into the walk, so a relative
 * link is resolved under the same rules and an absolute one is refused. The last component is then
 * operated on relative to its open parent, with {@code O_NOFOLLOW} where a file is opened.
 *
 * <p>Java has no {@code mkdirat}, {@code symlinkat}, {@code linkat} or {@code readlinkat}; those four use
 * the parent's host path. They run under {@link #NAMESPACE} after checking that the path still names the
 * very directory the descriptor is open on, and every guest operation that could make such a path lead
 * elsewhere (rename, symlink creation) holds the same lock exclusively. Guests therefore cannot race
 * them; a host process that rearranges a granted directory concurrently can (documented).
 */
final class Sandbox {
    private Sandbox() {}

    /** Guards path-based operations against guest renames and symlink creation (JVM-wide: grants may overlap). */
    static final ReentrantReadWriteLock NAMESPACE = new ReentrantReadWriteLock();
    static final int MAX_SYMLINKS = 40;
    static final int MAX_PATH_BYTES = 4096;
    static final int MAX_DEPTH = 64;

    /** A granted directory as resolved when the instance was created. */
    record Grant(String guestPath, Path root, boolean readOnly) {}

    /** An open directory: its descriptor, the host path it was opened at, and the grant it belongs to. */
    static final class DirRef implements Closeable {
        final SecureDirectoryStream<Path> sds;
        final Path hostPath;
        final Grant grant;
        private boolean closed;

        DirRef(SecureDirectoryStream<Path> sds, Path hostPath, Grant grant) {
            this.sds = sds;
            this.hostPath = hostPath;
            this.grant = grant;
        }

        /** Opens the root of a grant. */
        static DirRef openRoot(Grant grant) throws IOException {
            DirectoryStream<Path> ds = Files.newDirectoryStream(grant.root());
            if (!(ds instanceof SecureDirectoryStream)) {
                ds.close();
                throw new IOException("this platform has no SecureDirectoryStream (openat); WASI file access cannot be "
                        + "confined to a granted directory here");
            }
            @SuppressWarnings("unchecked")
            SecureDirectoryStream<Path> sds = (SecureDirectoryStream<Path>) ds;
            return new DirRef(sds, grant.root(), grant);
        }

        /** Opens the child directory {@code name} (one component), never following a symbolic link. */
        DirRef openChild(String name) throws WasiError {
            try {
                return new DirRef(sds.newDirectoryStream(component(name), LinkOption.NOFOLLOW_LINKS), hostPath.resolve(name), grant);
            } catch (IOException e) {
                throw WasiError.of(e);
            }
        }

        /** A second descriptor on this directory. */
        DirRef reopen() throws WasiError {
            try {
                return new DirRef(sds.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS), hostPath, grant);
            } catch (IOException e) {
                throw WasiError.of(e);
            }
        }

        /** {@code fstatat(name, AT_SYMLINK_NOFOLLOW)}, or null when nothing has that name. */
        BasicFileAttributes lstat(String name) throws WasiError {
            try {
                return sds.getFileAttributeView(component(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw WasiError.of(e);
            }
        }

        /** {@code fstat} of this directory. */
        BasicFileAttributes stat() throws WasiError {
            try {
                return sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
            } catch (IOException e) {
                throw WasiError.of(e);
            }
        }

        /** The view of {@code name} in this directory (null: the directory itself), never following a link. */
        BasicFileAttributeView view(String name) throws WasiError {
            return name == null ? sds.getFileAttributeView(BasicFileAttributeView.class)
                    : sds.getFileAttributeView(component(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    sds.close();
                } catch (IOException | RuntimeException e) {
                    // nothing to do
                }
            }
        }
    }

    /** One path component as a Path (never contains '/', never "." or ".."). */
    static Path component(String name) throws WasiError {
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw new WasiError(Wasi.EILSEQ, "file name not representable on this host: " + e.getMessage());
        }
    }

    /**
     * Where a guest path leads: the open directory {@code dir} that holds the last component {@code name};
     * {@code name} is null when the path names {@code dir} itself ({@code "."}, {@code "a/.."}). Closing it
     * closes the directories the walk opened.
     */
    static final class Target implements Closeable {
        final DirRef dir;
        final String name;
        /** The path ended in '/' (or "/."): the last component must be a directory. */
        final boolean mustBeDir;
        private final List<DirRef> opened;

        Target(DirRef dir, String name, boolean mustBeDir, List<DirRef> opened) {
            this.dir = dir;
            this.name = name;
            this.mustBeDir = mustBeDir;
            this.opened = opened;
        }

        /** A descriptor on {@link #dir} that the caller keeps (and closes): the walk's own one, or a new one. */
        DirRef keepDir() throws WasiError {
            if (opened.remove(dir)) {
                return dir;
            }
            return dir.reopen();
        }

        @Override
        public void close() {
            for (DirRef d : opened) {
                d.close();
            }
            opened.clear();
        }
    }

    /**
     * Walks {@code path} from {@code base} as described in the class comment.
     *
     * @param followLast follow a symbolic link in the last component (WASI's {@code SYMLINK_FOLLOW})
     */
    static Target resolve(DirRef base, String path, boolean followLast) throws WasiError {
        if (path.isEmpty()) {
            throw new WasiError(Wasi.ENOENT, "empty path");
        }
        if (path.indexOf('\0') >= 0) {
            throw new WasiError(Wasi.EINVAL, "path contains NUL");
        }
        if (path.startsWith("/")) {
            throw WasiError.refused(Wasi.EPERM, path, "an absolute path given relative to the granted directory "
                    + guestPath(base, ""));
        }
        Deque<String> queue = new ArrayDeque<>(components(path));
        boolean mustBeDir = path.endsWith("/") || path.endsWith("/.") || path.equals(".");
        List<DirRef> opened = new ArrayList<>();
        Deque<DirRef> stack = new ArrayDeque<>();
        stack.push(base);
        int links = 0;
        boolean ok = false;
        try {
            while (!queue.isEmpty()) {
                String c = queue.pollFirst();
                boolean last = queue.isEmpty();
                if (c.equals("..")) {
                    if (stack.size() == 1) {
                        throw WasiError.refused(Wasi.EPERM, guestPath(base, path), "'..' leads out of "
                                + (base.hostPath.equals(base.grant.root()) ? "the granted directory " : "the directory ")
                                + guestPath(base, ""));
                    }
                    DirRef popped = stack.pop();
                    opened.remove(popped);
                    popped.close();
                    continue;
                }
                DirRef top = stack.peek();
                if (last && !followLast && !mustBeDir) {
                    ok = true;
                    return new Target(top, c, false, opened);
                }
                BasicFileAttributes a = top.lstat(c);
                if (a == null) {
                    if (last) {
                        ok = true;
                        return new Target(top, c, mustBeDir, opened);
                    }
                    throw new WasiError(Wasi.ENOENT, "no " + c);
                }
                if (a.isSymbolicLink()) {
                    if (++links > MAX_SYMLINKS) {
                        throw new WasiError(Wasi.ELOOP, "too many symbolic links");
                    }
                    String text = readLink(top, c);
                    if (text.isEmpty()) {
                        throw new WasiError(Wasi.ENOENT, "empty symbolic link");
                    }
                    if (text.startsWith("/")) {
                        throw WasiError.refused(Wasi.EPERM, guestPath(base, path), "it goes through the symbolic link " + c
                                + " to the absolute path " + text + ", which is not followed");
                    }
                    List<String> parts = components(text);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        queue.addFirst(parts.get(i));
                    }
                    continue;
                }
                if (last) {
                    ok = true;
                    return new Target(top, c, mustBeDir, opened);
                }
                if (!a.isDirectory()) {
                    throw new WasiError(Wasi.ENOTDIR, c + " is not a directory");
                }
                if (stack.size() > MAX_DEPTH) {
                    throw new WasiError(Wasi.ENAMETOOLONG, "too deep");
                }
                DirRef child = top.openChild(c);
                opened.add(child);
                stack.push(child);
            }
            ok = true;
            return new Target(stack.peek(), null, true, opened);
        } finally {
            if (!ok) {
                for (DirRef d : opened) {
                    d.close();
                }
            }
        }
    }

    /** Where the guest sees {@code path} relative to {@code dir}: the grant's guest path, then the rest. */
    static String guestPath(DirRef dir, String path) {
        StringBuilder sb = new StringBuilder(dir.grant.guestPath());
        String below = dir.grant.root().relativize(dir.hostPath).toString().replace('\\', '/');
        for (String part : new String[] {below, path}) {
            if (!part.isEmpty()) {
                if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '/') {
                    sb.append('/');
                }
                sb.append(part);
            }
        }
        return sb.toString();
    }

    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }

    /** The text of the symbolic link {@code name} in {@code dir} (path-based, checked; see the class comment). */
    static String readLink(DirRef dir, String name) throws WasiError {
        return underLock(false, () -> {
            verify(dir);
            return Files.readSymbolicLink(dir.hostPath.resolve(component(name))).toString();
        });
    }

    /** Checks that {@code dir.hostPath} still names the directory {@code dir} is open on. Call under the lock. */
    static void verify(DirRef dir) throws IOException, WasiError {
        Object open = dir.sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(dir.hostPath, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new WasiError(Wasi.ENOENT, "directory was moved or removed");
        }
        if (open == null || !open.equals(now.fileKey())) {
            throw new WasiError(Wasi.ENOENT, "directory was moved or replaced");
        }
    }

    @FunctionalInterface
    interface PathOp<T> {
        T run() throws IOException, WasiError;
    }

    /** Runs {@code op} holding {@link #NAMESPACE} (exclusively for operations that may redirect paths). */
    static <T> T underLock(boolean exclusive, PathOp<T> op) throws WasiError {
        Lock lock = exclusive ? NAMESPACE.writeLock() : NAMESPACE.readLock();
        lock.lock();
        try {
            return op.run();
        } catch (IOException e) {
            throw WasiError.of(e);
        } catch (InvalidPathException e) {
            throw new WasiError(Wasi.EILSEQ, e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
