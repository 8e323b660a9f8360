package io.llmtestbench.runtime.internal.wasi;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
import io.llmtestbench.runtime.internal.wasi.Sandbox.DirRef;
import io.llmtestbench.runtime.internal.wasi.Sandbox.Grant;
import io.llmtestbench.runtime.internal.wasi.Sandbox.Target;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file descriptors of one instance and every WASI preview 1 function that uses them ({@code fd_*},
 * {@code path_*}, {@code poll_oneoff}, {@code sock_*}). Paths go through {@link Sandbox}; read-only grants
 * refuse every write with {@code EROFS}. Each call is charged {@link CostModel#hostCallCost} (a fixed cost plus the
 * bytes it copies), like the {@code env} host functions. Used by one thread at a time.
 */
final class WasiFiles {
    /** Most descriptors (including stdio and preopens) one instance may hold. */
    static final int MAX_DESCRIPTORS = 64;
    private static final int CHUNK = 64 * 1024;
    private static final long MAX_SLEEP_NANOS = TimeUnit.DAYS.toNanos(365);
    private static final Pattern FILE_KEY = Pattern.compile("dev=([0-9a-fA-F]+),ino=([0-9]+)");

    private abstract static class Desc {}

    private static final class Stdin extends Desc {}

    private static final class Out extends Desc {
        final GuestOutput out;

        Out(GuestOutput out) {
            this.out = out;
        }
    }

    private static final class Dir extends Desc {
        final DirRef ref;
        final byte[] preopenName;
        final long rightsInheriting;

        Dir(DirRef ref, byte[] preopenName, long rightsInheriting) {
            this.ref = ref;
            this.preopenName = preopenName;
            this.rightsInheriting = rightsInheriting;
        }
    }

    /**
     * The catch-all preopen {@code "/"}, after the grants: it holds nothing and refuses every path, but it makes
     * wasi-libc (and Rust's std, which uses it) hand the host the paths that match no grant, which it would
     * otherwise refuse inside the guest without a host call, so the operator gets a warning naming the path
     * ({@link RefusalWarnings}). The guest sees the same errno as without it, {@code ENOTCAPABLE}. Not added when
     * a grant is at {@code "/"} itself.
     */
    private static final class Ungranted extends Desc {}

    private static final byte[] ROOT = {'/'};

    private static final class File extends Desc {
        final FileChannel channel;
        final DirRef parent;
        final String name;
        final long rights;
        final int fdflags;

        File(FileChannel channel, DirRef parent, String name, long rights, int fdflags) {
            this.channel = channel;
            this.parent = parent;
            this.name = name;
            this.rights = rights;
            this.fdflags = fdflags;
        }

        boolean readOnlyGrant() {
            return parent.grant.readOnly();
        }
    }

    private final List<Desc> fds = new ArrayList<>();
    private final RefusalWarnings warnings;
    private final boolean anyGrant;

    WasiFiles(GuestOutput stdout, GuestOutput stderr, List<Grant> grants, RefusalWarnings warnings) throws IOException {
        this.warnings = warnings;
        this.anyGrant = !grants.isEmpty();
        fds.add(new Stdin());
        fds.add(new Out(stdout));
        fds.add(new Out(stderr));
        try {
            for (Grant g : grants) {
                fds.add(new Dir(DirRef.openRoot(g), g.guestPath().getBytes(StandardCharsets.UTF_8), -1L));
            }
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw e;
        }
        if (grants.stream().noneMatch(g -> g.guestPath().equals("/"))) {
            fds.add(new Ungranted());
        }
    }

    /** Closes every descriptor (the instance is retired). Idempotent. */
    synchronized void closeAll() {
        for (int i = 0; i < fds.size(); i++) {
            closeDesc(fds.get(i));
            fds.set(i, null);
        }
    }

    private static void closeDesc(Desc d) {
        if (d instanceof Dir) {
            ((Dir) d).ref.close();
        } else if (d instanceof File) {
            File f = (File) d;
            try {
                f.channel.close();
            } catch (IOException e) {
                // nothing to do
            }
            f.parent.close();
        }
    }

    // ---- the host functions --------------------------------------------------------------------

    @FunctionalInterface
    private interface Call {
        int apply(Instance inst, long[] args) throws WasiError;
    }

