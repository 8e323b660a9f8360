package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tests see both artifacts on their class path: the module's (target/classes) and the test one (target/test-classes). */
class ClassPathTest {
    @Test
    void bothPluginIndexesAreOnTheTestClassPath() throws Exception {
        List<URL> indexes = Collections.list(getClass().getClassLoader().getResources("META-INF/llmtb/index.json"));
        assertEquals(2, indexes.size(), indexes.toString());
        List<String> texts = new ArrayList<>();
        for (URL url : indexes) {
            try (InputStream in = url.openStream()) {
                texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertTrue(texts.stream().anyMatch(t -> t.contains("\"main\"")), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.contains("\"fixture\"")), texts.toString());
        assertTrue(getClass().getClassLoader().getResource("META-INF/llmtb/plugins/fixture/module.wasm") != null);
    }
}
