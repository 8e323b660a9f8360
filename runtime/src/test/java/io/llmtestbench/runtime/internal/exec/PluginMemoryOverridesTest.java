package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.Memory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PluginMemory} declares its own body for every instance method of Chicory's {@link Memory}, abstract or
 * default. A default method left inherited would run Chicory's idea of the operation over our memory: reads and
 * writes that go through our bounds checks one element at a time instead of once per range (the wrong trap, after
 * a partial write, for a bulk operation), with no fuel for the bytes, or not at all through our storage once
 * it is a plain array. Chicory adds default methods in minor releases; each one fails this test until it is
 * implemented here or listed in {@link #INHERITED} with the reason it is safe to inherit.
 */
class PluginMemoryOverridesTest {

    /** Default methods of Memory that PluginMemory may inherit, each with why. None today. */
    private static final Map<String, String> INHERITED = Map.of();

    @Test
    void everyInstanceMethodOfMemoryHasItsOwnBodyInPluginMemory() {
        List<String> inherited = new ArrayList<>();
        int checked = 0;
        for (Method m : Memory.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            checked++;
            String signature = m.getName() + Arrays.toString(m.getParameterTypes());
            Method own;
            try {
                own = PluginMemory.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                own = null;
            }
            if (own == null || own.isBridge() || own.isSynthetic()) {
                if (!INHERITED.containsKey(signature)) {
                    inherited.add(signature + (m.isDefault() ? " (default)" : ""));
                }
            } else {
                assertThat(own.getReturnType()).as(signature).isEqualTo(m.getReturnType());
            }
        }
        assertThat(checked).as("instance methods of Chicory's Memory").isGreaterThan(50);
        assertThat(inherited).as("methods of Memory that PluginMemory inherits instead of implementing").isEmpty();
    }
}
