package com.example;

/** Ordinary Java code in the same module: its class must end up in the jar next to the compiled plugins. */
public final class App {
    private App() {}

    public static String plugins() {
        return "META-INF/llmtb/index.json";
    }
}
