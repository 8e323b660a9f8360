package io.llmtestbench.runtime.internal;

import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the instances of one plugin share: its logger, state, random source, log cap and network policy. */
final class PluginShared {
    /** Default cap on a plugin's state (keys and values). */
    static final long DEFAULT_STATE_CAP = 1024 * 1024;
    /** Default cap on log bytes per execution. */
    static final long DEFAULT_LOG_CAP = 64 * 1024;

    private volatile String name;
    private volatile Logger logger;
    private final PluginState state;
    private final Random random;
    private final long logCapBytes;
    private final NetworkPolicy network;
    private final int maxHttpResponseBytes;

    PluginShared(String name, Long seed, long stateCap, long logCap) {
        this(name, seed, stateCap, logCap, NetworkPolicy.denyAll(), 0);
    }

    PluginShared(String name, Long seed, long stateCap, long logCap, NetworkPolicy network, int maxHttpResponseBytes) {
        rename(name);
        this.state = new PluginState(stateCap);
        this.random = seed == null ? new Random() : new Random(seed);
        this.logCapBytes = logCap;
        this.network = network;
        this.maxHttpResponseBytes = maxHttpResponseBytes;
    }

    /** Called once the plugin's metadata name is known. */
    void rename(String newName) {
        this.name = newName;
        this.logger = LoggerFactory.getLogger("llmtb.plugin." + newName);
    }

    String name() {
        return name;
    }

    Logger logger() {
        return logger;
    }

    PluginState state() {
        return state;
    }

    int random(int max) {
        synchronized (random) {
            return random.nextInt(max);
        }
    }

    long logCapBytes() {
        return logCapBytes;
    }

    NetworkPolicy network() {
        return network;
    }

    int maxHttpResponseBytes() {
        return maxHttpResponseBytes;
    }
}
