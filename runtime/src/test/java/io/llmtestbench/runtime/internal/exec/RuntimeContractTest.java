package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.internal.RuntimeContract;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

/** Every name generated code links against exists here, public, with the descriptor the compiler emits. */
class RuntimeContractTest {

    private static Method method(Class<?> owner, String name, String desc) {
        return Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc))
                .findFirst()
                .orElseThrow(() -> new AssertionError(owner.getSimpleName() + "." + name + desc + " is missing"));
    }

    @Test
    void meterEntryPoints() {
        assertThat(Type.getInternalName(Meter.class)).isEqualTo(RuntimeContract.METER);
        for (String[] m : new String[][] {
                {RuntimeContract.BUDGET_OF, RuntimeContract.BUDGET_OF_DESC},
                {RuntimeContract.STOP, RuntimeContract.STOP_DESC},
                {RuntimeContract.REFILL, RuntimeContract.REFILL_DESC},
                {RuntimeContract.CHARGE, RuntimeContract.CHARGE_DESC},
                {RuntimeContract.CHARGE_BULK, RuntimeContract.CHARGE_BULK_DESC}}) {
            Method found = method(Meter.class, m[0], m[1]);
            assertThat(Modifier.isPublic(found.getModifiers()) && Modifier.isStatic(found.getModifiers()))
                    .as("%s is public static", found).isTrue();
        }
    }

    @Test
    void budgetFields() throws Exception {
        assertThat(Type.getInternalName(Budget.class)).isEqualTo(RuntimeContract.BUDGET);
        assertThat(Budget.SLICE).isEqualTo(RuntimeContract.SLICE);
        for (String[] f : new String[][] {
                {RuntimeContract.BUDGET_FUEL, "I"}, {RuntimeContract.BUDGET_SLICES, "J"},
                {RuntimeContract.BUDGET_STOP, "Z"}, {RuntimeContract.BUDGET_DEPTH, "I"},
                {RuntimeContract.BUDGET_MAX_DEPTH, "I"}}) {
            Field field = Budget.class.getDeclaredField(f[0]);
            assertThat(Type.getDescriptor(field.getType())).as(f[0]).isEqualTo(f[1]);
            assertThat(Modifier.isPublic(field.getModifiers()) && !Modifier.isStatic(field.getModifiers())
                    && !Modifier.isFinal(field.getModifiers())).as("%s is a public mutable field", f[0]).isTrue();
        }
        assertThat(Modifier.isVolatile(Budget.class.getDeclaredField(RuntimeContract.BUDGET_STOP).getModifiers())).isTrue();
        assertThat(Modifier.isPublic(method(Budget.class, RuntimeContract.TOO_DEEP, RuntimeContract.TOO_DEEP_DESC).getModifiers())).isTrue();
    }

    @Test
    void helpers() {
        assertThat(Type.getInternalName(GuestSupport.class)).isEqualTo(RuntimeContract.GUEST);
        method(GuestSupport.class, RuntimeContract.PROPERTY, RuntimeContract.PROPERTY_DESC);
        method(GuestSupport.class, RuntimeContract.INTERRUPTED, RuntimeContract.INTERRUPTED_DESC);
        assertThat(Type.getInternalName(WasmFloat.class)).isEqualTo(RuntimeContract.FLOAT);
        for (String name : RuntimeContract.FLOAT_HELPERS) {
            assertThat(Arrays.stream(WasmFloat.class.getMethods()).anyMatch(m -> m.getName().equals(name))).as(name).isTrue();
        }
    }
}