    /** The handles of every function implemented here, by WASI name. */
    Map<String, WasmFunctionHandle> handles() {
        Map<String, WasmFunctionHandle> m = new LinkedHashMap<>();
        put(m, "fd_advise", (i, a) -> fdAdvise(i32(a, 0)));
        put(m, "fd_allocate", (i, a) -> fdAllocate(i32(a, 0), a[1], a[2]));
        put(m, "fd_close", (i, a) -> fdClose(i32(a, 0)));
        put(m, "fd_datasync", (i, a) -> fdSync(i32(a, 0), false));
        put(m, "fd_sync", (i, a) -> fdSync(i32(a, 0), true));
        put(m, "fd_fdstat_get", (i, a) -> fdFdstatGet(i.memory(), i32(a, 0), i32(a, 1)));
        put(m, "fd_fdstat_set_flags", (i, a) -> fdFdstatSetFlags(i32(a, 0), i32(a, 1)));
        put(m, "fd_fdstat_set_rights", (i, a) -> {
            desc(i32(a, 0));
            return Wasi.ENOTSUP;
        });
        put(m, "fd_filestat_get", (i, a) -> fdFilestatGet(i.memory(), i32(a, 0), i32(a, 1)));
        put(m, "fd_filestat_set_size", (i, a) -> fdFilestatSetSize(i32(a, 0), a[1]));
        put(m, "fd_filestat_set_times", (i, a) -> fdFilestatSetTimes(i32(a, 0), a[1], a[2], i32(a, 3)));
        put(m, "fd_pread", (i, a) -> fdRead(i, i32(a, 0), i32(a, 1), i32(a, 2), a[3], i32(a, 4)));
        put(m, "fd_read", (i, a) -> fdRead(i, i32(a, 0), i32(a, 1), i32(a, 2), -1, i32(a, 3)));
        put(m, "fd_pwrite", (i, a) -> fdWrite(i, i32(a, 0), i32(a, 1), i32(a, 2), a[3], i32(a, 4)));
        put(m, "fd_write", (i, a) -> fdWrite(i, i32(a, 0), i32(a, 1), i32(a, 2), -1, i32(a, 3)));
        put(m, "fd_prestat_get", (i, a) -> fdPrestatGet(i.memory(), i32(a, 0), i32(a, 1)));
        put(m, "fd_prestat_dir_name", (i, a) -> fdPrestatDirName(i.memory(), i32(a, 0), i32(a, 1), i32(a, 2)));
        put(m, "fd_readdir", (i, a) -> fdReaddir(i, i32(a, 0), i32(a, 1), i32(a, 2), a[3], i32(a, 4)));
        put(m, "fd_renumber", (i, a) -> fdRenumber(i32(a, 0), i32(a, 1)));
        put(m, "fd_seek", (i, a) -> fdSeek(i.memory(), i32(a, 0), a[1], i32(a, 2), i32(a, 3)));
        put(m, "fd_tell", (i, a) -> fdSeek(i.memory(), i32(a, 0), 0, Wasi.WHENCE_CUR, i32(a, 1)));
        put(m, "path_create_directory", (i, a) -> pathCreateDirectory(dir(i, i32(a, 0), a[1], a[2]), path(i, a[1], a[2])));
        put(m, "path_filestat_get", (i, a) -> pathFilestatGet(i.memory(), dir(i, i32(a, 0), a[2], a[3]), i32(a, 1), path(i, a[2], a[3]), i32(a, 4)));
        put(m, "path_filestat_set_times", (i, a) -> pathFilestatSetTimes(dir(i, i32(a, 0), a[2], a[3]), i32(a, 1), path(i, a[2], a[3]),
                a[4], a[5], i32(a, 6)));
        put(m, "path_link", (i, a) -> pathLink(dir(i, i32(a, 0), a[2], a[3]), i32(a, 1), path(i, a[2], a[3]), dir(i, i32(a, 4), a[5], a[6]), path(i, a[5], a[6])));
        put(m, "path_open", (i, a) -> pathOpen(i.memory(), dir(i, i32(a, 0), a[2], a[3]), i32(a, 1), path(i, a[2], a[3]), i32(a, 4), a[5], a[6],
                i32(a, 7), i32(a, 8)));
        put(m, "path_readlink", (i, a) -> pathReadlink(i, dir(i, i32(a, 0), a[1], a[2]), path(i, a[1], a[2]), i32(a, 3), i32(a, 4), i32(a, 5)));
        put(m, "path_remove_directory", (i, a) -> pathRemove(dir(i, i32(a, 0), a[1], a[2]), path(i, a[1], a[2]), true));
        put(m, "path_unlink_file", (i, a) -> pathRemove(dir(i, i32(a, 0), a[1], a[2]), path(i, a[1], a[2]), false));
        put(m, "path_rename", (i, a) -> pathRename(dir(i, i32(a, 0), a[1], a[2]), path(i, a[1], a[2]), dir(i, i32(a, 3), a[4], a[5]), path(i, a[4], a[5])));
        put(m, "path_symlink", (i, a) -> pathSymlink(path(i, a[0], a[1]), dir(i, i32(a, 2), a[3], a[4]), path(i, a[3], a[4])));
        put(m, "poll_oneoff", (i, a) -> pollOneoff(i, i32(a, 0), i32(a, 1), i32(a, 2), i32(a, 3)));
        for (String sock : List.of("sock_accept", "sock_recv", "sock_send", "sock_shutdown")) {
            put(m, sock, (i, a) -> {
                desc(i32(a, 0));
                return Wasi.ENOTSOCK;
            });
        }
        return m;
    }

    private void put(Map<String, WasmFunctionHandle> m, String name, Call call) {
        m.put(name, (inst, args) -> {
            chargeCall(inst, 0);
            int errno;
            try {
                errno = call.apply(inst, args);
            } catch (WasiError e) {
                if (e.refusedPath != null) {
                    warnings.path(name, e.refusedPath, e.getMessage());
                }
                errno = e.errno;
            } catch (java.io.UncheckedIOException e) {
                errno = WasiError.errno(e.getCause());
            } catch (java.nio.file.ClosedDirectoryStreamException e) {
                errno = Wasi.EBADF;
            }
            return new long[] {errno};
        });
    }

    private static int i32(long[] a, int i) {
        return (int) a[i];
    }

    /** Charges the fixed cost of a call, plus {@code bytes} copied. */
    static void chargeCall(Instance inst, long bytes) {
        Budget b = budget(inst);
        if (b != null) {
            b.charge(CostModel.hostCallCost(bytes));
        }
    }

    /** Charges {@code bytes} copied within a call already charged. */
    static void charge(Instance inst, long bytes) {
        Budget b = budget(inst);
        if (b != null && CostModel.hostCopyCost(bytes) > 0) {
            b.charge(CostModel.hostCopyCost(bytes));
        }
    }

    private static Budget budget(Instance inst) {
        Memory m = inst.memory();
        return m instanceof PluginMemory ? ((PluginMemory) m).budget() : null;
    }

    /** Traps (like an out-of-bounds load) when {@code [ptr, ptr+len)} is outside linear memory. */
    static void checkRange(Memory m, long ptr, long len) {
        long start = Integer.toUnsignedLong((int) ptr);
        long size = (long) m.pages() * Memory.PAGE_SIZE;
        if (len < 0 || start + len > size) {
            throw new WasmRuntimeException("WASI call: range [" + start + ", " + (start + len) + ") is outside linear memory of "
                    + size + " bytes");
        }
    }

