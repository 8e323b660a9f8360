package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.internal.RuntimeContract;
import io.llmtestbench.compiler.internal.RuntimeContract.Member;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

/**
 * Every runtime member generated code links against ({@code RuntimeContract.MEMBERS}) exists here, public,
 * static or not as the compiler emits it, with the descriptor the compiler emits.
 */
class RuntimeContractTest {

    private static Class<?> owner(Member m) throws ClassNotFoundException {
        return Class.forName(m.owner().replace('/', '.'), false, RuntimeContractTest.class.getClassLoader());
    }

    @Test
    void everyMemberExistsWithItsDescriptorAndKind() throws Exception {
        assertThat(RuntimeContract.MEMBERS).doesNotHaveDuplicates();
        for (Member m : RuntimeContract.MEMBERS) {
            Class<?> owner = owner(m);
            int modifiers;
            if (m.kind() == Member.Kind.FIELD || m.kind() == Member.Kind.STATIC_FIELD) {
                Field f = owner.getDeclaredField(m.name());
                assertThat(Type.getDescriptor(f.getType())).as("%s", m).isEqualTo(m.descriptor());
                modifiers = f.getModifiers();
            } else {
                Method found = Arrays.stream(owner.getDeclaredMethods())
                        .filter(x -> x.getName().equals(m.name()) && Type.getMethodDescriptor(x).equals(m.descriptor()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(m + " is missing"));
                modifiers = found.getModifiers();
            }
            boolean isStatic = m.kind() == Member.Kind.STATIC_FIELD || m.kind() == Member.Kind.STATIC_METHOD;
            assertThat(Modifier.isPublic(modifiers)).as("%s is public", m).isTrue();
            assertThat(Modifier.isStatic(modifiers)).as("%s is static: %s", m, isStatic).isEqualTo(isStatic);
        }
    }

    @Test
    void budgetFieldsAreMutableAndTheStopFlagVolatile() throws Exception {
        assertThat(Type.getInternalName(Budget.class)).isEqualTo(RuntimeContract.BUDGET);
        assertThat(Budget.SLICE).isEqualTo(RuntimeContract.SLICE);
        for (Member m : RuntimeContract.MEMBERS) {
            if (m.owner().equals(RuntimeContract.BUDGET) && m.kind() == Member.Kind.FIELD) {
                assertThat(Modifier.isFinal(Budget.class.getDeclaredField(m.name()).getModifiers())).as("%s", m).isFalse();
            }
        }
        assertThat(Modifier.isVolatile(Budget.class.getDeclaredField(RuntimeContract.BUDGET_STOP.name()).getModifiers())).isTrue();
        assertThat(Modifier.isFinal(PluginMemory.class.getDeclaredField(RuntimeContract.MEMORY_BYTES.name()).getModifiers())).isFalse();
    }

    @Test
    void constantsAgree() {
        assertThat(GuestOps.FOREIGN).isEqualTo(RuntimeContract.FOREIGN);
        assertThat(Type.getInternalName(PluginMemory.class)).isEqualTo(RuntimeContract.PLUGIN_MEMORY);
        assertThat(Type.getInternalName(GuestOps.class)).isEqualTo(RuntimeContract.GUEST_OPS);
        assertThat(Type.getInternalName(Traps.class)).isEqualTo(RuntimeContract.TRAPS);
        assertThat(Type.getInternalName(WasmOps.class)).isEqualTo(RuntimeContract.WASM_OPS);
        assertThat(Type.getInternalName(WasmFloat.class)).isEqualTo(RuntimeContract.FLOAT);
        assertThat(Type.getInternalName(Meter.class)).isEqualTo(RuntimeContract.METER);
        // The order of PluginMemory.Rmw is the operator number generated code passes to atomicRmw.
        assertThat(Arrays.stream(PluginMemory.Rmw.values()).map(Enum::name))
                .containsExactly("ADD", "SUB", "AND", "OR", "XOR", "XCHG");
    }

    /** Every public static helper of the generated-code helper classes is in the contract: nothing unlisted. */
    @Test
    void theHelperClassesOfferNothingTheContractDoesNotList() {
        Set<String> listed = new HashSet<>();
        for (Member m : RuntimeContract.MEMBERS) {
            listed.add(m.owner() + "." + m.name() + m.descriptor());
        }
        for (Class<?> c : new Class<?>[] {GuestOps.class, WasmOps.class, Traps.class}) {
            for (Method x : c.getDeclaredMethods()) {
                if (Modifier.isPublic(x.getModifiers()) && Modifier.isStatic(x.getModifiers())) {
                    assertThat(listed).as("%s.%s is used by generated code, so it must be in RuntimeContract", c.getSimpleName(), x.getName())
                            .contains(Type.getInternalName(c) + "." + x.getName() + Type.getMethodDescriptor(x));
                }
            }
        }
    }
}
