package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.PluginPermissions;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allowedHosts matcher behind host_http_request: entries name scheme, host and port. */
class NetworkPolicyTest {
    private static NetworkPolicy allow(String... entries) {
        return NetworkPolicy.of(true, List.of(entries));
    }

    private static boolean allowed(NetworkPolicy p, String url) {
        return p.denial(URI.create(url)) == null;
    }

    @Test
    void bareHostAllowsHttpsOn443Only() {
        NetworkPolicy p = allow("api.example.com");
        assertThat(allowed(p, "https://api.example.com/v1/chat/completions")).isTrue();
        assertThat(allowed(p, "https://api.example.com:443/v1")).isTrue();
        assertThat(allowed(p, "https://API.Example.COM./v1")).isTrue(); // case and one trailing dot
        assertThat(allowed(p, "http://api.example.com/v1")).isFalse();
        assertThat(allowed(p, "https://api.example.com:8443/v1")).isFalse();
        assertThat(allowed(p, "http://api.example.com:443/")).isFalse();
        assertThat(allowed(p, "https://example.com/")).isFalse();
        assertThat(allowed(p, "https://x.api.example.com/")).isFalse();
        assertThat(allowed(p, "https://api.example.com.evil.org/")).isFalse();
        assertThat(allowed(p, "https://evilapi.example.com/")).isFalse();
    }

    @Test
    void wildcardMatchesSubdomainsAtAnyDepthButNotTheBareSuffix() {
        NetworkPolicy p = allow("*.example.com");
        assertThat(allowed(p, "https://api.example.com/")).isTrue();
        assertThat(allowed(p, "https://a.b.example.com/")).isTrue();
        assertThat(allowed(p, "https://example.com/")).isFalse();
        assertThat(allowed(p, "https://badexample.com/")).isFalse();
        assertThat(allowed(p, "https://example.com.evil.org/")).isFalse();
        assertThat(allowed(p, "http://api.example.com/")).isFalse();
        assertThat(allowed(p, "https://api.example.com:444/")).isFalse();
        assertThat(allowed(allow("http://*.example.com:8080"), "http://api.example.com:8080/")).isTrue();
    }

    @Test
    void explicitSchemeAndPort() {
        NetworkPolicy p = allow("http://127.0.0.1:8080", "https://models.internal:8443/", "api.example.com:9443");
        assertThat(allowed(p, "http://127.0.0.1:8080/v1")).isTrue();
        assertThat(allowed(p, "https://127.0.0.1:8080/v1")).isFalse();
        assertThat(allowed(p, "http://127.0.0.1:8081/v1")).isFalse();
        assertThat(allowed(p, "http://127.0.0.1/v1")).isFalse();
        assertThat(allowed(p, "https://models.internal:8443/x")).isTrue();
        assertThat(allowed(p, "https://api.example.com:9443/x")).isTrue();
        assertThat(allowed(p, "https://api.example.com/x")).isFalse();
        assertThat(allowed(allow("http://example.com"), "http://example.com:80/")).isTrue();
        assertThat(allowed(allow("http://example.com"), "http://example.com:8080/")).isFalse();
    }

    @Test
    void ipLiteralsMatchOnlyExactEntries() {
        NetworkPolicy p = allow("http://127.0.0.1:80", "http://[::1]:80", "http://*.example.com:80");
        assertThat(allowed(p, "http://127.0.0.1/")).isTrue();
        assertThat(allowed(p, "http://[::1]/")).isTrue();
        assertThat(allowed(p, "http://127.1/")).isFalse();       // what resolvers read as 127.0.0.1
        assertThat(allowed(p, "http://2130706433/")).isFalse();  // ditto
        assertThat(allowed(p, "http://127.0.0.2/")).isFalse();
        assertThat(allowed(p, "http://1.2.3.example.com/")).isTrue(); // a name, not an address
    }

    @Test
    void userInfoAndOtherSchemesAreRefused() {
        NetworkPolicy p = allow("api.example.com", "http://api.example.com:80");
        assertThat(p.denial(URI.create("https://user:pw@api.example.com/"))).contains("user info");
        assertThat(p.denial(URI.create("https://api.example.com@evil.org/"))).isNotNull();
        assertThat(p.denial(URI.create("ftp://api.example.com/"))).contains("scheme 'ftp'");
        assertThat(p.denial(URI.create("file:///etc/passwd"))).contains("scheme 'file'");
    }

    @Test
    void deniedWithoutTheGrantWhateverTheList() {
        NetworkPolicy p = NetworkPolicy.of(false, List.of("api.example.com"));
        assertThat(p.denial(URI.create("https://api.example.com/"))).contains("not granted");
        assertThat(NetworkPolicy.denyAll().denial(URI.create("https://api.example.com/"))).contains("not granted");
    }

    @Test
    void denialsSayWhy() {
        NetworkPolicy p = allow("127.0.0.1");
        assertThat(p.denial(URI.create("http://127.0.0.1:8080/v1")))
                .contains("http://127.0.0.1:8080 is not allowed")
                .contains("https://127.0.0.1:443")
                .contains("add \"http://127.0.0.1:8080\"");
        assertThat(p.denial(URI.create("https://evil.org/"))).contains("not in allowedHosts [127.0.0.1]");
        assertThat(NetworkPolicy.of(true, List.of()).denial(URI.create("https://evil.org/"))).contains("allowedHosts is empty");
    }

    @Test
    void invalidEntriesAreRefusedWhenPermissionsAreMade() {
        for (String bad : List.of("", "*", "*.", "a*.example.com", "api.*.com", "ftp://example.com", "example.com/v1",
                "user@example.com", "example.com:0", "example.com:65536", "example.com:http", "*.127.0.0.1", "*.1",
                "127.1", "exa_mple.com", "-bad.com")) {
            assertThatThrownBy(() -> NetworkPolicy.parseEntry(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid allowedHosts entry");
        }
        assertThatThrownBy(() -> new PluginPermissions(false, List.of(), true, List.of("*"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no allow-all");
        assertThat(NetworkPolicy.parseEntry("HTTP://LocalHost:8080/"))
                .isEqualTo(new NetworkPolicy.Entry("http", "localhost", false, 8080, "HTTP://LocalHost:8080/"));
        assertThat(NetworkPolicy.parseEntry("*.example.com"))
                .isEqualTo(new NetworkPolicy.Entry("https", "example.com", true, 443, "*.example.com"));
        assertThat(NetworkPolicy.parseEntry("http://[::1]:8080").host()).isEqualTo("[::1]");
    }
}