    private static String path(Instance inst, long ptr, long lenArg) throws WasiError {
        long len = Integer.toUnsignedLong((int) lenArg);
        if (len > Sandbox.MAX_PATH_BYTES) {
            throw new WasiError(Wasi.ENAMETOOLONG, "path too long");
        }
        Memory m = inst.memory();
        checkRange(m, ptr, len);
        charge(inst, len);
        byte[] bytes = m.readBytes((int) ptr, (int) len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WasiError(Wasi.EILSEQ, "path is not UTF-8");
        }
    }

    private Desc desc(int fd) throws WasiError {
        Desc d = fd >= 0 && fd < fds.size() ? fds.get(fd) : null;
        if (d == null) {
            throw new WasiError(Wasi.EBADF, "bad fd " + fd);
        }
        return d;
    }

    /**
     * The directory a path function works in; the catch-all preopen refuses the path ({@code ENOTCAPABLE}) and has
     * it warned about.
     */
    private Dir dir(Instance inst, int fd, long pathPtr, long pathLen) throws WasiError {
        if (desc(fd) instanceof Ungranted) {
            String path = path(inst, pathPtr, pathLen);
            String relative = path.startsWith("/") ? path.substring(1) : path;
            throw WasiError.refused(Wasi.ENOTCAPABLE, relative.isEmpty() || relative.equals(".") ? "/" : "/" + relative,
                    anyGrant ? "outside the plugin's granted directories" : "no directory is granted to the plugin");
        }
        return dir(fd);
    }

    private Dir dir(int fd) throws WasiError {
        Desc d = desc(fd);
        if (!(d instanceof Dir)) {
            throw new WasiError(Wasi.ENOTDIR, "fd " + fd + " is not a directory");
        }
        return (Dir) d;
    }

    private File file(int fd, int stdioErrno, int dirErrno) throws WasiError {
        Desc d = desc(fd);
        if (d instanceof File) {
            return (File) d;
        }
        throw new WasiError(d instanceof Dir ? dirErrno : stdioErrno, "fd " + fd + " is not a file");
    }

    private int allocate(Desc d) throws WasiError {
        for (int i = 0; i < fds.size(); i++) {
            if (fds.get(i) == null) {
                fds.set(i, d);
                return i;
            }
        }
        if (fds.size() >= MAX_DESCRIPTORS) {
            closeDesc(d);
            throw new WasiError(Wasi.EMFILE, "too many open files");
        }
        fds.add(d);
        return fds.size() - 1;
    }

    private static void requireWritable(Grant g) throws WasiError {
        if (g.readOnly()) {
            throw new WasiError(Wasi.EROFS, "read-only grant " + g.guestPath());
        }
    }

    // ---- fd_* ------------------------------------------------------------------------------------

    private int fdAdvise(int fd) throws WasiError {
        file(fd, Wasi.ESPIPE, Wasi.EISDIR);
        return Wasi.ESUCCESS;
    }

