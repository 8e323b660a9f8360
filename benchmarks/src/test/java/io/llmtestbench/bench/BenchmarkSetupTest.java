package io.llmtestbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/** How the JMH suites are set up: default JVM flags in every fork unless a variant asks, and the kernel lists. */
class BenchmarkSetupTest {
    private static final List<Class<?>> SUITES = List.of(KernelBench.class, KernelOnceBench.class, KernelBaselineBench.class,
            CallOverheadBench.class, BatchBench.class, StartupBench.class, CompileBench.class, MemoryGrowBench.class);

    @Test
    void forksReplaceTheLaunchingJvmsArgumentsAndKeepDefaultFlags() {
        for (Class<?> c : SUITES) {
            Fork fork = c.getAnnotation(Fork.class);
            assertThat(fork).as(c.getSimpleName()).isNotNull();
            // jvmArgs (not only jvmArgsAppend): JMH then does not copy the launching JVM's arguments into the fork
            assertThat(fork.jvmArgs()).as(c.getSimpleName() + " @Fork(jvmArgs)").isNotEmpty().doesNotContain(JvmFlags.HUGE_JIT);
            assertThat(fork.jvmArgsAppend()).as(c.getSimpleName()).doesNotContain(JvmFlags.HUGE_JIT);
            for (Method m : c.getMethods()) {
                Fork mf = m.getAnnotation(Fork.class);
                if (m.isAnnotationPresent(Benchmark.class) && mf != null) {
                    boolean huge = Arrays.asList(mf.jvmArgs()).contains(JvmFlags.HUGE_JIT);
                    assertThat(huge).as(c.getSimpleName() + "." + m.getName() + " asks for huge-method JIT only if named so")
                            .isEqualTo(m.getName().endsWith("HugeJit"));
                    assertThat(mf.jvmArgs()).as(c.getSimpleName() + "." + m.getName()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void aForkThatCompilesHugeMethodsWithoutAskingIsRefused() {
        assertThatThrownBy(() -> JvmFlags.check(List.of("-Xms1g", "-Xmx1g"), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("JAVA_TOOL_OPTIONS");
        assertThatThrownBy(() -> JvmFlags.check(List.of("-Xms1g", JvmFlags.HUGE_JIT), false))
                .isInstanceOf(IllegalStateException.class);
        JvmFlags.check(List.of("-Xms1g", "-Xmx1g"), false);
        JvmFlags.check(List.of("-Xms1g", JvmFlags.HUGE_JIT), true);
    }

    @Test
    void thisTestJvmRunsWithTheDefault() {
        assertThat(JvmFlags.hugeMethodsCompiled()).isFalse();
    }

    @Test
    void kernelParametersListEveryKernelOfSizesTxt() throws Exception {
        for (Class<?> c : List.of(KernelBench.class, KernelOnceBench.class)) {
            Param p = c.getField("kernel").getAnnotation(Param.class);
            assertThat(p.value()).as(c.getSimpleName()).containsExactlyElementsOf(BenchData.KERNELS);
        }
    }
}
