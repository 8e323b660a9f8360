package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmtestbench.runtime.Discovery;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import org.junit.jupiter.api.Test;

/** The consumer of maven-plugin/README.md's multi-module example: discovers the plugins on its class path and runs one. */
class PluginsOnTheClassPathTest {
    @Test
    void discoversAndRunsThePluginsOfTheOtherModule() {
        try (PluginSystem system = PluginSystem.create()) {
            Discovery found = system.discover();
            assertTrue(found.plugins().stream().anyMatch(p -> p.name().equals("echo")), found.toString());
            assertTrue(found.problems().isEmpty(), found.problems().toString());
            PluginId echo = system.loadPlugin("echo"); // the newest version found by discover()
            PluginOutput out = system.executePlugin(echo, PluginInput.of("{\"text\": \"Paris\"}"));
            assertEquals("Paris", out.data().path("text").asText());
            assertEquals("jar", system.describePlugin(echo).origin()); // pre-compiled: nothing compiled at run time
        }
    }
}