    private int fdAllocate(int fd, long offset, long len) throws WasiError {
        File f = file(fd, Wasi.EINVAL, Wasi.EISDIR);
        if (offset < 0 || len <= 0) {
            return Wasi.EINVAL;
        }
        if ((f.rights & Wasi.RIGHT_FD_WRITE) == 0 || f.readOnlyGrant()) {
            return Wasi.EBADF;
        }
        try {
            long size = offset + len;
            if (size > f.channel.size()) {
                f.channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    private int fdClose(int fd) throws WasiError {
        Desc d = desc(fd);
        fds.set(fd, null);
        closeDesc(d);
        return Wasi.ESUCCESS;
    }

    private int fdSync(int fd, boolean metadata) throws WasiError {
        Desc d = desc(fd);
        if (d instanceof Dir) {
            return Wasi.ESUCCESS;
        }
        if (!(d instanceof File)) {
            return Wasi.EINVAL;
        }
        try {
            ((File) d).channel.force(metadata);
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    private int fdFdstatGet(Memory m, int fd, int buf) throws WasiError {
        Desc d = desc(fd);
        checkRange(m, buf, 24);
        int type;
        int flags = 0;
        long base;
        long inheriting = 0;
        if (d instanceof Stdin) {
            type = Wasi.FILETYPE_CHARACTER_DEVICE; // a tty without seek/tell: wasi-libc line-buffers stdout
            base = Wasi.RIGHT_FD_READ | Wasi.RIGHT_POLL_FD_READWRITE;
        } else if (d instanceof Out) {
            type = Wasi.FILETYPE_CHARACTER_DEVICE;
            base = Wasi.RIGHT_FD_WRITE | Wasi.RIGHT_POLL_FD_READWRITE;
        } else if (d instanceof Dir) {
            type = Wasi.FILETYPE_DIRECTORY;
            base = Wasi.DIRECTORY_RIGHTS;
            inheriting = ((Dir) d).rightsInheriting & (Wasi.DIRECTORY_RIGHTS | Wasi.FILE_RIGHTS);
        } else if (d instanceof Ungranted) {
            type = Wasi.FILETYPE_DIRECTORY; // with no rights at all
            base = 0;
        } else {
            File f = (File) d;
            type = Wasi.FILETYPE_REGULAR_FILE;
            base = f.rights;
            flags = f.fdflags;
        }
        m.write(buf, new byte[24]);
        m.writeByte(buf, (byte) type);
        m.writeShort(buf + 2, (short) flags);
        m.writeLong(buf + 8, base);
        m.writeLong(buf + 16, inheriting);
        return Wasi.ESUCCESS;
    }

    private int fdFdstatSetFlags(int fd, int flags) throws WasiError {
        Desc d = desc(fd);
        if (d instanceof Dir) {
            return Wasi.ESUCCESS;
        }
        if (!(d instanceof File)) {
            return Wasi.EINVAL;
        }
        return flags == ((File) d).fdflags ? Wasi.ESUCCESS : Wasi.ENOTSUP;
    }

    private int fdFilestatGet(Memory m, int fd, int buf) throws WasiError {
        Desc d = desc(fd);
        checkRange(m, buf, 64);
        if (d instanceof Ungranted) {
            return Wasi.ENOTCAPABLE;
        }
        if (d instanceof Dir) {
            writeFilestat(m, buf, ((Dir) d).ref.stat(), -1);
            return Wasi.ESUCCESS;
        }
        if (d instanceof File) {
            File f = (File) d;
            long size;
            try {
                size = f.channel.size();
            } catch (IOException e) {
                throw WasiError.of(e);
            }
            BasicFileAttributes a = f.parent.lstat(f.name);
            if (a != null && a.isRegularFile()) {
                writeFilestat(m, buf, a, size);
            } else {
                m.write(buf, new byte[64]);
                m.writeByte(buf + 16, (byte) Wasi.FILETYPE_REGULAR_FILE);
                m.writeLong(buf + 24, 1);
                m.writeLong(buf + 32, size);
            }
            return Wasi.ESUCCESS;
        }
        m.write(buf, new byte[64]);
        m.writeByte(buf + 16, (byte) Wasi.FILETYPE_CHARACTER_DEVICE);
        m.writeLong(buf + 24, 1);
        return Wasi.ESUCCESS;
    }

    private int fdFilestatSetSize(int fd, long size) throws WasiError {
        File f = file(fd, Wasi.EINVAL, Wasi.EISDIR);
        if (size < 0) {
            return Wasi.EINVAL;
        }
        if ((f.rights & Wasi.RIGHT_FD_WRITE) == 0 || f.readOnlyGrant()) {
            return Wasi.EBADF;
        }
        try {
            if (size <= f.channel.size()) {
                f.channel.truncate(size);
            } else {
                f.channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    private int fdFilestatSetTimes(int fd, long atim, long mtim, int fst) throws WasiError {
        Desc d = desc(fd);
        if (d instanceof Dir) {
            requireWritable(((Dir) d).ref.grant);
            return setTimes(((Dir) d).ref, null, atim, mtim, fst);
        }
        if (d instanceof File) {
            File f = (File) d;
            requireWritable(f.parent.grant);
            return setTimes(f.parent, f.name, atim, mtim, fst);
        }
        return Wasi.EINVAL;
    }

    private int fdRead(Instance inst, int fd, int iovs, int iovsLen, long offset, int nreadPtr) throws WasiError {
        Memory m = inst.memory();
        Desc d = desc(fd);
        if (offset != -1 && offset < 0) {
            return Wasi.EINVAL;
        }
        if (d instanceof Stdin) {
            if (offset != -1) {
                return Wasi.ESPIPE;
            }
            checkRange(m, nreadPtr, 4);
            m.writeI32(nreadPtr, 0);
            return Wasi.ESUCCESS;
        }
        if (d instanceof Dir || d instanceof Ungranted) {
            return Wasi.EISDIR;
        }
        if (!(d instanceof File)) {
            return Wasi.EBADF;
        }
        File f = (File) d;
        if ((f.rights & Wasi.RIGHT_FD_READ) == 0) {
            return Wasi.EBADF;
        }
        checkRange(m, iovs, (long) iovsLen * 8);
        checkRange(m, nreadPtr, 4);
        charge(inst, (long) iovsLen * 8); // the iovec array is read too: a million empty iovecs are not free
        long total = 0;
        long position = offset;
        byte[] chunk = null;
        try {
            outer:
            for (int i = 0; i < iovsLen; i++) {
                int base = m.readInt(iovs + i * 8);
                long len = Integer.toUnsignedLong(m.readInt(iovs + i * 8 + 4));
                checkRange(m, base, len);
                long done = 0;
                while (done < len) {
                    int n = (int) Math.min(CHUNK, len - done);
                    if (chunk == null || chunk.length < n) {
                        chunk = new byte[Math.min(CHUNK, Math.max(n, 4096))];
                    }
                    ByteBuffer bb = ByteBuffer.wrap(chunk, 0, n);
                    int r = position >= 0 ? f.channel.read(bb, position) : f.channel.read(bb);
                    if (r <= 0) {
                        break outer;
                    }
                    m.write((int) (base + done), chunk, 0, r);
                    charge(inst, r);
                    done += r;
                    total += r;
                    if (position >= 0) {
                        position += r;
                    }
                    if (r < n) {
                        break outer;
                    }
                }
            }
        } catch (NonReadableChannelException e) {
            return Wasi.EBADF;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
        m.writeI32(nreadPtr, (int) total);
        return Wasi.ESUCCESS;
    }

    private int fdWrite(Instance inst, int fd, int iovs, int iovsLen, long offset, int nwrittenPtr) throws WasiError {
        Memory m = inst.memory();
        Desc d = desc(fd);
        if (offset != -1 && offset < 0) {
            return Wasi.EINVAL;
        }
        if (d instanceof Dir || d instanceof Ungranted) {
            return Wasi.EISDIR;
        }
        if (d instanceof Stdin) {
            return Wasi.EBADF;
        }
        checkRange(m, iovs, (long) iovsLen * 8);
        checkRange(m, nwrittenPtr, 4);
        charge(inst, (long) iovsLen * 8); // the iovec array is read too: a million empty iovecs are not free
        if (d instanceof Out) {
            if (offset != -1) {
                return Wasi.ESPIPE;
            }
            long total = 0;
            for (int i = 0; i < iovsLen; i++) {
                int base = m.readInt(iovs + i * 8);
                long len = Integer.toUnsignedLong(m.readInt(iovs + i * 8 + 4));
                checkRange(m, base, len);
                for (long done = 0; done < len; ) {
                    int n = (int) Math.min(CHUNK, len - done);
                    charge(inst, n);
                    ((Out) d).out.write(m.readBytes((int) (base + done), n), 0, n);
                    done += n;
                }
                total += len;
            }
            m.writeI32(nwrittenPtr, (int) total);
            return Wasi.ESUCCESS;
        }
        File f = (File) d;
        if ((f.rights & Wasi.RIGHT_FD_WRITE) == 0 || f.readOnlyGrant()) {
            return Wasi.EBADF;
        }
        if (offset >= 0 && (f.fdflags & Wasi.FDFLAG_APPEND) != 0) {
            return Wasi.ENOTSUP;
        }
        long total = 0;
        long position = offset;
        try {
            for (int i = 0; i < iovsLen; i++) {
                int base = m.readInt(iovs + i * 8);
                long len = Integer.toUnsignedLong(m.readInt(iovs + i * 8 + 4));
                checkRange(m, base, len);
                long done = 0;
                while (done < len) {
                    int n = (int) Math.min(CHUNK, len - done);
                    byte[] bytes = m.readBytes((int) (base + done), n);
                    charge(inst, n);
                    ByteBuffer bb = ByteBuffer.wrap(bytes);
                    while (bb.hasRemaining()) {
                        int w = position >= 0 ? f.channel.write(bb, position) : f.channel.write(bb);
                        if (position >= 0) {
                            position += w;
                        }
                    }
                    done += n;
                    total += n;
                }
            }
        } catch (NonWritableChannelException e) {
            return Wasi.EBADF;
        } catch (IOException e) {
            if (total == 0) {
                throw WasiError.of(e);
            }
        }
        m.writeI32(nwrittenPtr, (int) total);
        return Wasi.ESUCCESS;
    }

    /** The preopen name of {@code d}, or null when it is not a preopened directory. */
    private static byte[] preopenName(Desc d) {
        return d instanceof Ungranted ? ROOT : d instanceof Dir ? ((Dir) d).preopenName : null;
    }

    private int fdPrestatGet(Memory m, int fd, int buf) throws WasiError {
        byte[] name = preopenName(desc(fd));
        if (name == null) {
            return Wasi.EBADF;
        }
        checkRange(m, buf, 8);
        m.writeI32(buf, 0);
        m.writeI32(buf + 4, name.length);
        return Wasi.ESUCCESS;
    }

    private int fdPrestatDirName(Memory m, int fd, int ptr, int len) throws WasiError {
        byte[] name = preopenName(desc(fd));
        if (name == null) {
            return Wasi.EBADF;
        }
        if (Integer.toUnsignedLong(len) < name.length) {
            return Wasi.ENAMETOOLONG;
        }
        checkRange(m, ptr, name.length);
        m.write(ptr, name);
        return Wasi.ESUCCESS;
    }

    private int fdReaddir(Instance inst, int fd, int buf, int bufLenArg, long cookie, int usedPtr) throws WasiError {
        Memory m = inst.memory();
        Desc d = desc(fd);
        if (d instanceof Ungranted) {
            return Wasi.ENOTCAPABLE;
        }
        if (!(d instanceof Dir)) {
            return Wasi.ENOTDIR;
        }
        if (cookie < 0) {
            return Wasi.EINVAL;
        }
        long bufLen = Integer.toUnsignedLong(bufLenArg);
        checkRange(m, buf, bufLen);
        checkRange(m, usedPtr, 4);
        DirRef dir = ((Dir) d).ref;
        long used = 0;
        long index = 0;
        try (DirRef listing = dir.reopen()) {
            List<String> special = List.of(".", "..");
            var names = new ArrayList<String>(special);
            var it = listing.sds.iterator();
            boolean full = false;
            while (!full) {
                String name;
                if (!names.isEmpty()) {
                    name = names.remove(0);
                } else if (it.hasNext()) {
                    name = it.next().getFileName().toString();
                } else {
                    break;
                }
                index++;
                if (index <= cookie) {
                    continue;
                }
                long ino = 0;
                int type = Wasi.FILETYPE_UNKNOWN;
                if (name.equals(".")) {
                    ino = inode(listing.stat().fileKey());
                    type = Wasi.FILETYPE_DIRECTORY;
                } else if (name.equals("..")) {
                    type = Wasi.FILETYPE_DIRECTORY;
                } else {
                    BasicFileAttributes a = listing.lstat(name);
                    if (a == null) {
                        continue; // removed meanwhile
                    }
                    ino = inode(a.fileKey());
                    type = fileType(a);
                }
                byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
                ByteBuffer entry = ByteBuffer.allocate(24 + nameBytes.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                entry.putLong(0, index);
                entry.putLong(8, ino);
                entry.putInt(16, nameBytes.length);
                entry.put(20, (byte) type);
                entry.position(24);
                entry.put(nameBytes);
                int n = (int) Math.min(entry.capacity(), bufLen - used);
                m.write((int) (buf + used), entry.array(), 0, n);
                charge(inst, n);
                used += n;
                full = used >= bufLen;
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw WasiError.of(e.getCause());
        }
        m.writeI32(usedPtr, (int) used);
        return Wasi.ESUCCESS;
    }

    private int fdRenumber(int from, int to) throws WasiError {
        Desc d = desc(from);
        Desc old = desc(to);
        if (from == to) {
            return Wasi.ESUCCESS;
        }
        closeDesc(old);
        fds.set(to, d);
        fds.set(from, null);
        return Wasi.ESUCCESS;
    }

    private int fdSeek(Memory m, int fd, long offset, int whence, int resultPtr) throws WasiError {
        File f = file(fd, Wasi.ESPIPE, Wasi.EISDIR);
        checkRange(m, resultPtr, 8);
        try {
            long base;
            switch (whence) {
                case Wasi.WHENCE_SET:
                    base = 0;
                    break;
                case Wasi.WHENCE_CUR:
                    base = f.channel.position();
                    break;
                case Wasi.WHENCE_END:
                    base = f.channel.size();
                    break;
                default:
                    return Wasi.EINVAL;
            }
            long target = base + offset;
            if (target < 0) {
                return Wasi.EINVAL;
            }
            f.channel.position(target);
            m.writeLong(resultPtr, target);
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    // ---- path_* ----------------------------------------------------------------------------------

    private int pathOpen(Memory m, Dir base, int lookup, String path, int oflags, long rightsBase, long rightsInheriting,
            int fdflags, int fdPtr) throws WasiError {
        checkRange(m, fdPtr, 4);
        boolean creat = (oflags & Wasi.O_CREAT) != 0;
        boolean excl = (oflags & Wasi.O_EXCL) != 0;
        boolean trunc = (oflags & Wasi.O_TRUNC) != 0;
        boolean directory = (oflags & Wasi.O_DIRECTORY) != 0;
        boolean append = (fdflags & Wasi.FDFLAG_APPEND) != 0;
        boolean wantsWrite = creat || trunc || append || (rightsBase & Wasi.WRITE_RIGHTS) != 0;
        if (wantsWrite) {
            requireWritable(base.ref.grant);
        }
        try (Target t = Sandbox.resolve(base.ref, path, (lookup & Wasi.LOOKUP_SYMLINK_FOLLOW) != 0)) {
            BasicFileAttributes a = t.name == null ? t.dir.stat() : t.dir.lstat(t.name);
            if (a != null && a.isSymbolicLink()) {
                return directory ? Wasi.ENOTDIR : Wasi.ELOOP; // O_NOFOLLOW on a link
            }
            if (a != null && a.isDirectory()) {
                if (creat && excl) {
                    return Wasi.EEXIST;
                }
                if ((rightsBase & Wasi.RIGHT_FD_WRITE) != 0 || trunc) {
                    return Wasi.EISDIR;
                }
                DirRef ref = t.name == null ? t.dir.reopen() : t.dir.openChild(t.name);
                int fd = allocate(new Dir(ref, null, rightsInheriting));
                m.writeI32(fdPtr, fd);
                return Wasi.ESUCCESS;
            }
            if (a != null && !a.isRegularFile()) {
                return Wasi.EACCES; // FIFOs, sockets and devices are never opened
            }
            if (directory) {
                return a == null ? Wasi.ENOENT : Wasi.ENOTDIR;
            }
            if (t.mustBeDir) {
                return a == null ? (creat ? Wasi.EISDIR : Wasi.ENOENT) : Wasi.ENOTDIR;
            }
            if (a == null && !creat) {
                return Wasi.ENOENT;
            }
            if (a != null && creat && excl) {
                return Wasi.EEXIST;
            }
            if (append && trunc) {
                return Wasi.ENOTSUP;
            }
            Set<OpenOption> options = new HashSet<>();
            options.add(LinkOption.NOFOLLOW_LINKS);
            boolean read = (rightsBase & Wasi.RIGHT_FD_READ) != 0 && !append;
            boolean write = (rightsBase & Wasi.RIGHT_FD_WRITE) != 0 || creat || trunc;
            if (read) {
                options.add(StandardOpenOption.READ);
            }
            if (write) {
                options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.WRITE);
            }
            if (creat) {
                options.add(excl ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            }
            if (trunc) {
                options.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
            if ((fdflags & Wasi.FDFLAG_SYNC) != 0) {
                options.add(StandardOpenOption.SYNC);
            }
            if ((fdflags & Wasi.FDFLAG_DSYNC) != 0) {
                options.add(StandardOpenOption.DSYNC);
            }
            FileChannel channel;
            try {
                channel = (FileChannel) t.dir.sds.newByteChannel(Sandbox.component(t.name), options);
            } catch (IOException e) {
                throw WasiError.of(e);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                return Wasi.ENOTSUP;
            }
            DirRef parent;
            try {
                parent = t.keepDir();
            } catch (WasiError e) {
                closeQuietly(channel);
                throw e;
            }
            long rights = rightsBase & Wasi.FILE_RIGHTS;
            if (!read) {
                rights &= ~Wasi.RIGHT_FD_READ;
            }
            if ((rightsBase & Wasi.RIGHT_FD_WRITE) == 0) {
                rights &= ~Wasi.WRITE_RIGHTS;
            }
            int fd = allocate(new File(channel, parent, t.name, rights, fdflags & (Wasi.FDFLAG_APPEND | Wasi.FDFLAG_SYNC | Wasi.FDFLAG_DSYNC)));
            m.writeI32(fdPtr, fd);
            return Wasi.ESUCCESS;
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private int pathFilestatGet(Memory m, Dir base, int lookup, String path, int buf) throws WasiError {
        checkRange(m, buf, 64);
        try (Target t = Sandbox.resolve(base.ref, path, (lookup & Wasi.LOOKUP_SYMLINK_FOLLOW) != 0)) {
            BasicFileAttributes a = t.name == null ? t.dir.stat() : t.dir.lstat(t.name);
            if (a == null) {
                return Wasi.ENOENT;
            }
            if (t.mustBeDir && !a.isDirectory()) {
                return Wasi.ENOTDIR;
            }
            writeFilestat(m, buf, a, -1);
            return Wasi.ESUCCESS;
        }
    }

    private int pathFilestatSetTimes(Dir base, int lookup, String path, long atim, long mtim, int fst) throws WasiError {
        requireWritable(base.ref.grant);
        try (Target t = Sandbox.resolve(base.ref, path, (lookup & Wasi.LOOKUP_SYMLINK_FOLLOW) != 0)) {
            return setTimes(t.dir, t.name, atim, mtim, fst);
        }
    }

    private static int setTimes(DirRef dir, String name, long atim, long mtim, int fst) throws WasiError {
        if (((fst & Wasi.FST_ATIM) != 0 && (fst & Wasi.FST_ATIM_NOW) != 0)
                || ((fst & Wasi.FST_MTIM) != 0 && (fst & Wasi.FST_MTIM_NOW) != 0)) {
            return Wasi.EINVAL;
        }
        FileTime now = FileTime.from(Instant.now());
        FileTime access = (fst & Wasi.FST_ATIM) != 0 ? FileTime.from(atim, TimeUnit.NANOSECONDS)
                : (fst & Wasi.FST_ATIM_NOW) != 0 ? now : null;
        FileTime modified = (fst & Wasi.FST_MTIM) != 0 ? FileTime.from(mtim, TimeUnit.NANOSECONDS)
                : (fst & Wasi.FST_MTIM_NOW) != 0 ? now : null;
        if (access == null && modified == null) {
            return Wasi.ESUCCESS;
        }
        try {
            dir.view(name).setTimes(modified, access, null);
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    private int pathCreateDirectory(Dir base, String path) throws WasiError {
        requireWritable(base.ref.grant);
        try (Target t = Sandbox.resolve(base.ref, path, false)) {
            if (t.name == null) {
                return Wasi.EEXIST;
            }
            Path name = Sandbox.component(t.name);
            return Sandbox.underLock(false, () -> {
                Sandbox.verify(t.dir);
                Files.createDirectory(t.dir.hostPath.resolve(name));
                return Wasi.ESUCCESS;
            });
        }
    }

    private int pathSymlink(String text, Dir base, String path) throws WasiError {
        requireWritable(base.ref.grant);
        // A link the guest makes must stay below the directory it is in, wherever it is later moved and
        // whoever follows it (the guest is confined anyway; this protects host processes reading the grant).
        if (text.isEmpty() || text.startsWith("/") || text.indexOf('\0') >= 0) {
            return Wasi.EPERM;
        }
        for (String part : text.split("/")) {
            if (part.equals("..")) {
                return Wasi.EPERM;
            }
        }
        try (Target t = Sandbox.resolve(base.ref, path, false)) {
            if (t.name == null) {
                return Wasi.EEXIST;
            }
            if (t.mustBeDir) {
                return Wasi.ENOENT;
            }
            Path name = Sandbox.component(t.name);
            Path target = Path.of(text);
            return Sandbox.underLock(true, () -> {
                Sandbox.verify(t.dir);
                Files.createSymbolicLink(t.dir.hostPath.resolve(name), target);
                return Wasi.ESUCCESS;
            });
        }
    }

    private int pathLink(Dir oldBase, int oldLookup, String oldPath, Dir newBase, String newPath) throws WasiError {
        requireWritable(oldBase.ref.grant); // a read-only file must not become writable through another grant
        requireWritable(newBase.ref.grant);
        try (Target from = Sandbox.resolve(oldBase.ref, oldPath, (oldLookup & Wasi.LOOKUP_SYMLINK_FOLLOW) != 0);
                Target to = Sandbox.resolve(newBase.ref, newPath, false)) {
            if (from.name == null) {
                return Wasi.EPERM;
            }
            if (to.name == null) {
                return Wasi.EEXIST;
            }
            Path fromName = Sandbox.component(from.name);
            Path toName = Sandbox.component(to.name);
            return Sandbox.underLock(false, () -> {
                Sandbox.verify(from.dir);
                Sandbox.verify(to.dir);
                Path source = from.dir.hostPath.resolve(fromName);
                BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return Wasi.EPERM; // only regular files are linked (not directories, links or devices)
                }
                Files.createLink(to.dir.hostPath.resolve(toName), source);
                return Wasi.ESUCCESS;
            });
        }
    }

    private int pathReadlink(Instance inst, Dir base, String path, int buf, int bufLen, int usedPtr) throws WasiError {
        Memory m = inst.memory();
        checkRange(m, usedPtr, 4);
        try (Target t = Sandbox.resolve(base.ref, path, false)) {
            if (t.name == null) {
                return Wasi.EINVAL;
            }
            BasicFileAttributes a = t.dir.lstat(t.name);
            if (a == null) {
                return Wasi.ENOENT;
            }
            if (!a.isSymbolicLink()) {
                return Wasi.EINVAL;
            }
            byte[] text = Sandbox.readLink(t.dir, t.name).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(text.length, Integer.toUnsignedLong(bufLen));
            checkRange(m, buf, n);
            m.write(buf, text, 0, n);
            charge(inst, n);
            m.writeI32(usedPtr, n);
            return Wasi.ESUCCESS;
        }
    }

    private int pathRemove(Dir base, String path, boolean directory) throws WasiError {
        requireWritable(base.ref.grant);
        try (Target t = Sandbox.resolve(base.ref, path, false)) {
            if (t.name == null) {
                return directory ? Wasi.EBUSY : Wasi.EISDIR;
            }
            BasicFileAttributes a = t.dir.lstat(t.name);
            if (a == null) {
                return Wasi.ENOENT;
            }
            Path name = Sandbox.component(t.name);
            if (directory) {
                if (!a.isDirectory()) {
                    return Wasi.ENOTDIR;
                }
                t.dir.sds.deleteDirectory(name);
            } else {
                if (a.isDirectory()) {
                    return Wasi.EISDIR;
                }
                if (t.mustBeDir) {
                    return Wasi.ENOTDIR;
                }
                t.dir.sds.deleteFile(name);
            }
            return Wasi.ESUCCESS;
        } catch (IOException e) {
            throw WasiError.of(e);
        }
    }

    private int pathRename(Dir oldBase, String oldPath, Dir newBase, String newPath) throws WasiError {
        requireWritable(oldBase.ref.grant);
        requireWritable(newBase.ref.grant);
        try (Target from = Sandbox.resolve(oldBase.ref, oldPath, false);
                Target to = Sandbox.resolve(newBase.ref, newPath, false)) {
            if (from.name == null || to.name == null) {
                return Wasi.EBUSY;
            }
            BasicFileAttributes a = from.dir.lstat(from.name);
            if (a == null) {
                return Wasi.ENOENT;
            }
            if (a.isOther()) {
                return Wasi.EACCES; // a FIFO moved where another open expects a file could block it
            }
            Path fromName = Sandbox.component(from.name);
            Path toName = Sandbox.component(to.name);
            return Sandbox.underLock(true, () -> {
                from.dir.sds.move(fromName, to.dir.sds, toName);
                return Wasi.ESUCCESS;
            });
        }
    }

    // ---- poll_oneoff -----------------------------------------------------------------------------

    /**
     * Two passes over the subscriptions in guest memory and no host object per subscription (a call may name tens of
     * millions): the first checks them all and finds the earliest clock, the second writes the events, the
     * descriptors' first and then the clocks that are due, each in subscription order. Times are taken once, at the
     * start, so both passes compute the same timeouts.
     */
    private int pollOneoff(Instance inst, int in, int out, int nsubs, int neventsPtr) throws WasiError {
        Memory m = inst.memory();
        if (nsubs <= 0) {
            return Wasi.EINVAL;
        }
        checkRange(m, in, (long) nsubs * 48);
        checkRange(m, out, (long) nsubs * 32);
        checkRange(m, neventsPtr, 4);
        charge(inst, (long) nsubs * 48);
        long start = System.nanoTime();
        long realtime = WasiEnvironment.realtimeNanos();
        long earliest = Long.MAX_VALUE;
        boolean descriptors = false;
        for (int i = 0; i < nsubs; i++) {
            int sub = in + i * 48;
            int tag = m.read(sub + 8) & 0xff;
            if (tag == Wasi.EVENTTYPE_CLOCK) {
                long timeout = clockTimeout(m, sub, start, realtime);
                if (timeout < 0) {
                    return Wasi.EINVAL;
                }
                earliest = Math.min(earliest, timeout);
            } else if (tag == Wasi.EVENTTYPE_FD_READ || tag == Wasi.EVENTTYPE_FD_WRITE) {
                descriptors = true;
            } else {
                return Wasi.EINVAL;
            }
        }
        if (!descriptors && earliest != Long.MAX_VALUE) {
            Budget budget = budget(inst);
            long deadline = start + earliest;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (budget != null) {
                    budget.checkStop(); // the execution's deadline ends a long sleep
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WasmRuntimeException("interrupted in poll_oneoff");
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        int events = 0;
        // reads a subscription before the event that may overwrite it (the two areas may overlap: the guest's
        // problem; a subscription changed under the second pass is skipped, never a host error)
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < nsubs && events < nsubs; i++) {
                int sub = in + i * 48;
                long userdata = m.readLong(sub);
                int tag = m.read(sub + 8) & 0xff;
                if (pass == 0 && (tag == Wasi.EVENTTYPE_FD_READ || tag == Wasi.EVENTTYPE_FD_WRITE)) {
                    int fd = m.readInt(sub + 16);
                    Desc d = fd >= 0 && fd < fds.size() ? fds.get(fd) : null;
                    int errno = d == null ? Wasi.EBADF : d instanceof Dir || d instanceof Ungranted ? Wasi.ENOTSUP : Wasi.ESUCCESS;
                    writeEvent(m, out + events * 32, userdata, errno, tag);
                    events++;
                } else if (pass == 1 && tag == Wasi.EVENTTYPE_CLOCK) {
                    long timeout = clockTimeout(m, sub, start, realtime);
                    if (timeout >= 0 && timeout <= elapsed) {
                        writeEvent(m, out + events * 32, userdata, Wasi.ESUCCESS, Wasi.EVENTTYPE_CLOCK);
                        events++;
                    }
                }
            }
        }
        m.writeI32(neventsPtr, events);
        return Wasi.ESUCCESS;
    }

    /**
     * A clock subscription's timeout from the poll's start in nanoseconds, in [0, MAX_SLEEP_NANOS]; -1 for a clock
     * this host does not have.
     */
    private static long clockTimeout(Memory m, int sub, long startNanos, long realtimeNanos) {
        int clock = m.readInt(sub + 16);
        long timeout = m.readLong(sub + 24);
        int flags = m.readShort(sub + 40) & 0xffff;
        if (clock != Wasi.CLOCK_REALTIME && clock != Wasi.CLOCK_MONOTONIC) {
            return -1;
        }
        if ((flags & Wasi.SUBCLOCK_ABSTIME) != 0) {
            timeout -= clock == Wasi.CLOCK_REALTIME ? realtimeNanos : startNanos;
        }
        return Math.min(Math.max(0, timeout), MAX_SLEEP_NANOS);
    }

    /** One 32-byte event: userdata, error, type, and zeros (no buffer allocated per event). */
    private static void writeEvent(Memory m, int at, long userdata, int errno, int type) {
        m.writeLong(at, userdata);
        m.writeLong(at + 8, 0);
        m.writeLong(at + 16, 0);
        m.writeLong(at + 24, 0);
        m.writeShort(at + 8, (short) errno);
        m.writeByte(at + 10, (byte) type);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static int fileType(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return Wasi.FILETYPE_SYMBOLIC_LINK;
        }
        if (a.isDirectory()) {
            return Wasi.FILETYPE_DIRECTORY;
        }
        if (a.isRegularFile()) {
            return Wasi.FILETYPE_REGULAR_FILE;
        }
        return Wasi.FILETYPE_UNKNOWN;
    }

    private static long inode(Object fileKey) {
        if (fileKey == null) {
            return 0;
        }
        Matcher k = FILE_KEY.matcher(fileKey.toString());
        return k.find() ? Long.parseUnsignedLong(k.group(2)) : fileKey.hashCode() & 0xffffffffL;
    }

    private static long device(Object fileKey) {
        if (fileKey == null) {
            return 0;
        }
        Matcher k = FILE_KEY.matcher(fileKey.toString());
        return k.find() ? Long.parseUnsignedLong(k.group(1), 16) : 0;
    }

    /** Writes a filestat; {@code size} overrides the attributes' size when not negative. */
    private static void writeFilestat(Memory m, int buf, BasicFileAttributes a, long size) {
        m.write(buf, new byte[64]);
        m.writeLong(buf, device(a.fileKey()));
        m.writeLong(buf + 8, inode(a.fileKey()));
        m.writeByte(buf + 16, (byte) fileType(a));
        m.writeLong(buf + 24, 1);
        m.writeLong(buf + 32, size >= 0 ? size : a.size());
        m.writeLong(buf + 40, a.lastAccessTime().to(TimeUnit.NANOSECONDS));
        m.writeLong(buf + 48, a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        m.writeLong(buf + 56, a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    }
}
