package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WASI permissions, through the C plugin {@code test-plugins/c/fs-probe} (which performs one operation
 * through wasi-libc and reports {@code ok} and {@code errno}): nothing is visible without a grant, each
 * grant works and only it, read-only grants refuse every write, every way out of a granted directory is
 * refused (with the host file outside left unread and unchanged), only named environment variables are
 * passed, and stdout/stderr reach the plugin's logger within the log cap.
 */
class WasiPermissionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EPERM = 63;
    private static final int EROFS = 69;
    private static final int EACCES = 2;
    private static final int ENOTCAPABLE = 76;
    private static final String SECRET = "OUTSIDE-SECRET";

    @TempDir
    static Path cache;

    @TempDir
    Path tmp;

    private Path grant;
    private Path outside;
    private Path secret;

    @BeforeEach
    void layout() throws Exception {
        grant = Files.createDirectories(tmp.resolve("grant"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        secret = Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(grant.resolve("file.txt"), "inside");
        Files.createDirectories(grant.resolve("sub"));
        Files.writeString(grant.resolve("sub/inner.txt"), "inner");
    }

    private static PluginSystem system() {
        return PluginSystem.builder().cacheDir(cache)
                .enableWasi(true).build();
    }

    private static PluginId load(PluginSystem system, PluginPermissions permissions) {
        return system.loadPlugin(TestPlugins.wasm("fs-probe"), LoadOptions.builder().permissions(permissions).build());
    }

    /** Runs one probe operation: args are key, value pairs. */
    private static JsonNode call(PluginSystem system, PluginId id, Object... args) {
        ObjectNode in = JSON.createObjectNode();
        for (int i = 0; i < args.length; i += 2) {
            Object v = args[i + 1];
            if (v instanceof Number) {
                in.put((String) args[i], ((Number) v).longValue());
            } else {
                in.put((String) args[i], String.valueOf(v));
            }
        }
        return system.executePlugin(id, PluginInput.of(in)).data();
    }

    private static void assertRefused(JsonNode r, int errno) {
        assertThat(r.path("ok").asBoolean()).as("refused: %s", r).isFalse();
        assertThat(r.path("errno").asInt()).as("errno of %s", r).isEqualTo(errno);
    }

    private static void assertRefused(JsonNode r) {
        assertThat(r.path("ok").asBoolean()).as("refused: %s", r).isFalse();
        assertThat(r.path("errno").asInt()).as("errno of %s", r).isNotZero();
        assertThat(r.toString()).doesNotContain(SECRET);
    }

    private static void assertOk(JsonNode r) {
        assertThat(r.path("ok").asBoolean()).as("ok: %s", r).isTrue();
    }

    private static List<String> entries(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.path("entries").forEach(e -> out.add(e.asText()));
        return out;
    }

    private String g(String rel) {
        return grant.resolve(rel).toString();
    }

    /** The outside file is as it was: same content, same modification time, one link. */
    private void assertOutsideUntouched(FileTime mtime) throws Exception {
        assertThat(Files.readString(secret)).isEqualTo(SECRET);
        assertThat(Files.getLastModifiedTime(secret)).isEqualTo(mtime);
        assertThat(((Number) Files.getAttribute(secret, "unix:nlink")).intValue()).isEqualTo(1);
        try (var list = Files.list(outside)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
    }

    // ---- denied by default -------------------------------------------------------------------------

    @Test
    void withoutAGrantNothingIsVisible() throws Exception {
        try (PluginSystem system = system()) {
            for (PluginPermissions p : List.of(PluginPermissions.none(),
                    new PluginPermissions(true, List.of(), false, List.of(), List.of()),
                    // allowedDirs without filesystem: still nothing
                    new PluginPermissions(false, List.of(grant.toString()), false, List.of(), List.of()))) {
                PluginId id = load(system, p);
                // only the catch-all "/", which holds nothing: it lets the host see (and warn about) refused paths
                assertThat(entries(call(system, id, "op", "preopens"))).containsExactly("/");
                assertRefused(call(system, id, "op", "read", "path", g("file.txt")));
                assertRefused(call(system, id, "op", "read", "path", secret));
                assertRefused(call(system, id, "op", "write", "path", g("new.txt"), "data", "x"));
                assertRefused(call(system, id, "op", "list", "path", grant));
                system.unloadPlugin(id);
            }
            assertThat(grant.resolve("new.txt")).doesNotExist();
        }
    }

    @Test
    void wasiPluginsNeedEnableWasi() {
        try (PluginSystem system = TestPlugins.system()) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("fs-probe")))
                    .isInstanceOfSatisfying(PluginLoadException.class,
                            e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE));
        }
    }

    // ---- granted works, not granted fails -------------------------------------------------------------

    @Test
    void aReadWriteGrantAllowsEverythingInsideIt() throws Exception {
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            assertThat(entries(call(system, id, "op", "preopens"))).containsExactlyInAnyOrder(grant.toString(), "/");
            assertThat(call(system, id, "op", "read", "path", g("file.txt")).path("data").asText()).isEqualTo("inside");
            assertThat(call(system, id, "op", "read", "path", g("sub/inner.txt")).path("data").asText()).isEqualTo("inner");
            assertThat(call(system, id, "op", "read", "path", g("sub/../file.txt")).path("data").asText()).isEqualTo("inside");
            assertThat(entries(call(system, id, "op", "list", "path", grant))).containsExactly("file.txt", "sub");

            assertOk(call(system, id, "op", "write", "path", g("new.txt"), "data", "hello"));
            assertOk(call(system, id, "op", "append", "path", g("new.txt"), "data", " world"));
            assertThat(Files.readString(grant.resolve("new.txt"))).isEqualTo("hello world");
            assertRefused(call(system, id, "op", "create_excl", "path", g("new.txt"), "data", "x"), 20); // EEXIST
            assertOk(call(system, id, "op", "truncate", "path", g("new.txt"), "size", 5));
            assertThat(Files.readString(grant.resolve("new.txt"))).isEqualTo("hello");
            JsonNode stat = call(system, id, "op", "stat", "path", g("new.txt"));
            assertThat(stat.path("size").asInt()).isEqualTo(5);
            assertThat(stat.path("type").asText()).isEqualTo("file");

            assertOk(call(system, id, "op", "mkdir", "path", g("made")));
            assertThat(grant.resolve("made")).isDirectory();
            assertOk(call(system, id, "op", "rename", "path", g("new.txt"), "target", g("made/moved.txt")));
            assertThat(grant.resolve("made/moved.txt")).hasContent("hello");
            assertOk(call(system, id, "op", "link", "path", g("made/hard.txt"), "target", g("made/moved.txt")));
            assertThat(Files.isSameFile(grant.resolve("made/hard.txt"), grant.resolve("made/moved.txt"))).isTrue();
            assertOk(call(system, id, "op", "symlink", "path", g("made/soft"), "target", "moved.txt"));
            assertThat(call(system, id, "op", "read", "path", g("made/soft")).path("data").asText()).isEqualTo("hello");
            assertThat(call(system, id, "op", "readlink", "path", g("made/soft")).path("data").asText()).isEqualTo("moved.txt");
            assertThat(call(system, id, "op", "lstat", "path", g("made/soft")).path("type").asText()).isEqualTo("symlink");
            assertOk(call(system, id, "op", "symlink", "path", g("subdir"), "target", "sub"));
            assertThat(call(system, id, "op", "read", "path", g("subdir/inner.txt")).path("data").asText()).isEqualTo("inner");
            assertOk(call(system, id, "op", "utimes", "path", g("file.txt"), "size", 1_234_567_890));
            assertThat(Files.getLastModifiedTime(grant.resolve("file.txt")).toMillis()).isEqualTo(1_234_567_890_000L);
            assertOk(call(system, id, "op", "openat", "path", g("sub"), "target", "inner.txt"));
            assertOk(call(system, id, "op", "openat_write", "path", g("sub"), "target", "written.txt", "data", "w"));
            assertThat(grant.resolve("sub/written.txt")).hasContent("w");

            assertOk(call(system, id, "op", "unlink", "path", g("made/soft")));
            assertOk(call(system, id, "op", "unlink", "path", g("made/hard.txt")));
            assertOk(call(system, id, "op", "unlink", "path", g("made/moved.txt")));
            assertOk(call(system, id, "op", "rmdir", "path", g("made")));
            assertThat(grant.resolve("made")).doesNotExist();
        }
    }

    @Test
    void onlyTheGrantedDirectoryIsVisibleAndAtTheGuestPathOfTheGrant() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("o.txt"), "other");
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readOnly(grant).at("/data")).build());
            assertThat(entries(call(system, id, "op", "preopens"))).containsExactlyInAnyOrder("/data", "/");
            assertThat(call(system, id, "op", "read", "path", "/data/file.txt").path("data").asText()).isEqualTo("inside");
            assertRefused(call(system, id, "op", "read", "path", g("file.txt"))); // the host path means nothing
            assertRefused(call(system, id, "op", "read", "path", other.resolve("o.txt")));
            assertRefused(call(system, id, "op", "read", "path", "/data/../other/o.txt"));

            // the seed's string form: "HOST" is read-write at the same path, ":GUEST" maps, ":ro" is read-only
            PluginId two = load(system, new PluginPermissions(true,
                    List.of(grant.toString(), other + ":/in:ro"), false, List.of(), List.of()));
            assertThat(entries(call(system, two, "op", "preopens"))).containsExactlyInAnyOrder(grant.toString(), "/in", "/");
            assertThat(call(system, two, "op", "read", "path", "/in/o.txt").path("data").asText()).isEqualTo("other");
            assertRefused(call(system, two, "op", "write", "path", "/in/o.txt", "data", "x"), EROFS);
            assertOk(call(system, two, "op", "write", "path", g("w.txt"), "data", "x"));
        }
    }

    @Test
    void aMissingGrantedDirectoryFailsTheLoad() {
        try (PluginSystem system = system()) {
            assertThatThrownBy(() -> load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(tmp.resolve("nope"))).build()))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("granted directory")
                    .hasMessageContaining("nope");
        }
    }

    @Test
    void dirGrantStringsParse() {
        assertThat(DirGrant.parse("/tmp/plugin_data")).isEqualTo(new DirGrant("/tmp/plugin_data", "/tmp/plugin_data", false));
        assertThat(DirGrant.parse("/srv/models:ro")).isEqualTo(new DirGrant("/srv/models", "/srv/models", true));
        assertThat(DirGrant.parse("/srv/models:/models:ro")).isEqualTo(new DirGrant("/srv/models", "/models", true));
        assertThat(DirGrant.parse("/srv/out:/out:rw")).isEqualTo(new DirGrant("/srv/out", "/out", false));
        assertThat(DirGrant.parse("/a:b")).isEqualTo(new DirGrant("/a:b", "/a:b", false));
        assertThat(DirGrant.parse("/srv/x/../models/:/m//n/")).isEqualTo(new DirGrant("/srv/models", "/m/n", false));
        for (String spec : List.of("/srv/models:/models:ro", "/tmp/plugin_data", "/x:ro", "/a:b")) {
            assertThat(DirGrant.parse(DirGrant.parse(spec).spec())).isEqualTo(DirGrant.parse(spec));
        }
        assertThatThrownBy(() -> DirGrant.parse(":ro")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirGrant.parse("/srv:/a/../b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PluginPermissions(true, List.of("/srv:/x/.."), false, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PluginPermissions.builder().envVars("A=B").build()).isInstanceOf(IllegalArgumentException.class);
        assertThat(PluginPermissions.none().dirGrants()).isEmpty();
    }

    // ---- read-only -------------------------------------------------------------------------------

    @Test
    void aReadOnlyGrantRefusesEveryWrite() throws Exception {
        Files.writeString(grant.resolve("victim.txt"), "keep");
        Files.createSymbolicLink(grant.resolve("link"), Path.of("victim.txt"));
        FileTime mtime = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(grant.resolve("victim.txt"), mtime);
        Path rw = Files.createDirectories(tmp.resolve("rw"));
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readOnly(grant), DirGrant.readWrite(rw)).build());
            assertThat(call(system, id, "op", "read", "path", g("victim.txt")).path("data").asText()).isEqualTo("keep");
            assertThat(entries(call(system, id, "op", "list", "path", grant))).contains("victim.txt", "sub");
            assertThat(call(system, id, "op", "readlink", "path", g("link")).path("data").asText()).isEqualTo("victim.txt");
            String v = g("victim.txt");
            assertRefused(call(system, id, "op", "write", "path", v, "data", "x"), EROFS);
            assertRefused(call(system, id, "op", "write", "path", g("created.txt"), "data", "x"), EROFS);
            assertRefused(call(system, id, "op", "append", "path", v, "data", "x"), EROFS);
            assertRefused(call(system, id, "op", "create_excl", "path", g("excl.txt"), "data", "x"), EROFS);
            assertRefused(call(system, id, "op", "open_rw", "path", v), EROFS);
            assertRefused(call(system, id, "op", "truncate", "path", v, "size", 0), EROFS);
            assertRefused(call(system, id, "op", "unlink", "path", v), EROFS);
            assertRefused(call(system, id, "op", "unlink", "path", g("link")), EROFS);
            assertRefused(call(system, id, "op", "rmdir", "path", g("sub")), EROFS);
            assertRefused(call(system, id, "op", "mkdir", "path", g("newdir")), EROFS);
            assertRefused(call(system, id, "op", "symlink", "path", g("newlink"), "target", "victim.txt"), EROFS);
            assertRefused(call(system, id, "op", "link", "path", g("hard"), "target", v), EROFS);
            assertRefused(call(system, id, "op", "rename", "path", v, "target", g("renamed.txt")), EROFS);
            assertRefused(call(system, id, "op", "utimes", "path", v, "size", 5), EROFS);
            assertRefused(call(system, id, "op", "openat_write", "path", g("sub"), "target", "inner.txt", "data", "x"), EROFS);
            // nor through a read-write grant: moving out of, or hard-linking from, the read-only one
            assertRefused(call(system, id, "op", "rename", "path", v, "target", rw.resolve("stolen.txt")), EROFS);
            assertRefused(call(system, id, "op", "link", "path", rw.resolve("hard.txt"), "target", v), EROFS);
            assertRefused(call(system, id, "op", "rename", "path", rw.resolve("x"), "target", g("x")), EROFS);

            assertThat(grant.resolve("victim.txt")).hasContent("keep");
            assertThat(Files.getLastModifiedTime(grant.resolve("victim.txt"))).isEqualTo(mtime);
            try (var list = Files.list(grant)) {
                assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("file.txt", "sub", "victim.txt", "link");
            }
            try (var list = Files.list(rw)) {
                assertThat(list).isEmpty();
            }
        }
    }

    // ---- escapes -----------------------------------------------------------------------------------

    @Test
    void dotDotAndAbsolutePathsDoNotLeaveTheGrant() throws Exception {
        FileTime mtime = Files.getLastModifiedTime(secret);
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            // wasi-libc passes the path relative to the preopen: "../outside/secret.txt" reaches the host
            assertRefused(call(system, id, "op", "read", "path", g("../outside/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "read", "path", g("sub/../../outside/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "write", "path", g("../outside/secret.txt"), "data", "x"), EPERM);
            assertRefused(call(system, id, "op", "write", "path", g("../outside/new.txt"), "data", "x"), EPERM);
            assertRefused(call(system, id, "op", "mkdir", "path", g("../outside/newdir")), EPERM);
            assertRefused(call(system, id, "op", "unlink", "path", g("../outside/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "utimes", "path", g("../outside/secret.txt"), "size", 5), EPERM);
            assertRefused(call(system, id, "op", "list", "path", g("..")), EPERM);
            assertRefused(call(system, id, "op", "stat", "path", g("../outside/secret.txt")), EPERM);
            // absolute paths outside every grant: no preopen matches them
            assertRefused(call(system, id, "op", "read", "path", secret));
            assertRefused(call(system, id, "op", "read", "path", "/etc/passwd"));
            // a directory fd, then ".." relative to it: an fd grants what is below it, nothing above
            assertRefused(call(system, id, "op", "openat", "path", g("sub"), "target", "../../outside/secret.txt"), EPERM);
            assertRefused(call(system, id, "op", "openat", "path", g("sub"), "target", "../file.txt"), EPERM);
            assertRefused(call(system, id, "op", "openat_write", "path", g("sub"), "target", "../../outside/new.txt", "data", "x"), EPERM);
            assertThat(call(system, id, "op", "openat", "path", g("sub"), "target", "inner.txt").path("data").asText()).isEqualTo("inner");
        }
        assertOutsideUntouched(mtime);
    }

    @Test
    void symbolicLinksPointingOutsideAreNotFollowed() throws Exception {
        FileTime mtime = Files.getLastModifiedTime(secret);
        Files.createSymbolicLink(grant.resolve("abs"), secret);                              // absolute, to a file
        Files.createSymbolicLink(grant.resolve("absdir"), outside);                          // absolute, to a directory
        Files.createSymbolicLink(grant.resolve("rel"), Path.of("../outside/secret.txt"));    // relative, escaping
        Files.createSymbolicLink(grant.resolve("sub/up"), Path.of("../.."));                 // relative, to above the grant
        Files.createSymbolicLink(grant.resolve("chain1"), Path.of("chain2"));                // a chain that ends outside
        Files.createSymbolicLink(grant.resolve("chain2"), Path.of("sub/up/outside/secret.txt"));
        Files.createSymbolicLink(grant.resolve("dangling"), outside.resolve("created-through-link.txt"));
        Files.createSymbolicLink(grant.resolve("dangling-rel"), Path.of("../outside/created-through-rel.txt"));
        Files.createSymbolicLink(grant.resolve("loop"), Path.of("loop"));
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            for (String link : List.of("abs", "absdir/secret.txt", "rel", "sub/up/outside/secret.txt", "chain1")) {
                assertRefused(call(system, id, "op", "read", "path", g(link)), EPERM);
                assertRefused(call(system, id, "op", "write", "path", g(link), "data", "x"), EPERM);
                assertRefused(call(system, id, "op", "append", "path", g(link), "data", "x"), EPERM);
                assertRefused(call(system, id, "op", "truncate", "path", g(link), "size", 0), EPERM);
                assertRefused(call(system, id, "op", "stat", "path", g(link)), EPERM);
                assertRefused(call(system, id, "op", "utimes", "path", g(link), "size", 5), EPERM);
            }
            assertRefused(call(system, id, "op", "list", "path", g("absdir")), EPERM);
            assertRefused(call(system, id, "op", "list", "path", g("sub/up")), EPERM);
            assertRefused(call(system, id, "op", "mkdir", "path", g("absdir/newdir")), EPERM);
            assertRefused(call(system, id, "op", "unlink", "path", g("absdir/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "rename", "path", g("absdir/secret.txt"), "target", g("got.txt")), EPERM);
            assertRefused(call(system, id, "op", "symlink", "path", g("absdir/planted"), "target", "x"), EPERM);
            // O_CREAT through a dangling link would create the file outside
            assertRefused(call(system, id, "op", "write", "path", g("dangling"), "data", "x"), EPERM);
            assertRefused(call(system, id, "op", "write", "path", g("dangling-rel"), "data", "x"), EPERM);
            assertRefused(call(system, id, "op", "read", "path", g("loop")), 32); // ELOOP
            // the links themselves are visible (lstat, readlink), like any entry of the directory
            assertThat(call(system, id, "op", "lstat", "path", g("abs")).path("type").asText()).isEqualTo("symlink");
            assertThat(entries(call(system, id, "op", "list", "path", grant))).contains("abs", "absdir", "rel");
        }
        assertOutsideUntouched(mtime);
    }

    @Test
    void symbolicLinksTheGuestCreatesCannotLeadOutside() throws Exception {
        FileTime mtime = Files.getLastModifiedTime(secret);
        Files.createSymbolicLink(grant.resolve("hostabs"), secret);
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            // a guest link must be relative and must not contain ".." (so it cannot escape wherever it is moved)
            assertRefused(call(system, id, "op", "symlink", "path", g("evil"), "target", "../outside/secret.txt"), EPERM);
            assertRefused(call(system, id, "op", "symlink", "path", g("evil"), "target", secret), EPERM);
            assertRefused(call(system, id, "op", "symlink", "path", g("sub/evil"), "target", ".."), EPERM);
            assertRefused(call(system, id, "op", "read", "path", g("evil")));
            assertThat(grant.resolve("evil")).doesNotExist();
            // a guest link to an escaping host link is created, and following it is refused
            assertOk(call(system, id, "op", "symlink", "path", g("mine"), "target", "hostabs"));
            assertRefused(call(system, id, "op", "read", "path", g("mine")), EPERM);
            assertRefused(call(system, id, "op", "write", "path", g("mine"), "data", "x"), EPERM);
            // and moved elsewhere it still leads only where it led
            assertOk(call(system, id, "op", "symlink", "path", g("sub/down"), "target", "inner.txt"));
            assertOk(call(system, id, "op", "rename", "path", g("sub/down"), "target", g("down")));
            assertRefused(call(system, id, "op", "read", "path", g("down"))); // "inner.txt" is not in the root
        }
        assertOutsideUntouched(mtime);
    }

    @Test
    void hardLinksAndRenamesCannotReachOutside() throws Exception {
        FileTime mtime = Files.getLastModifiedTime(secret);
        Files.createSymbolicLink(grant.resolve("abs"), secret);
        Files.createSymbolicLink(grant.resolve("absdir"), outside);
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            assertRefused(call(system, id, "op", "link", "path", g("hl"), "target", g("../outside/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "link", "path", g("hl"), "target", g("absdir/secret.txt")), EPERM);
            assertRefused(call(system, id, "op", "link", "path", g("hl"), "target", g("abs")), EPERM); // links only regular files
            assertRefused(call(system, id, "op", "link", "path", g("../outside/hl"), "target", g("file.txt")), EPERM);
            assertRefused(call(system, id, "op", "link", "path", g("absdir/hl"), "target", g("file.txt")), EPERM);
            assertThat(grant.resolve("hl")).doesNotExist();

            assertRefused(call(system, id, "op", "rename", "path", g("file.txt"), "target", g("../outside/file.txt")), EPERM);
            assertRefused(call(system, id, "op", "rename", "path", g("file.txt"), "target", g("absdir/file.txt")), EPERM);
            assertRefused(call(system, id, "op", "rename", "path", g("sub"), "target", g("../outside/sub")), EPERM);
            assertRefused(call(system, id, "op", "rename", "path", g("../outside/secret.txt"), "target", g("stolen.txt")), EPERM);
            assertRefused(call(system, id, "op", "rename", "path", g("."), "target", g("../outside/grant")));
            assertThat(grant.resolve("file.txt")).hasContent("inside");
            assertThat(grant.resolve("stolen.txt")).doesNotExist();
            // renaming the link itself (not its target) is fine
            assertOk(call(system, id, "op", "rename", "path", g("abs"), "target", g("abs2")));
            assertThat(Files.readSymbolicLink(grant.resolve("abs2"))).isEqualTo(secret);
        }
        assertOutsideUntouched(mtime);
    }

    @Test
    void procSelfLinksDoNotLeadOut() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readOnly(Path.of("/proc/self")).at("/self")).build());
            assertThat(call(system, id, "op", "read", "path", "/self/status").path("data").asText()).contains("Name:");
            assertRefused(call(system, id, "op", "read", "path", "/self/root/etc/hostname"), EPERM);
            assertRefused(call(system, id, "op", "read", "path", "/self/cwd/pom.xml"), EPERM);
            assertRefused(call(system, id, "op", "list", "path", "/self/fd/0"));
            assertRefused(call(system, id, "op", "read", "path", "/self/exe"), EPERM);
        }
    }

    @Test
    void specialFilesAreNotOpened() throws Exception {
        Path fifo = grant.resolve("fifo");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "needs mkfifo");
            return;
        }
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            // opening a FIFO would block the guest thread past any deadline
            assertRefused(call(system, id, "op", "read", "path", fifo), EACCES);
            assertRefused(call(system, id, "op", "write", "path", fifo, "data", "x"), EACCES);
            // nor moved to where another open expects a regular file
            assertRefused(call(system, id, "op", "rename", "path", fifo, "target", g("file.txt")), EACCES);
            assertThat(grant.resolve("file.txt")).hasContent("inside");
        }
    }

    /**
     * A host process swaps a directory of the grant for a symbolic link to outside, as fast as it can,
     * while the guest keeps opening a file through it: the guest sees the inside file or an error, never
     * the outside one (each step is opened with O_NOFOLLOW from the descriptor checked before it).
     */
    @Test
    void swappingADirectoryForALinkDuringOpensDoesNotLeak() throws Exception {
        Path real = Files.createDirectories(grant.resolve("real"));
        Files.writeString(real.resolve("secret.txt"), "inside");
        Path link = Files.createSymbolicLink(grant.resolve("link"), outside);
        Path swap = grant.resolve("swap");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.move(real, swap, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(swap, real, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, swap, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant)).build());
            swapper.start();
            JsonNode r = call(system, id, "op", "read_repeat", "path", g("swap/secret.txt"), "repeat", 3000);
            stop.set(true);
            swapper.join();
            assertThat(swaps.get()).isPositive();
            assertThat(r.toString()).doesNotContain(SECRET);
            r.path("contents").forEach(c -> assertThat(c.asText()).isEqualTo("inside"));
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(Files.readString(secret)).isEqualTo(SECRET);
    }

    // ---- environment, args, clock, random --------------------------------------------------------

    @Test
    void onlyNamedEnvironmentVariablesAreVisible() {
        String path = System.getenv("PATH");
        assumeTrue(path != null, "needs PATH in the environment");
        try (PluginSystem system = system()) {
            PluginId none = load(system, PluginPermissions.none());
            assertThat(entries(call(system, none, "op", "environ"))).isEmpty();
            assertThat(call(system, none, "op", "env", "name", "PATH").path("present").asBoolean()).isFalse();

            PluginId named = load(system, PluginPermissions.builder().envVars("PATH", "LLMTB_SURELY_NOT_SET_42").build());
            assertThat(entries(call(system, named, "op", "environ"))).containsExactly("PATH=" + path);
            assertThat(call(system, named, "op", "env", "name", "PATH").path("data").asText()).isEqualTo(path);
            assertThat(call(system, named, "op", "env", "name", "LLMTB_SURELY_NOT_SET_42").path("present").asBoolean()).isFalse();
            assertThat(call(system, named, "op", "env", "name", "HOME").path("present").asBoolean()).isFalse();
        }
    }

    @Test
    void noArgumentsRealClockAndSeededRandom() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.none());
            assertThat(call(system, id, "op", "args").path("argc").asInt()).isZero();
            long before = System.currentTimeMillis();
            long ms = call(system, id, "op", "clock").path("ms").asLong();
            assertThat(ms).isBetween(before - 1000, System.currentTimeMillis() + 1000);
            String a = call(system, id, "op", "random", "size", 32).path("data").asText();
            String b = call(system, id, "op", "random", "size", 32).path("data").asText();
            assertThat(a).hasSize(64).isNotEqualTo(b);

            LoadOptions seeded = LoadOptions.builder().randomSeed(42L).build();
            PluginId s1 = system.loadPlugin(TestPlugins.wasm("fs-probe"), seeded);
            String first = call(system, s1, "op", "random", "size", 32).path("data").asText();
            system.unloadPlugin(s1);
            PluginId s2 = system.loadPlugin(TestPlugins.wasm("fs-probe"), seeded);
            assertThat(call(system, s2, "op", "random", "size", 32).path("data").asText()).isEqualTo(first);
        }
    }

    @Test
    void aLongSleepEndsAtTheDeadline() {
        try (PluginSystem system = system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("fs-probe"), LoadOptions.builder()
                    .limits(ResourceLimits.builder().maxExecutionTimeMs(1000).build()).build());
            assertOk(call(system, id, "op", "sleep", "size", 20));
            long start = System.nanoTime();
            assertThatThrownBy(() -> call(system, id, "op", "sleep", "size", 600_000))
                    .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
        }
    }

    @Test
    void descriptorsPerInstanceAreCapped() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.builder().grantDirs(DirGrant.readOnly(grant)).build());
            JsonNode r = call(system, id, "op", "open_many", "path", g("file.txt"), "repeat", 10_000);
            assertRefused(r, 33); // EMFILE
            // 64 per instance: stdio, the preopen, the catch-all preopen "/", 59 files
            assertThat(r.path("opened").asInt()).isEqualTo(64 - 5);
        }
    }

    // ---- warnings about refusals ------------------------------------------------------------------

    /**
     * A path or variable WASI refuses for lack of permission is warned about on the plugin's log, once per distinct
     * path or name for as long as the plugin is loaded, naming the flag that grants it (issue #19).
     */
    @Test
    void refusedPathsAndVariablesAreWarnedOnceEachNamingTheFlag() throws Exception {
        try (PluginSystem system = system()) {
            // wasi-libc reads the environment when the module starts (fs-probe refers to environ), so the load is
            // watched too; the warning then names the plugin by its file, its metadata not being read yet
            PluginId[] ids = new PluginId[2];
            String log = captureLog(() -> {
                PluginId none = ids[0] = load(system, PluginPermissions.none());
                for (int i = 0; i < 3; i++) {
                    assertRefused(call(system, none, "op", "read", "path", "/etc/passwd"), ENOTCAPABLE);
                }
                assertRefused(call(system, none, "op", "stat", "path", secret), ENOTCAPABLE);
                assertRefused(call(system, none, "op", "list", "path", "/"), ENOTCAPABLE);
                call(system, none, "op", "env", "name", "HOME");
                call(system, none, "op", "env", "name", "PATH");
            });
            assertThat(count(log, "WARN llmtb.plugin.fs-probe - WASI path_open refused /etc/passwd: no directory is granted to the "
                    + "plugin; grant a directory with --allow-dir DIR, DIR:ro or HOST_DIR:GUEST_PATH[:ro]")).isEqualTo(1);
            assertThat(count(log, "refused /etc/passwd")).isEqualTo(1);
            assertThat(count(log, "refused " + secret + ": no directory is granted")).isEqualTo(1);
            assertThat(count(log, "WASI: the plugin read its environment, but no environment variable is granted, so it sees "
                    + "none; grant one with --allow-env NAME")).isEqualTo(1);

            log = captureLog(() -> {
                PluginId granted = ids[1] = load(system, PluginPermissions.builder().grantDirs(DirGrant.readWrite(grant))
                        .envVars("LLMTB_SURELY_NOT_SET_42").build());
                assertRefused(call(system, granted, "op", "read", "path", secret), ENOTCAPABLE);
                assertRefused(call(system, granted, "op", "read", "path", g("../outside/secret.txt")), EPERM);
                assertRefused(call(system, granted, "op", "read", "path", g("../outside/secret.txt")), EPERM);
                assertOk(call(system, granted, "op", "read", "path", g("file.txt")));
                call(system, granted, "op", "env", "name", "HOME");
            });
            assertThat(count(log, "refused " + secret + ": outside the plugin's granted directories; grant a directory with "
                    + "--allow-dir")).isEqualTo(1);
            assertThat(count(log, "refused " + g("../outside/secret.txt") + ": '..' leads out of the granted directory " + grant
                    + "; grant a directory with --allow-dir")).isEqualTo(1);
            assertThat(log).doesNotContain("file.txt");
            assertThat(count(log, "LLMTB_SURELY_NOT_SET_42 is granted but not set in the host's environment")).isEqualTo(1);
        }
    }

    // ---- stdout and stderr -----------------------------------------------------------------------

    /** Runs {@code body} with System.err (where slf4j-simple writes) captured. */
    private static String captureLog(Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static long count(String log, String needle) {
        return log.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void stdoutAndStderrGoToThePluginLoggerLineByLine() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.none());
            String log = captureLog(() -> {
                assertOk(call(system, id, "op", "print", "data", "hello from stdout\n"));
                assertOk(call(system, id, "op", "print", "stream", "stderr", "data", "oops on stderr\n"));
                assertOk(call(system, id, "op", "print", "data", "two\nlines\n"));
            });
            assertThat(log).contains("INFO llmtb.plugin.fs-probe - hello from stdout");
            assertThat(log).contains("WARN llmtb.plugin.fs-probe - oops on stderr");
            assertThat(log).contains("INFO llmtb.plugin.fs-probe - two").contains("INFO llmtb.plugin.fs-probe - lines");
        }
    }

    /**
     * A guest's stdout is cut into lines at {@code \n} only; any other control character in it (a carriage return, an
     * ANSI escape, NEL, U+2028), and in a refused path it names, is escaped, so that it can neither start a line of its
     * choosing in the host's log (a forged {@code llmtb.audit} event) nor rewrite what a terminal shows.
     */
    @Test
    void controlCharactersInStdoutAndRefusedPathsCannotForgeLogLines() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.none());
            String forged = "INFO llmtb.audit - plugin=other outcome=ok";
            String log = captureLog(() -> {
                assertOk(call(system, id, "op", "print", "data", "before\r" + forged + "\u001b[2J\u0085" + forged + "\u2028end\n"));
                assertRefused(call(system, id, "op", "read", "path", "/etc/x\r" + forged), ENOTCAPABLE);
            });
            assertThat(log).contains("INFO llmtb.plugin.fs-probe - before\\u000d" + forged + "\\u001b[2J\\u0085" + forged
                    + "\\u2028end");
            assertThat(log).contains("refused /etc/x\\u000d" + forged + ": no directory is granted");
            assertThat(log).doesNotContain("\r").doesNotContain("\u001b").doesNotContain("\u0085").doesNotContain("\u2028");
            assertThat(log.lines().filter(l -> l.startsWith(forged))).isEmpty();
        }
    }

    @Test
    void outputIsCappedPerExecutionTogetherWithHostLog() {
        String line = "x".repeat(99) + "\n"; // 100 bytes
        try (PluginSystem system = system()) {
            PluginId id = load(system, PluginPermissions.none());
            String log = captureLog(() -> assertOk(call(system, id, "op", "print", "data", line, "repeat", 1000)));
            long lines = count(log, "INFO llmtb.plugin.fs-probe - " + "x".repeat(99));
            assertThat(lines).isEqualTo(64 * 1024 / 100); // 64 KiB per execution: 655 full lines
            assertThat(log).contains("stdout truncated").contains("65536 bytes");
            assertThat(count(log, "stdout truncated")).isEqualTo(1);

            // the cap is per execution, and host_log uses the same one
            String mixed = captureLog(() -> {
                JsonNode r = call(system, id, "op", "print", "data", line, "repeat", 100, "log_repeat", 600);
                assertThat(r.path("accepted").asInt()).isEqualTo(600);
            });
            assertThat(count(mixed, "- " + "x".repeat(99))).isEqualTo(64 * 1024 / 100);
            assertThat(mixed).contains("stdout truncated");
        }
    }

    @Test
    void theIovecArrayOfAWriteCostsFuelLikeEveryByteAHostCallReads() {
        int iovecs = 1_000_000; // 8 MB of iovecs, each {ptr 0, len 0}
        try (PluginSystem system = system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("wasi_fd_write_many_iovecs"));
            system.executePlugin(id, PluginInput.of("{\"iovecs\": " + iovecs + "}")); // the instance's memory grows once
            PluginOutput one = system.executePlugin(id, PluginInput.of("{\"iovecs\": " + iovecs + ", \"count\": 1}"));
            PluginOutput all = system.executePlugin(id, PluginInput.of("{\"iovecs\": " + iovecs + ", \"count\": " + iovecs + "}"));
            assertThat(one.data().toString()).isEqualTo("{\"errno\":0,\"written\":0}");
            assertThat(all.data().toString()).isEqualTo("{\"errno\":0,\"written\":0}");
            // the same guest work but for parsing six more digits (about 180 fuel); the host read 8 bytes more per
            // iovec, which cost nothing before: one fuel per 16 bytes, as for any copy
            assertThat(all.metadata().fuelUsed() - one.metadata().fuelUsed()).isBetween((iovecs - 1) * 8L / 16, (iovecs - 1) * 8L / 16 + 500);
        }
    }
    /**
     * poll_oneoff keeps no host object per subscription: a million clock subscriptions (80 MB of guest memory) cost the
     * plugin thread about what one does in host allocation, where it was a list of a million arrays and a 32-byte
     * array per event (over 70 MB). Measured on the thread that runs the plugin (a plugin thread, where a checked
     * plugin runs inline), as the difference between one subscription and a million in the same warm instance.
     */
    @Test
    void pollingAMillionClocksKeepsNoHostObjectPerSubscription() throws Exception {
        int subs = 1_000_000;
        ResourceLimits limits = ResourceLimits.builder().maxMemoryBytes(128L << 20).maxInstructions(500_000_000L)
                .maxExecutionTimeMs(60_000).build();
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (PluginSystem system = system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("wasi_poll_oneoff_many_clocks"), LoadOptions.builder().limits(limits).build());
            String many = "{\"subscriptions\": " + subs + "}";
            Object[] r = system.submit(() -> {
                system.executePlugin(id, PluginInput.of(many)); // the instance's memory grows once
                long thread = Thread.currentThread().getId();
                long a0 = mx.getThreadAllocatedBytes(thread);
                PluginOutput one = system.executePlugin(id, PluginInput.of("{\"subscriptions\": 1}"));
                long a1 = mx.getThreadAllocatedBytes(thread);
                PluginOutput all = system.executePlugin(id, PluginInput.of(many));
                long a2 = mx.getThreadAllocatedBytes(thread);
                return new Object[] {one, all, a1 - a0, a2 - a1};
            }).get(120, TimeUnit.SECONDS);
            assertThat(((PluginOutput) r[0]).data().toString()).isEqualTo("{\"errno\":0,\"events\":1,\"last_userdata\":0}");
            assertThat(((PluginOutput) r[1]).data().toString())
                    .isEqualTo("{\"errno\":0,\"events\":" + subs + ",\"last_userdata\":" + (subs - 1) + "}");
            long oneBytes = (long) r[2];
            long allBytes = (long) r[3];
            assertThat(allBytes - oneBytes).as("host bytes allocated for a million subscriptions beyond one's (one: %d)", oneBytes)
                    .isLessThan(4L << 20);
        }
    }
}
